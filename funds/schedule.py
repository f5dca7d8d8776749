"""Spending against the schedule (序时进度): payout ratios against the share of the year expected spent.

The expected share on a day is either the time elapsed (days passed ÷ days in the year, the day
itself counted) or a monthly curve the county sets (12 cumulative percentages, one per month end,
e.g. the province's 序时进度 curve), read linearly between month ends. Ratios are exact fractions
of integer fen (never floats); they are rounded only for display, to 0.1 %. A row with nothing in
its denominator has no ratio (never a division by zero) and ranks after every row that has one.
Pure: no Flask, no database.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import pairwise
from typing import Optional

Curve = tuple[Fraction, ...]  # 12 cumulative shares (0..1), one per month end
BASES = ("received", "allocated")  # paid ÷ what the source received, paid ÷ what was allocated


class CurveError(ValueError):
    """A monthly curve that cannot be used (the message says why)."""


def parse_curve(text: Optional[str]) -> Optional[Curve]:
    """The curve from its setting: 12 cumulative percentages separated by commas, non-decreasing,
    the last 100 (e.g. "5,12,20,...,100"); None when empty (then the schedule is time elapsed)."""
    if text is None or not text.strip():
        return None
    try:
        values = [Decimal(part.strip()) for part in text.split(",")]
    except InvalidOperation as error:
        raise CurveError("the spending curve must be 12 percentages separated by commas") from error
    if len(values) != 12 or not all(value.is_finite() for value in values):
        raise CurveError("the spending curve must be 12 percentages separated by commas")
    if any(b < a for a, b in pairwise(values)) or values[0] < 0 or values[-1] != 100:
        raise CurveError("the spending curve must rise month by month from 0 and reach 100 in December")
    return tuple(Fraction(value) / 100 for value in values)


def elapsed_share(year: int, as_of: date) -> Fraction:
    """Days passed ÷ days in the year, `as_of` counted as passed (Jan 1: 1/365; Dec 31: 1)."""
    if as_of < date(year, 1, 1):
        return Fraction(0)
    if as_of.year > year:
        return Fraction(1)
    days_in_year = 366 if calendar.isleap(year) else 365
    return Fraction(as_of.timetuple().tm_yday, days_in_year)


def curve_share(year: int, as_of: date, curve: Curve) -> Fraction:
    """The curve's share on `as_of`: the previous month end's value plus the month's rise in
    proportion to the days of the month passed (a month end gives exactly its percentage)."""
    if as_of < date(year, 1, 1):
        return Fraction(0)
    if as_of.year > year:
        return curve[-1]
    before = curve[as_of.month - 2] if as_of.month > 1 else Fraction(0)
    days_in_month = calendar.monthrange(year, as_of.month)[1]
    return before + (curve[as_of.month - 1] - before) * Fraction(as_of.day, days_in_month)


def expected_share(year: int, as_of: date, curve: Optional[Curve] = None) -> Fraction:
    """The share of the year's money expected paid by `as_of`: the curve's when set, else time elapsed."""
    return curve_share(year, as_of, curve) if curve is not None else elapsed_share(year, as_of)


def ratio(paid_fen: int, base_fen: Optional[int]) -> Optional[Fraction]:
    """paid ÷ base, exact; None when there is no base (nothing allocated or received)."""
    if base_fen is None or base_fen <= 0:
        return None
    return Fraction(paid_fen, base_fen)


def tenths_of_percent(share: Fraction) -> int:
    """A share in tenths of a percent, rounded half away from zero (0.12345 -> 123, i.e. 12.3 %)."""
    scaled = share * 1000
    whole = abs(scaled.numerator) * 2 + scaled.denominator
    rounded = whole // (2 * scaled.denominator)
    return rounded if scaled >= 0 else -rounded


def percent_text(share: Optional[Fraction]) -> str:
    """A share as a percentage to 0.1 % ("37.5%"), or "—" without one."""
    if share is None:
        return "—"
    tenths = tenths_of_percent(share)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}%"


def points_text(gap: Optional[Fraction]) -> str:
    """A gap in percentage points to 0.1, signed ("-12.5", "+3.0"), or "—"."""
    if gap is None:
        return "—"
    tenths = tenths_of_percent(gap)
    return f"{'-' if tenths < 0 else '+'}{abs(tenths) // 10}.{abs(tenths) % 10}"


@dataclass(frozen=True)
class ScheduleRow:
    """One source's, unit's or township's money of the year as of a day (received: None where the
    row has no money of its own received, i.e. units and townships)."""

    key: str
    label: str
    allocated_fen: int
    paid_fen: int
    received_fen: Optional[int] = None

    def payout(self, basis: str) -> Optional[Fraction]:
        """paid ÷ received or paid ÷ allocated (`basis`); None without a denominator."""
        return ratio(self.paid_fen, self.received_fen if basis == "received" else self.allocated_fen)


@dataclass(frozen=True)
class Ranked:
    """A row with its payout ratios, the expected share, and its gap on the ranking's basis."""

    row: ScheduleRow
    by_allocated: Optional[Fraction]
    by_received: Optional[Fraction]
    expected: Fraction
    basis: str

    @property
    def payout(self) -> Optional[Fraction]:
        """The ratio the ranking uses."""
        return self.by_received if self.basis == "received" else self.by_allocated

    @property
    def gap(self) -> Optional[Fraction]:
        """payout − expected (negative: behind the schedule); None without a ratio."""
        return None if self.payout is None else self.payout - self.expected

    @property
    def behind(self) -> bool:
        """True when the row is behind the schedule."""
        return self.gap is not None and self.gap < 0


def rank(rows: Iterable[ScheduleRow], expected: Fraction, basis: str = "allocated") -> list[Ranked]:
    """The rows worst first: smallest gap (payout − expected) first, ties by label; rows without a
    ratio on `basis` last."""
    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}")
    ranked = [Ranked(row, row.payout("allocated"), row.payout("received"), expected, basis) for row in rows]
    return sorted(ranked, key=lambda item: (item.gap is None, item.gap or 0, item.row.label, item.row.key))


def laggards(ranked: Sequence[Ranked], limit: int = 5) -> list[Ranked]:
    """The first `limit` rows behind the schedule (ranked worst first already)."""
    return [item for item in ranked if item.behind][:limit]
