"""`flask report FILE.pdf [--lang zh|en] [--as-of YYYY-MM-DD]`: write the meeting report, e.g. weekly from cron."""
from __future__ import annotations

import re
from datetime import date

import click
from flask.cli import with_appcontext

from core.cli_options import day_or_today
from reports.cache.store import data_version
from reports.filters import LANGUAGES, ReportFilter
from reports.meeting.report import meeting_report_pdf


def _parse_day(_ctx, _param, value):
    """The --as-of option as a date (today when not given); a future day is refused."""
    day = day_or_today(_ctx, _param, value)
    if day > date.today():
        raise click.BadParameter("the report cannot be dated in the future")
    return day


@click.command("report")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the report.")
@click.option("--as-of", "as_of", callback=_parse_day, metavar="YYYY-MM-DD",
              help="Date the report is as of (default: today).")
@with_appcontext
def report_command(path: str, lang: str, as_of: date):
    """Write the meeting report (A4 PDF) for the whole county to PATH."""
    body = meeting_report_pdf(ReportFilter(), as_of, date.today(), LANGUAGES[lang], data_version())
    with open(path, "wb") as handle:
        handle.write(body)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", body))
    click.echo(f"wrote {path}: {pages} pages, {len(body)} bytes, as of {as_of.isoformat()} ({lang})")
