"""Earned value over time: progress as it stood on any day, and a project's S-curve.

Progress on a past day comes from the progress reports (the latest report on or before that day;
none yet means 0%). From `today` on, the milestone's current % complete is used, so the curve ends
exactly where the project page and the ranking stand. Plain functions over dates and ints.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import Optional

from projects.progress import ProgressReport
from reports.earned_value.measures import ProjectPlan, accrual_windows, earned_value, planned_value


class ProgressBook:
    """Each milestone's % complete on any day."""

    def __init__(self, reports: Iterable[ProgressReport], current: Mapping[int, int], today: date):
        self.current = dict(current)
        self.today = today
        self._days: dict[int, list[date]] = {}
        self._values: dict[int, list[int]] = {}
        # Sorting is stable, so of two reports on one day the later-entered (later in `reports`) wins.
        for report in sorted(reports, key=lambda r: r.reported_on):
            self._days.setdefault(report.milestone_id, []).append(report.reported_on)
            self._values.setdefault(report.milestone_id, []).append(report.progress_pct)

    def pct(self, milestone_id: int, day: date) -> int:
        """The milestone's % complete on `day`."""
        if day >= self.today:
            return self.current.get(milestone_id, 0)
        days = self._days.get(milestone_id, [])
        index = bisect_right(days, day)
        return self._values[milestone_id][index - 1] if index else 0

    def at(self, day: date) -> dict[int, int]:
        """Every known milestone's % complete on `day`."""
        ids = set(self.current) | set(self._days)
        return {milestone_id: self.pct(milestone_id, day) for milestone_id in ids}

    def report_days(self) -> set[date]:
        """The days on which some progress was reported."""
        return {day for days in self._days.values() for day in days}


class Spending:
    """Cumulative actual cost on any day, from dated payments (reversals negative)."""

    def __init__(self, payments: Iterable[tuple[date, int]]):
        ordered = sorted(payments)
        self.days = [day for day, _ in ordered]
        self._totals = list(accumulate(amount for _, amount in ordered))

    def by(self, day: date) -> int:
        """Everything paid on or before `day`."""
        index = bisect_right(self.days, day)
        return self._totals[index - 1] if index else 0


@dataclass(frozen=True)
class CurvePoint:
    """One day of an S-curve; EV and AC are None after the as-of day (not known yet)."""

    day: date
    pv_fen: int
    ev_fen: Optional[int]
    ac_fen: Optional[int]


def curve_days(plan: ProjectPlan, book: ProgressBook, spending: Spending, as_of: date) -> list[date]:
    """The days where a curve can bend: window ends and starts, reports and payments up to `as_of`,
    `as_of` itself. PV is straight between them, EV and AC are flat, so these points draw it exactly."""
    days = {as_of}
    for window in accrual_windows(plan.milestones, plan.planned_start):
        days |= {window.start, window.end}
    if plan.planned_start is not None:
        days.add(plan.planned_start)
    days |= {day for day in book.report_days() if day <= as_of}
    days |= {day for day in spending.days if day <= as_of}
    return sorted(days)


def s_curve(plan: ProjectPlan, reports: Sequence[ProgressReport], payments: Sequence[tuple[date, int]],
            as_of: date, today: date) -> list[CurvePoint]:
    """PV, EV and AC of a project at each day its curve can bend, from its plan, reports and payments."""
    current = {m.milestone_id: m.progress_pct for m in plan.milestones}
    book = ProgressBook(reports, current, today)
    spending = Spending(payments)
    windows = accrual_windows(plan.milestones, plan.planned_start)
    points = []
    for day in curve_days(plan, book, spending, as_of):
        pv = planned_value(windows, day)
        if day > as_of:
            points.append(CurvePoint(day, pv, None, None))
            continue
        ev = earned_value((m.planned_cost_fen, book.pct(m.milestone_id, day)) for m in plan.milestones)
        points.append(CurvePoint(day, pv, ev, spending.by(day)))
    return points
