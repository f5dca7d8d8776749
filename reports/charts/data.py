"""What each chart shows, computed from plain rows: integer fen, basis points and dates only.

Nothing here formats, translates or draws; conversion to 万元 for an axis happens in the drawing
code at the last step. Long lists are cut to the largest entries and the rest merged into one
"others" entry (key OTHERS), so a chart stays readable at county scale.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from reports.earned_value.measures import ProjectPlan, accrual_windows
from reports.facts import MilestoneDates, ProjectTiming, SourceMoney

OTHERS = "__others__"
BASIS_POINTS = 10_000


@dataclass(frozen=True)
class Utilisation:
    """Chart 1: per source, spent / allocated-unspent / unallocated (when it applies)."""

    sources: tuple[SourceMoney, ...]
    with_unallocated: bool


def _merge(code: str, rows: list[SourceMoney]) -> SourceMoney:
    return SourceMoney(None, code, "", sum(r.received_fen for r in rows), sum(r.allocated_fen for r in rows),
                       sum(r.spent_fen for r in rows))


def fund_utilisation(sources: Iterable[SourceMoney], with_unallocated: bool = True, limit: int = 12) -> Utilisation:
    """The largest sources (by received, else allocated), the rest merged into OTHERS.

    `with_unallocated` is False when a township, category or year filter is on: unallocated money
    belongs to no township or category, so it is left out rather than shown against the wrong base.
    """
    size = (lambda s: s.received_fen) if with_unallocated else (lambda s: s.allocated_fen)
    ordered = sorted(sources, key=lambda s: (-size(s), s.code))
    if not with_unallocated:
        ordered = [s for s in ordered if s.allocated_fen or s.spent_fen]
    if len(ordered) > limit:
        ordered = ordered[: limit - 1] + [_merge(OTHERS, ordered[limit - 1:])]
    return Utilisation(tuple(ordered), with_unallocated)


@dataclass(frozen=True)
class MonthlySpending:
    """Chart 2: spending per source per month of a year, and cumulative spending against plan."""

    year: int
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (source code or OTHERS, 12 monthly amounts)
    cumulative: tuple[Optional[int], ...]  # 12 values; None for months after the as-of month
    cumulative_plan: tuple[int, ...]  # 12 values: planned value accrued since the year began

    @property
    def monthly_totals(self) -> tuple[int, ...]:
        """All sources together, month by month."""
        return tuple(sum(values[i] for _, values in self.series) for i in range(12))


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def plan_by_month(plans: Iterable[tuple[ProjectPlan, int, int]], year: int) -> tuple[int, ...]:
    """Planned value accrued from 1 January to each month's end, for (plan, share numerator,
    share denominator) triples; a source's share of a project is rounded down to the fen. The chart reads
    month_plan over the database's sums; this computation over plans in memory is what it must equal
    (tests/test_kept_accrual.py).

    Each milestone's window is placed among the 13 month ends by bisection: the month ends after it
    get its whole cost through one running sum, only the few inside it are computed one by one
    (the same rounding as earned_value.Window.planned_at).
    """
    totals = [0] * 12
    days = [date(year - 1, 12, 31).toordinal()] + [month_end(year, month).toordinal() for month in range(1, 13)]
    for plan, numerator, denominator in plans:
        if denominator <= 0 or numerator <= 0:
            continue
        values, due_from = [0] * 13, [0] * 14
        for window in accrual_windows(plan.milestones, plan.planned_start):
            start, end = window.start.toordinal(), window.end.toordinal()
            full = bisect_left(days, end)  # the first month end on or after the window's end
            due_from[full] += window.cost_fen
            for index in range(bisect_right(days, start), full):
                values[index] += window.cost_fen * (days[index] - start) // (end - start)
        running = 0
        for index in range(13):
            running += due_from[index]
            values[index] = (values[index] + running) * numerator // denominator
        for month in range(12):
            totals[month] += values[month + 1] - values[0]
    return tuple(totals)


def month_ends(year: int) -> list[date]:
    """31 December of the year before, then the last day of each month of `year`: the 13 days
    plan_by_month and month_plan measure planned value at."""
    return [date(year - 1, 12, 31)] + [month_end(year, month) for month in range(1, 13)]


def month_plan(values: Iterable[tuple[Sequence[int], int, int]]) -> tuple[int, ...]:
    """Planned value accrued from 1 January to each month's end, from (planned value at the 13
    month_ends, share numerator, share denominator) per project: each project's values are weighted
    and rounded down to the fen before they are added up, exactly as plan_by_month does."""
    totals = [0] * 12
    for at_ends, numerator, denominator in values:
        if denominator <= 0 or numerator <= 0:
            continue
        weighted = [value * numerator // denominator for value in at_ends]
        for month in range(12):
            totals[month] += weighted[month + 1] - weighted[0]
    return tuple(totals)


def monthly_spending(year: int, as_of: date, paid: Mapping[tuple[str, int], int], plan: tuple[int, ...],
                     limit: int = 6) -> MonthlySpending:
    """Monthly bars per source (the `limit` - 1 largest, the rest as OTHERS) from
    {(source code, yyyymm): fen}, with running totals up to the as-of month."""
    by_source: dict[str, list[int]] = {}
    for (code, period), amount in paid.items():
        if period // 100 == year:
            by_source.setdefault(code, [0] * 12)[period % 100 - 1] += amount
    ordered = sorted(by_source.items(), key=lambda item: (-sum(item[1]), item[0]))
    if len(ordered) > limit:
        rest = [sum(values[i] for _, values in ordered[limit - 1:]) for i in range(12)]
        ordered = ordered[: limit - 1] + [(OTHERS, rest)]
    last_month = 12 if as_of.year > year else (0 if as_of.year < year else as_of.month)
    running, cumulative = 0, []
    for month in range(12):
        running += sum(values[month] for _, values in ordered)
        cumulative.append(running if month < last_month else None)
    return MonthlySpending(year, tuple((code, tuple(values)) for code, values in ordered), tuple(cumulative),
                           tuple(plan))


@dataclass(frozen=True)
class ProgressPoint:
    """Chart 3: one project's time elapsed and physical progress, in basis points."""

    project_id: int
    code: str
    name: str
    elapsed_bp: int
    progress_bp: int
    late: bool

    @property
    def gap_bp(self) -> int:
        """How far progress trails time (positive: behind)."""
        return self.elapsed_bp - self.progress_bp


@dataclass(frozen=True)
class PortfolioProgress:
    """Chart 3: the projects that can be placed, and how many could not (no dates or no plan)."""

    points: tuple[ProgressPoint, ...]
    left_out: int


def elapsed_bp(start: Optional[date], end: Optional[date], as_of: date) -> Optional[int]:
    """Share of the planned duration gone by `as_of`, 0-10000, rounded down; None without dates."""
    if start is None or end is None:
        return None
    if as_of >= end:
        return BASIS_POINTS
    if as_of <= start:
        return 0
    return (as_of - start).days * BASIS_POINTS // (end - start).days


def portfolio_progress(timings: Iterable[ProjectTiming], as_of: date) -> PortfolioProgress:
    """Each project's elapsed time against its progress, most behind first."""
    points, left_out = [], 0
    for timing in timings:
        elapsed = elapsed_bp(timing.planned_start, timing.planned_end, as_of)
        if elapsed is None or timing.progress_bp is None:
            left_out += 1
            continue
        points.append(ProgressPoint(timing.project_id, timing.code, timing.name, elapsed, timing.progress_bp,
                                    timing.late))
    points.sort(key=lambda p: (-p.gap_bp, p.code))
    return PortfolioProgress(tuple(points), left_out)


@dataclass(frozen=True)
class BreakdownRow:
    """Chart 5: allocated and spent money of one category or township."""

    key: str
    label: str
    allocated_fen: int
    spent_fen: int

    @property
    def unspent_fen(self) -> int:
        """Allocated and not yet spent."""
        return self.allocated_fen - self.spent_fen


def breakdown(rows: Iterable[BreakdownRow], limit: int = 12) -> tuple[BreakdownRow, ...]:
    """Largest spending first; beyond `limit` the rest merged into OTHERS."""
    ordered = sorted(rows, key=lambda r: (-r.spent_fen, -r.allocated_fen, r.key))
    if len(ordered) > limit:
        rest = ordered[limit - 1:]
        ordered = ordered[: limit - 1] + [BreakdownRow(OTHERS, "", sum(r.allocated_fen for r in rest),
                                                       sum(r.spent_fen for r in rest))]
    return tuple(ordered)


@dataclass(frozen=True)
class TimelineRow:
    """Chart 4b: a milestone planned against actual; `delay_days` late (positive) or early."""

    sequence: int
    name: str
    planned_date: date
    actual_date: Optional[date]
    progress_pct: int
    late: bool
    delay_days: Optional[int]


def milestone_timeline(milestones: Iterable[MilestoneDates], as_of: date) -> tuple[TimelineRow, ...]:
    """Each milestone with its delay: finished ones against their actual date, unfinished ones past
    their planned date (late, the same test as the project list's) against `as_of`."""
    rows = []
    for m in sorted(milestones, key=lambda m: (m.planned_date, m.sequence)):
        late = m.actual_date is None and m.progress_pct < 100 and m.planned_date < as_of
        if m.actual_date is not None:
            delay = (m.actual_date - m.planned_date).days
        else:
            delay = (as_of - m.planned_date).days if late else None
        rows.append(TimelineRow(m.sequence, m.name, m.planned_date, m.actual_date, m.progress_pct, late, delay))
    return tuple(rows)
