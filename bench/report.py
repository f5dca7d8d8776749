"""Render the JSON written by `bench/run.py --json` as the Markdown of bench/RESULTS.md.

    .venv/bin/python bench/report.py sqlite.json postgresql.json [--load-60 sqlite60.json ...] > bench/RESULTS.md
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

TARGET_MS = 150


def _pages(run: dict) -> list[str]:
    lines = ["| page | cold median | cold p95 | after a restart | warm median | warm p95 | bare SQL median "
             "| statements | app/SQL |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in run["parts"].get("pages", []):
        flag = "" if row["cold_median_ms"] <= TARGET_MS else " ⚠"
        status = "" if row["status"] == 200 else f" (HTTP {row['status']})"
        restart = "–" if row.get("restart_median_ms") is None else f"{row['restart_median_ms']:.1f} ms"
        lines.append(f"| {row['page']}{status} | {row['cold_median_ms']:.0f} ms{flag} | {row['cold_p95_ms']:.0f} ms "
                     f"| {restart} | {row['warm_median_ms']:.1f} ms | {row['warm_p95_ms']:.1f} ms | {row['sql_median_ms']:.1f} ms "
                     f"| {row['statements']} | {row['app_sql_ratio']} |")
    return lines


def _load(label: str, load: dict) -> str:
    if "skipped" in load:
        return f"| {label} | skipped: {load['skipped']} | | | | |"
    workers = ", ".join(f"{mb:.0f} MB" for name, mb in load["peak_memory_mb"].items() if name != "master")
    return (f"| {label} | {load['seconds']} s | {load['rps']:.1f} | {load['p50_ms']:.0f} ms | {load['p99_ms']:.0f} ms "
            f"| {load['errors']} of {load['requests']} | {workers} |")


def render(runs: list[dict], extra_loads: list[dict]) -> str:
    machine = runs[0]["machine"]
    out = ["# Benchmark results", "",
           f"Measured {machine['date']} on {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM; "
           f"Python {machine['python']}, SQLite {machine['sqlite']}"
           + "".join(f", PostgreSQL {run['machine']['postgresql']}" for run in runs if run['machine'].get('postgresql'))
           + ". Other work shared the machine while these ran; take ±30%.", "",
           "Produced by `bench/run.py --json` and `bench/report.py`; see bench/README.md for what each figure means. "
           "⚠ marks a cold median over the 150 ms target.", ""]
    for run in runs:
        county = run.get("county", {})
        out += [f"## {run['database']}", "",
                f"County: {county.get('projects')} projects, {county.get('allocations')} allocations, "
                f"{county.get('payments')} payments, {county.get('sources')} sources"
                + (f"; generated in {run['generate_seconds']} s." if run.get("generate_seconds") else "."), ""]
        out += _pages(run) + [""]
        parts = run["parts"]
        if "after_change" in parts:
            a = parts["after_change"]
            out += [f"After each finance entry (a 1-yuan payment or its reversal), the report warmer recomputed the "
                    f"unfiltered reports in the background in **{a['background_seconds_median']} s** (median; "
                    f"max {a['background_seconds_max']} s); the first view of each afterwards:", "",
                    "| page | first view after a change |", "|---|---:|"]
            out += [f"| {name} | {ms:.1f} ms |" for name, ms in a["first_view_ms"].items()]
            out.append("")
        if "statement_import" in parts:
            s = parts["statement_import"]
            out.append(f"- Statement import + reconciliation: **{s['seconds']} s** for {s['lines']} lines "
                       f"({s['matched']} matched, {s['unmatched_lines']} lines and {s['unmatched_payments']} payments "
                       "left unmatched in the months it covers).")
        if "project_import" in parts:
            p = parts["project_import"]
            out.append(f"- Project spreadsheet import: **{p['seconds']} s** for {p.get('projects')} new projects.")
        out.append("")
    out += ["## Load", "", "gunicorn -w 2, four signed-in sessions, `wrk -t2 -c8 --latency` over the main pages "
            "on 127.0.0.1; peak memory is each worker's VmHWM after the run.", "",
            "| database | duration | requests/s | p50 | p99 | errors | peak memory per worker |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for run in runs + extra_loads:
        if "load" in run["parts"]:
            out.append(_load(run["database"], run["parts"]["load"]))
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--load-only", nargs="*", type=Path, default=[], help="JSON of --only load runs")
    args = parser.parse_args()
    runs = [json.loads(path.read_text()) for path in args.runs]
    loads = [json.loads(path.read_text()) for path in args.load_only]
    print(render(runs, loads), end="")


if __name__ == "__main__":
    main()
