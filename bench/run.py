"""The county-scale benchmark: pages (app and bare SQL), bulk imports, and a bounded load test.

    .venv/bin/python bench/run.py --generate                     # SQLite: build instance/bench.sqlite3, run all
    DATABASE_URL=postgresql://... .venv/bin/python bench/run.py --generate
    bench/pg.sh --generate                                       # the same on a throwaway PostgreSQL
    .venv/bin/python bench/run.py --load-seconds 60 --only load  # the 60-second load test alone

Not a test: it prints a table and writes the figures as JSON (--json). See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bench import imports, load, pages  # noqa: E402
from extensions import db  # noqa: E402

PARTS = ("pages", "imports", "load")
LOAD_PAGES = ("project list", "project list, filtered", "project page", "fund-source ledger", "checks", "dashboard",
              "chart monthly-spending", "chart fund-utilisation", "earned value")


def machine() -> dict:
    """What the figures were measured on."""
    def first(command: list[str], pattern: str = "") -> str:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
        except OSError:
            return "?"
        lines = [line for line in out.splitlines() if pattern in line]
        return (lines[0].split(":", 1)[-1] if pattern else out.strip()).strip() if lines else "?"
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return {"cpu": first(["lscpu"], "Model name"), "cores": os.cpu_count(),
            "ram_gb": round(int(memory) / 1024 / 1024, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def generate(url: str, projects: int, payments: int, statement: Path) -> float:
    """Build the schema and a synthetic county into `url` (a new SQLite file is replaced); seconds."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url}
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run(flask + ["gen-data", "--projects", str(projects), "--payments", str(payments), "--seed", "1",
                            "--statement", str(statement)], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def print_pages(rows: list[dict]) -> None:
    print(f"\n{'page':34} {'cold med':>9} {'p95':>8} {'restart':>8} {'warm med':>9} {'p95':>8} {'SQL med':>8} {'stmts':>5} {'app/SQL':>7}")
    for row in rows:
        print(f"{row['page'][:34]:34} {row['cold_median_ms']:9.1f} {row['cold_p95_ms']:8.1f} {row['restart_median_ms'] or 0:8.1f} {row['warm_median_ms']:9.1f}"
              f" {row['warm_p95_ms']:8.1f} {row['sql_median_ms']:8.1f} {row['statements']:5d} {row['app_sql_ratio'] or 0:7.2f}"
              + ("" if row["status"] == 200 else f"  HTTP {row['status']}"))


def run(args) -> dict:
    url = args.database_url
    results: dict = {"machine": machine(), "database": url.split(":", 1)[0], "parts": {}}
    if args.generate:
        results["generate_seconds"] = round(generate(url, args.projects, args.payments, args.statement), 1)
        print(f"generated in {results['generate_seconds']} s")
    # The warmer is off while pages are timed cold; the "after a change" part runs it in the foreground.
    # The reports' disk tier in a folder of this run (the "restart" column reads back what it keeps).
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40, "REPORT_WARM_SECONDS": 0,
                      "REPORT_CACHE_DIR": tempfile.mkdtemp(prefix="liandong-bench-reports-")})
    with app.app_context():
        results["county"] = pages.county_size()
        if db.engine.dialect.name == "postgresql":
            results["machine"]["postgresql"] = db.session.execute(db.text("SHOW server_version")).scalar()
        user = pages.ensure_bench_user()
        print("county:", results["county"])
        chosen = pages.main_pages()
        if "pages" in args.only:
            client = pages.logged_in_client(app, user)
            rows = [pages.time_page(app, client, name, path, args.runs).row() for name, path in chosen]
            results["parts"]["pages"] = rows
            print_pages(rows)
            results["parts"]["after_change"] = pages.time_after_change(app, client, chosen, max(3, args.runs // 2))
            print("after a change:", results["parts"]["after_change"])
        if "imports" in args.only:
            if args.statement.exists():
                results["parts"]["statement_import"] = imports.time_statement_import(args.statement)
                print("statement import + reconciliation:", results["parts"]["statement_import"])
            results["parts"]["project_import"] = imports.time_project_import(args.import_projects)
            print("project import:", results["parts"]["project_import"])
        db.session.remove()
        db.engine.dispose()
    if "load" in args.only:
        paths = [path for name, path in chosen if name in LOAD_PAGES]
        results["parts"]["load"] = load.run_load(url, paths, pages.BENCH_USER, pages.BENCH_PASSWORD,
                                                 args.load_seconds)
        print("load:", results["parts"]["load"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT}/instance/bench.sqlite3"))
    parser.add_argument("--generate", action="store_true", help="(re)build the database with gen-data first")
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--payments", type=int, default=500_000)
    parser.add_argument("--statement", type=Path, default=ROOT / "instance" / "bench-statement.csv")
    parser.add_argument("--runs", type=int, default=7, help="requests per page, cold and warm each")
    parser.add_argument("--import-projects", type=int, default=5000)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--only", nargs="*", choices=PARTS, default=list(PARTS))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.database_url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    results = run(args)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
