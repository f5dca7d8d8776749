"""The meeting report: one A4 PDF, as of a day, in one language, for the leadership's meeting.

Its content (reports/meeting/content.py: words, rows and print charts as plain data) is set in
templates/print/meeting.typ by the typesetter (core/typeset.py: Typst in a child process). The web
page and the `flask report` command both call `meeting_report_pdf`, so they write the same document.
"""
from __future__ import annotations

from datetime import date

from core.typeset import print_document
from reports.cache.store import report_cache
from reports.filters import ReportFilter
from reports.meeting.content import content


def meeting_report_pdf(filters: ReportFilter, as_of: date, today: date, locale: str, version: tuple) -> bytes:
    """The report's PDF bytes, built once per data version, filter, date and language."""
    key = (version, "meeting-report", filters.key(), as_of, today, locale)
    return report_cache().get_or_make(key, lambda: _build(filters, as_of, today, locale, version))


def _build(filters: ReportFilter, as_of: date, today: date, locale: str, version: tuple) -> bytes:
    return print_document("meeting.typ", content(filters, as_of, today, locale, version))
