"""A province on one PostgreSQL: K copies of the generated county as K counties, in two layouts, measured.

    DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/liandong_bench \\
        .venv/bin/python bench/province.py --counties 10 [--runs 7] [--json FILE] [--keep]

The database must hold one generated county (`flask gen-data`, e.g. bench/pg.sh --generate with
BENCH_PG_DIR set). Schema `province` is dropped and rebuilt: `payment_part` (PARTITION BY LIST
(county_id), one partition per county, the app's payment indexes on each) and `payment_flat` (one
table, county_id leading every index), both keyed (county_id, id). The county-scoped queries, the
province roll-up and removing a county are then timed on each layout (removal inside a transaction
that is rolled back). Not a test: it prints a Markdown table and writes the figures as JSON
(--json). The schema is dropped at the end unless --keep: at 50M rows it takes tens of GB.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import machine  # noqa: E402

LAYOUTS = ("part", "flat")
TABLE = {"part": "payment_part", "flat": "payment_flat"}
COLUMNS = ("id", "source_id", "project_id", "milestone_id", "period", "paid_on", "amount_fen", "reversal_of_id",
           "voucher_no", "payee")
ROWS_PER_BATCH = 2_000_000  # rows per INSERT ... SELECT: counties are copied in batches of about this size
MIB_PER_MILLION_ROWS = 370  # one layout, table and its 10 indexes, measured at 3 x 30,000 rows
MAINTENANCE_WORK_MEM = "512MB"  # for the load's index builds only
LOAD_TIMEOUT = "3600s"  # one batch, one index over every county, ANALYZE: minutes at 50M rows, never hours

# The county-scoped queries and the province roll-up: {t} is the layout's table; parameters by name.
QUERIES: dict[str, tuple[str, str]] = {
    "ledger page (newest 50 of a source's month)": (
        "county",
        "SELECT id, paid_on, amount_fen, voucher_no, payee, project_id, reversal_of_id FROM {t}"
        " WHERE county_id = %(county)s AND source_id = %(source)s AND period = %(period)s"
        " ORDER BY paid_on DESC, id DESC LIMIT 50"),
    "county month sums per source": (
        "county",
        "SELECT source_id, period, coalesce(sum(amount_fen) FILTER (WHERE amount_fen > 0), 0),"
        " coalesce(sum(amount_fen) FILTER (WHERE amount_fen < 0), 0), count(*) FROM {t}"
        " WHERE county_id = %(county)s GROUP BY source_id, period"),
    "county spending per (source, project)": (
        "county",
        "SELECT source_id, project_id, sum(amount_fen) FROM {t} WHERE county_id = %(county)s"
        " GROUP BY source_id, project_id"),
    "province roll-up, per county per month": (
        "province",
        "SELECT county_id, period, sum(amount_fen) FROM {t} GROUP BY county_id, period"),
    "province roll-up, one year": (
        "province",
        "SELECT county_id, period, sum(amount_fen) FROM {t}"
        " WHERE period BETWEEN %(year_from)s AND %(year_to)s GROUP BY county_id, period"),
}
REMOVE = "remove a county (rolled back)"
_HELD: list[Any] = []


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def connect(url: str) -> psycopg.Connection:
    """One psycopg connection through SQLAlchemy's engine, autocommit (each load batch commits)."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if not url.startswith("postgresql+psycopg://"):
        raise SystemExit("province.py needs PostgreSQL: DATABASE_URL=postgresql://...")
    fairy = create_engine(url, poolclass=NullPool).raw_connection()
    _HELD.append(fairy)  # the pool's wrapper closes the connection when it is collected
    conn: psycopg.Connection = fairy.driver_connection  # type: ignore[assignment]
    conn.autocommit = True
    return conn


def one(conn: psycopg.Connection, query: Any, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def app_indexes(conn: psycopg.Connection) -> list[dict]:
    """The app's indexes on public.payment over the copied columns: columns, unique, partial predicate."""
    rows = conn.execute(
        "SELECT i.relname, x.indisunique, x.indisprimary,"
        " array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)"
        "       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n),"
        " pg_get_expr(x.indpred, x.indrelid)"
        " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = 'public.payment'::regclass AND x.indexprs IS NULL ORDER BY i.relname").fetchall()
    return [{"name": name, "unique": unique, "columns": list(columns), "where": where}
            for name, unique, primary, columns, where in rows
            if not primary and set(columns) <= set(COLUMNS)]


def county_facts(conn: psycopg.Connection) -> dict:
    """The county's size and what the queries ask for: its busiest source, that source's busiest month, the busiest year."""
    payments = one(conn, "SELECT count(*) FROM public.payment")
    if not payments:
        raise SystemExit("public.payment is empty: generate a county first (flask gen-data, bench/pg.sh --generate)")
    source = one(conn, "SELECT source_id FROM public.payment GROUP BY source_id ORDER BY count(*) DESC, source_id LIMIT 1")
    period = one(conn, "SELECT period FROM public.payment WHERE source_id = %s GROUP BY period"
                       " ORDER BY count(*) DESC, period DESC LIMIT 1", (source,))
    year = one(conn, "SELECT period / 100 FROM public.payment GROUP BY period / 100 ORDER BY count(*) DESC, 1 DESC LIMIT 1")
    return {"payments": payments, "busiest_source": source, "busiest_period": period, "busiest_year": year,
            "source_payments": one(conn, "SELECT count(*) FROM public.payment WHERE source_id = %s", (source,)),
            "source_month_payments": one(conn, "SELECT count(*) FROM public.payment WHERE source_id = %s AND period = %s",
                                         (source, period))}


def ident(name: str) -> sql.Identifier:
    return sql.Identifier("province", name)


def build(conn: psycopg.Connection, counties: int, payments: int, indexes: list[dict]) -> dict:
    """Drop and rebuild schema province; both layouts loaded, indexed and analysed; seconds and sizes per layout."""
    conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(LOAD_TIMEOUT)))
    # What an operator loading a county would give the index builds (the server default is 64MB): the
    # session only, so the timed queries run with the server's own settings.
    conn.execute(sql.SQL("SET maintenance_work_mem = {}").format(sql.Literal(MAINTENANCE_WORK_MEM)))
    conn.execute("DROP SCHEMA IF EXISTS province CASCADE")
    conn.execute("CREATE SCHEMA province")
    columns = sql.SQL(
        "county_id integer NOT NULL, id integer NOT NULL, source_id integer NOT NULL, project_id integer NOT NULL,"
        " milestone_id integer NOT NULL, period integer NOT NULL, paid_on date NOT NULL, amount_fen bigint NOT NULL,"
        " reversal_of_id integer, voucher_no varchar(64) NOT NULL, payee varchar(200) NOT NULL")
    conn.execute(sql.SQL("CREATE TABLE {} ({}) PARTITION BY LIST (county_id)").format(ident("payment_part"), columns))
    for county in range(1, counties + 1):
        conn.execute(sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES IN ({})").format(
            ident(f"payment_part_c{county:03d}"), ident("payment_part"), sql.Literal(county)))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(ident("payment_flat"), columns))
    names = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    from_names = sql.SQL(", ").join(sql.Identifier("p", name) for name in COLUMNS)
    batch = max(1, ROWS_PER_BATCH // payments)
    facts: dict = {}
    for layout in LAYOUTS:
        table = ident(TABLE[layout])
        started = time.perf_counter()
        for first in range(1, counties + 1, batch):
            last = min(counties, first + batch - 1)
            conn.execute(sql.SQL("INSERT INTO {} (county_id, {}) SELECT c.county_id, {} FROM public.payment p"
                                 " CROSS JOIN generate_series(%s::int, %s::int) AS c(county_id)").format(
                table, names, from_names), (first, last))
            print(f"  {layout}: counties {first}-{last} of {counties}, {last * payments:,} rows copied,"
                  f" {time.perf_counter() - started:.1f} s", flush=True)
        copied = time.perf_counter() - started
        started = time.perf_counter()
        # The key (county_id, id); the app's indexes: the flat table leads each with county_id, the
        # partitions keep them as they are (county_id is constant in a partition) except unique ones,
        # which PostgreSQL wants to hold the partition key.
        conn.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (county_id, id)").format(table))
        for index in indexes:
            keyed = layout == "flat" or index["unique"]
            cols = (["county_id"] if keyed else []) + index["columns"]
            statement = sql.SQL("CREATE {}INDEX {} ON {} ({})").format(
                sql.SQL("UNIQUE " if index["unique"] else ""), sql.Identifier(f"{layout}_{index['name']}"), table,
                sql.SQL(", ").join(map(sql.Identifier, cols)))
            if index["where"]:
                statement = sql.SQL("{} WHERE {}").format(statement, sql.SQL(index["where"]))
            conn.execute(statement)
            print(f"  {layout}: index {', '.join(cols)}{' (partial)' if index['where'] else ''},"
                  f" {time.perf_counter() - started:.1f} s", flush=True)
        indexed = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(sql.SQL("ANALYZE {}").format(table))
        analysed = time.perf_counter() - started
        if layout == LAYOUTS[-1]:
            conn.execute("RESET maintenance_work_mem")
        facts[layout] = {"copy_seconds": round(copied, 1), "index_seconds": round(indexed, 1),
                         "analyze_seconds": round(analysed, 1), "load_seconds": round(copied + indexed + analysed, 1),
                         **sizes(conn, layout)}
        print(f"  {layout}: loaded in {facts[layout]['load_seconds']} s (copy {facts[layout]['copy_seconds']},"
              f" indexes {facts[layout]['index_seconds']}, analyze {facts[layout]['analyze_seconds']}),"
              f" {facts[layout]['total_bytes'] / 2**20:,.1f} MiB", flush=True)
    return facts


def built(conn: psycopg.Connection) -> int:
    """How many counties schema province holds in both layouts (0: none or not both)."""
    if one(conn, "SELECT to_regclass('province.payment_flat') IS NULL OR to_regclass('province.payment_part') IS NULL"):
        return 0
    return one(conn, "SELECT count(*) FROM pg_partition_tree('province.payment_part') WHERE isleaf")


def sizes(conn: psycopg.Connection, layout: str) -> dict:
    """Bytes on disk: heap (with TOAST) and indexes, summed over the partitions for the partitioned layout."""
    row = conn.execute(
        "SELECT sum(pg_total_relation_size(c.oid)), sum(pg_indexes_size(c.oid)) FROM pg_class c"
        " WHERE c.oid = %(t)s::regclass AND c.relkind = 'r'"
        " OR c.oid IN (SELECT relid FROM pg_partition_tree(%(t)s::regclass) WHERE isleaf)",
        {"t": f"province.{TABLE[layout]}"}).fetchone()
    total, index = (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
    return {"total_bytes": total, "index_bytes": index, "table_bytes": total - index}


def scanned(plan: dict) -> dict:
    """What one EXPLAIN (FORMAT JSON) plan reads: the relations scanned, partitions among them, node types."""
    relations: set[str] = set()
    nodes: set[str] = set()
    removed = 0

    def walk(node: dict) -> None:
        nonlocal removed
        nodes.add(node["Node Type"])
        if "Relation Name" in node:
            relations.add(node["Relation Name"])
        removed += node.get("Subplans Removed", 0)
        for child in node.get("Plans", []):
            walk(child)
    walk(plan["Plan"])
    return {"relations": len(relations), "partitions": sum(1 for name in relations if name.startswith("payment_part_")),
            "subplans_removed_at_run_time": removed, "nodes": sorted(nodes)}


def time_query(conn: psycopg.Connection, statement: sql.Composed, params: dict) -> float:
    started = time.perf_counter()
    conn.execute(statement, params).fetchall()
    return (time.perf_counter() - started) * 1000


def time_remove(conn: psycopg.Connection, layout: str, county: int) -> float:
    """Removing a county, inside a transaction that is rolled back so later runs still have it."""
    partition = ident(f"payment_part_c{county:03d}")
    with conn.transaction(force_rollback=True):
        started = time.perf_counter()
        if layout == "part":
            conn.execute(sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(ident("payment_part"), partition))
            conn.execute(sql.SQL("DROP TABLE {}").format(partition))
        else:
            conn.execute(sql.SQL("DELETE FROM {} WHERE county_id = %s").format(ident("payment_flat")), (county,))
        return (time.perf_counter() - started) * 1000


def measure(conn: psycopg.Connection, counties: int, runs: int, seed: int, county: dict, timeout: int) -> list[dict]:
    conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(f"{timeout}s")))
    rng = random.Random(seed)
    picks = [rng.randint(1, counties) for _ in range(runs)]
    base = {"source": county["busiest_source"], "period": county["busiest_period"],
            "year_from": county["busiest_year"] * 100 + 1, "year_to": county["busiest_year"] * 100 + 12}
    rows = []
    for name, (scope, template) in QUERIES.items():
        for layout in LAYOUTS:
            statement = sql.SQL(template).format(t=ident(TABLE[layout]))  # type: ignore[arg-type]
            plan = conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) {}").format(statement),
                                {**base, "county": picks[0]}).fetchone()
            times = timed(lambda pick, query=statement: time_query(conn, query, {**base, "county": pick}), picks)
            rows.append(row(name, scope, layout, times, scanned(plan[0][0]) if plan else {}))
            progress(rows[-1])
    for layout in LAYOUTS:
        if layout == "flat":
            plan = conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) DELETE FROM {} WHERE county_id = %s").format(
                ident("payment_flat")), (picks[0],)).fetchone()
            plan_facts = scanned(plan[0][0]) if plan else {}
        else:
            plan_facts = {"relations": 1, "partitions": 1, "subplans_removed_at_run_time": 0,
                          "nodes": ["DETACH PARTITION", "DROP TABLE"]}
        times = timed(lambda pick, kind=layout: time_remove(conn, kind, pick), picks)
        rows.append(row(REMOVE, "county", layout, times, plan_facts))
        progress(rows[-1])
    return rows


def timed(run: Callable[[int], float], picks: list[int]) -> list[float] | None:
    """Each run's milliseconds, or None when one ran past statement_timeout (the rest are then skipped)."""
    times = []
    for pick in picks:
        try:
            times.append(run(pick))
        except psycopg.errors.QueryCanceled:
            return None
    return times


def progress(item: dict) -> None:
    median = "timed out" if item["median_ms"] is None else f"median {item['median_ms']} ms"
    print(f"  {item['query']}, {item['layout']}: {median}", flush=True)


def row(name: str, scope: str, layout: str, times: list[float] | None, plan: dict) -> dict:
    if times is None:
        return {"query": name, "scope": scope, "layout": layout, "median_ms": None, "p95_ms": None, "runs_ms": [],
                "timed_out": True, "plan": plan}
    return {"query": name, "scope": scope, "layout": layout, "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2), "runs_ms": [round(value, 2) for value in times], "plan": plan}


def print_results(results: dict) -> None:
    county, counties = results["county"], results["counties"]
    print(f"\n{counties} counties x {county['payments']:,} payments = {counties * county['payments']:,} rows per layout;"
          f" {results['runs']} runs per query, a county at random each run (seed {results['seed']});"
          f" PostgreSQL {results['machine']['postgresql']}\n")
    print("| query | layout | median ms | p95 ms | partitions scanned | scans |")
    print("|---|---|---:|---:|---:|---|")
    for item in results["queries"]:
        plan = item["plan"]
        scans = ", ".join(node for node in plan.get("nodes", []) if "Scan" in node or node.isupper())
        parts = f"{plan.get('partitions', '?')} of {counties}" if item["layout"] == "part" else "— (one table)"
        if item["median_ms"] is None:
            over = f"> {results['timeout_seconds']} s (statement_timeout)"
            print(f"| {item['query']} | {item['layout']} | {over} | — | {parts} | {scans} |")
        else:
            print(f"| {item['query']} | {item['layout']} | {item['median_ms']:.1f} | {item['p95_ms']:.1f} | {parts} | {scans} |")
    print("\nRemoving a county: DETACH PARTITION + DROP TABLE (part) vs DELETE WHERE county_id = (flat),"
          " each inside a transaction that is rolled back, so every run removes a county that is there.\n")
    print("| layout | load s (copy + indexes + analyze) | table MiB | indexes MiB | total MiB | MiB per million rows |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = counties * county["payments"]
    for layout in LAYOUTS:
        item = results["load"][layout]
        load = ("kept from an earlier run (--reuse)" if item["load_seconds"] is None else
                f"{item['load_seconds']} ({item['copy_seconds']} + {item['index_seconds']} + {item['analyze_seconds']})")
        print(f"| {layout} | {load}"
              f" | {item['table_bytes'] / 2**20:,.1f} | {item['index_bytes'] / 2**20:,.1f} | {item['total_bytes'] / 2**20:,.1f}"
              f" | {item['total_bytes'] / 2**20 / rows * 1e6:,.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--counties", type=int, required=True, help="K, 2 to 200: copies of the county")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query and layout")
    parser.add_argument("--seed", type=int, default=1, help="seeds the county chosen each run")
    parser.add_argument("--timeout", type=int, default=120, help="statement_timeout of each timed query, seconds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="leave schema province in place (default: drop it)")
    parser.add_argument("--reuse", action="store_true",
                        help="time a schema province kept (--keep) with the same --counties instead of rebuilding it")
    args = parser.parse_args()
    if not 2 <= args.counties <= 200:
        parser.error("--counties must be between 2 and 200")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    conn = connect(args.database_url)
    results: dict = {"machine": {**machine(), "postgresql": one(conn, "SHOW server_version")},
                     "counties": args.counties, "runs": args.runs, "seed": args.seed, "timeout_seconds": args.timeout,
                     "load_maintenance_work_mem": MAINTENANCE_WORK_MEM, "load_statement_timeout": LOAD_TIMEOUT}
    try:
        results["county"] = county_facts(conn)
        indexes = app_indexes(conn)
        results["indexes"] = indexes
        print(f"county: {results['county']}; building schema province with {args.counties} counties"
              f" ({args.counties * results['county']['payments']:,} rows per layout)", flush=True)
        if args.reuse and built(conn) == args.counties:
            print("reusing schema province as it is (--reuse): load times are those of the run that built it")
            results["load"] = {layout: {"copy_seconds": None, "index_seconds": None, "analyze_seconds": None,
                                        "load_seconds": None, **sizes(conn, layout)} for layout in LAYOUTS}
            results["reused"] = True
        else:
            rows = args.counties * results["county"]["payments"]
            print(f"expect about {rows * 2 * MIB_PER_MILLION_ROWS / 1e6 / 1024:,.1f} GiB on disk for both layouts"
                  f" ({MIB_PER_MILLION_ROWS} MiB per million rows per layout, measured at 90,000 rows)", flush=True)
            started = time.perf_counter()
            results["load"] = build(conn, args.counties, results["county"]["payments"], indexes)
            results["build_seconds"] = round(time.perf_counter() - started, 1)
        print("timing queries", flush=True)
        results["queries"] = measure(conn, args.counties, args.runs, args.seed, results["county"], args.timeout)
        results["removal_note"] = "timed inside a transaction that is rolled back"
        print_results(results)
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    finally:
        if not args.keep:
            conn.execute("SET statement_timeout = 0")
            conn.execute("DROP SCHEMA IF EXISTS province CASCADE")
            print("schema province dropped (--keep leaves it)")
        conn.close()


if __name__ == "__main__":
    main()
