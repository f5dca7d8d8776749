"""The meeting report at county scale: cold and warm, zh and en, its size and pages.

    .venv/bin/python bench/meeting.py [--database-url URL] [--runs 5] [--json FILE]

Not a test. Each run is a fresh process (this file with --one LANG), as a new server worker or the
weekly `flask report` job is, which builds the report for today three times:

- cold: with an empty report cache: the content (earned value, fund-rule checks, the figures, the
  five print charts drawn by matplotlib) and the typesetting (Typst in its child process);
- warm: again with the content's data and print charts cached (as after a first report, or the
  report warmer's round for the data) and only the PDF itself dropped: what the typesetting costs;
- after the warmer: the cache emptied (as by a finance entry) and refilled by the report warmer's
  round (reports/warm.py, which draws the web's charts, not the print ones): the first report a
  leader asks for after a change.

It prints the medians of each part, the process's wall time from start to PDF (imports and app
included), the PDF's size and pages, and the load average (other work on the machine shows there).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTED = time.perf_counter()


def one(url: str, lang: str) -> dict:
    """Build the report cold then warm in this process; the timings in ms, size and pages."""
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from pypdf import PdfReader

    from app import create_app
    from core.typeset import print_document
    from reports.cache.store import data_version, report_cache
    from reports.filters import LANGUAGES, ReportFilter
    from reports.meeting.content import content
    from reports.warm import warm

    # Memory only: "cold" is a computation from the database (bench/run.py times the disk tier).
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40, "REPORT_WARM_SECONDS": 0,
                      "REPORT_CACHE_DIR": ""})
    result: dict = {"lang": lang}
    with app.app_context():
        report_cache().clear()
        today, locale = date.today(), LANGUAGES[lang]
        for part in ("cold", "warm", "after_warmer"):
            if part == "after_warmer":
                report_cache().clear()
                warm((LANGUAGES[lang],), today)
            started = time.perf_counter()
            data = content(ReportFilter(), today, today, locale, data_version())
            made = time.perf_counter()
            pdf = print_document("meeting.typ", data)
            done = time.perf_counter()
            result[part] = {"content_ms": (made - started) * 1000, "typeset_ms": (done - made) * 1000,
                            "total_ms": (done - started) * 1000}
            if part == "cold":
                result["start_to_pdf_ms"] = (done - STARTED) * 1000
        from io import BytesIO

        result["bytes"], result["pages"] = len(pdf), len(PdfReader(BytesIO(pdf)).pages)
    return result


def run(url: str, runs: int) -> dict:
    """`runs` fresh processes per language; the medians of what they measured."""
    results: dict = {"load_before": os.getloadavg()[0], "languages": {}}
    for lang in ("zh", "en"):
        samples = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, __file__, "--one", lang, "--database-url", url], cwd=ROOT,
                                 check=True, capture_output=True, text=True, timeout=600).stdout
            samples.append(json.loads(out.strip().splitlines()[-1]))
        results["languages"][lang] = {
            "bytes": samples[-1]["bytes"], "pages": samples[-1]["pages"],
            "start_to_pdf_ms": round(statistics.median(s["start_to_pdf_ms"] for s in samples)),
            **{f"{part}_{what}": round(statistics.median(s[part][f"{what}_ms"] for s in samples))
               for part in ("cold", "warm", "after_warmer") for what in ("content", "typeset", "total")}}
    results["load_after"] = os.getloadavg()[0]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT}/instance/bench.sqlite3"))
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per language")
    parser.add_argument("--one", choices=("zh", "en"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.one:
        print(json.dumps(one(url, args.one)))
        return
    results = run(url, args.runs)
    print(json.dumps(results, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
