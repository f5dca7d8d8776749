"""The schedule report: three rankings worst first for a year as of a day, cached by data version.

Sources rank on the basis asked for (paid ÷ received by default: what the province ranks, money in
hand; or paid ÷ allocated); units and townships on paid ÷ allocated, since what a unit or a
township receives is what is allocated to its projects. Every row shows both ratios it has.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Optional

from funds.rules.schedule import configured_curve
from funds.schedule import BASES, Ranked, expected_share, laggards, rank
from reports.cache.store import report_cache
from reports.schedule import queries

DEFAULT_BASIS = "received"
LAGGARDS = 5  # rows of the dashboard's "who is behind"


@dataclass(frozen=True)
class ScheduleReport:
    """The three rankings of a year as of a day, with the expected share they are measured against."""

    year: int
    as_of: date
    expected: Fraction
    curve: bool  # True: the county's monthly curve; False: the share of the year's days passed
    basis: str
    sources: tuple[Ranked, ...]
    units: tuple[Ranked, ...]
    townships: tuple[Ranked, ...]

    def behind(self, limit: int = LAGGARDS) -> list[tuple[str, Ranked]]:
        """The worst laggards of all three rankings, as (which ranking, row), worst gap first."""
        rows = [(which, item) for which, ranked in (("source", self.sources), ("unit", self.units),
                                                    ("township", self.townships))
                for item in laggards(ranked, limit)]
        return sorted(rows, key=lambda item: (item[1].gap or 0, item[0], item[1].row.label))[:limit]


def as_of_for(year: int, today: date) -> date:
    """The day a year is measured at by default: today within the year, 31 December after it
    (and today, with nothing expected yet, before it)."""
    return min(today, date(year, 12, 31))


def parse_basis(value: Optional[str]) -> str:
    """The sources' ranking basis from the query string (the default when missing or unknown)."""
    return value if value in BASES else DEFAULT_BASIS


def _compute(year: int, as_of: date, today: date, locale: str, basis: str) -> ScheduleReport:
    curve = configured_curve()
    expected = expected_share(year, as_of, curve)
    return ScheduleReport(year, as_of, expected, curve is not None, basis,
                          tuple(rank(queries.source_rows(year, as_of, today), expected, basis)),
                          tuple(rank(queries.unit_rows(year, as_of, today), expected, "allocated")),
                          tuple(rank(queries.township_rows(year, as_of, today, locale), expected, "allocated")))


def schedule_report(year: int, as_of: date, today: date, locale: str, version: tuple,
                    basis: str = DEFAULT_BASIS) -> ScheduleReport:
    """The schedule of `year` as of `as_of`, computed once per data version, day, language and basis
    (the expected share moves with the day even when no data changes)."""
    return report_cache().get_or_make((version, "schedule", year, as_of, today, locale, basis),
                                      lambda: _compute(year, as_of, today, locale, basis))
