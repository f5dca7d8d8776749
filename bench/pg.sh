#!/usr/bin/env bash
# Run bench/run.py against a throwaway PostgreSQL cluster on a free loopback port (as scripts/test
# starts one), removed afterwards. Arguments go to bench/run.py, e.g. bench/pg.sh --generate.
# BENCH_PG_DIR=/some/dir keeps the cluster there between runs (a 10x county takes ~10 min to
# generate): the first run creates it, later runs start it again and reuse its database.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
keep="${BENCH_PG_DIR:-}"
if [ -n "$keep" ]; then
  workdir="$keep"
  mkdir -p "$workdir"
else
  workdir="$(mktemp -d /tmp/liandong-bench-pg.XXXXXX)"
fi
chmod 755 "$workdir"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$workdir"
  as_pg=(runuser -u postgres --)
fi
port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stop_pg() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m fast stop >/dev/null 2>&1 || true
  [ -n "$keep" ] || rm -rf "$workdir"
}
trap stop_pg EXIT
fresh=1
if [ -n "$keep" ] && [ -f "$workdir/data/PG_VERSION" ]; then
  fresh=0
else
  "${as_pg[@]}" "$pg_bin/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
fi
# Durable settings stay at their defaults (fsync on): the figures are those of a real server.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c work_mem=32MB" start >/dev/null
[ "$fresh" -eq 0 ] || "${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres liandong_bench
DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/liandong_bench" .venv/bin/python bench/run.py "$@"
