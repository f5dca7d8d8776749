"""Dates as people type them, and the window of dates that can be true.

    parse_day("２０２６年3月1日")        -> date(2026, 3, 1)   (DateProblem with a message otherwise)
    parse_month("2026/3") -> 202603;  format_month(202603) -> "2026-03"   (months: typed any way, shown one)
    window().problem(day, today=..., kind=PAST)  -> None, or why the date cannot be right

A date outside the window is a typing error — a payment on 1900-01-01 or 9999-12-31, a plan for the
year 3026 — and is refused with a message that says which way it is wrong, before it reaches the
database (whose period CHECKs would otherwise answer with a misleading conflict) or date arithmetic
(which overflows at year 9999). Money moves and work is done on days that have come (PAST); plans
may look a few years ahead (PLAN). The earliest date and the years ahead are configuration
(`DATE_EARLIEST`, `PLAN_YEARS_AHEAD`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from flask import current_app, has_app_context

from core.i18n import _l
from core.text import fold_width

PAST, PLAN = "past", "plan"
DEFAULT_EARLIEST = date(2000, 1, 1)
DEFAULT_PLAN_YEARS_AHEAD = 5
_DAY_PATTERNS = (
    re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$"),
    re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$"),
)


class DateProblem(ValueError):
    """Text that is not a date; `message` (translatable) says what is wrong and how to write one."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_day(text: str) -> date:
    """A date written as 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 or 20260301 (full-width digits too)."""
    folded = fold_width(str(text)).replace(" ", "")
    for pattern in _DAY_PATTERNS:
        match = pattern.match(folded)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:  # well written, but no such day (30 February, month 13)
                raise DateProblem(_l("%(text)s is not a day of the calendar; write a date such as 2026-03-01.",
                                     text=folded)) from None
    raise DateProblem(_l("Not a date: write it as 2026-03-01."))


_MONTH_PATTERNS = (
    re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月份?$"),
    re.compile(r"^([0-9]{4})([0-9]{2})$"),
)


def parse_month(text: str) -> int:
    """A month written as 2026-03, 2026/3, 2026.03, 2026年3月(份), 202603 or as a day of it
    (2026-03-15: what a date field or a pasted date gives), full-width digits too, as its yyyymm
    number. Every form the county types is read; pages show one (`format_month`: 2026-03)."""
    folded = fold_width(str(text)).replace(" ", "")[:40]
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(folded)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            break
    else:
        try:
            day = parse_day(folded)
        except DateProblem:
            raise DateProblem(_l("Not a month: write it as 2026-03.")) from None
        year, month = day.year, day.month
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        raise DateProblem(_l("%(text)s is not a month of the calendar; write a month such as 2026-03.",
                             text=folded))
    return year * 100 + month


def format_month(period: int) -> str:
    """The one way a month is shown: 202603 -> '2026-03'."""
    return f"{period // 100}-{period % 100:02d}"


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year); capped at 9999."""
    year = min(day.year + years, 9999)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class DateWindow:
    """The dates that can be right: none before `earliest`; for PAST none after today; for PLAN none
    more than `plan_years_ahead` years after today."""

    earliest: date = DEFAULT_EARLIEST
    plan_years_ahead: int = DEFAULT_PLAN_YEARS_AHEAD

    def latest(self, today: date, kind: str) -> date:
        """The last acceptable day of `kind` seen from `today`."""
        return today if kind == PAST else add_years(today, self.plan_years_ahead)

    def problem(self, day: Optional[date], *, today: date, kind: str = PAST):
        """Why `day` cannot be right (a translatable message), or None (also for no date at all)."""
        if day is None:
            return None
        if isinstance(day, datetime):
            day = day.date()
        if day < self.earliest:
            return _l("%(day)s is before %(earliest)s: check the year.", day=day.isoformat(),
                      earliest=self.earliest.isoformat())
        if day > self.latest(today, kind):
            if kind == PAST:
                return _l("The date %(day)s is in the future.", day=day.isoformat())
            return _l("%(day)s is more than %(years)d years ahead: check the year.", day=day.isoformat(),
                      years=self.plan_years_ahead)
        return None

    def contains(self, day: date, *, today: date, kind: str = PAST) -> bool:
        """True when `day` is within the window."""
        return self.problem(day, today=today, kind=kind) is None


DEFAULT_WINDOW = DateWindow()


def window() -> DateWindow:
    """The app's configured window (the default outside an app)."""
    if not has_app_context():
        return DateWindow()
    config = current_app.config
    return DateWindow(earliest=_as_date(config.get("DATE_EARLIEST")) or DEFAULT_EARLIEST,
                      plan_years_ahead=int(config.get("PLAN_YEARS_AHEAD", DEFAULT_PLAN_YEARS_AHEAD)))


def _as_date(value: Any) -> Optional[date]:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else None
