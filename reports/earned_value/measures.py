"""Earned value (PMBOK) per project, for the portfolio and per funding source, as plain functions.

Definitions used throughout (DOMAIN.md gives the formulas):

* **PV (planned value) at a date.** The work of a milestone is planned to happen evenly over its
  *window*: from the planned date of the milestone before it (the project's planned start for the
  first one) to its own planned date. PV of the milestone at day d is 0 up to the window's start,
  its planned cost from its planned date on, and the straight-line share in between. Where there
  is no earlier date to start from (no planned start, or a start on or after the milestone's date)
  the whole cost falls due on the planned date. This is the "linear" option of the brief, refined so
  that a late milestone's cost does not accrue from the project's first day; it makes an on-track
  project with a milestone under way show SPI near 1 instead of jumping at each milestone date.
* **EV (earned value)** = sum of planned cost x % complete. **AC (actual cost)** = payments dated on
  or before d, reversals negative. **BAC** = the milestones' planned costs in total (the budget the
  schedule is measured against; the project's budget may differ, and is shown beside it).
* **Per funding source**: a project's BAC, PV and EV are split by each source's share of the
  project's allocations (largest remainder, so the sources' parts add up to the project exactly);
  AC of a source is what that source paid. A project with no allocation yet belongs to no source.

Money stays integer fen: each milestone's planned part at a date is rounded down to the fen
(integer arithmetic, so PV over 50,000 milestones stays fast); EV is summed exactly and rounded
down once. CPI and SPI are exact Fractions; a ratio that cannot be computed carries a reason code
instead of NaN or infinity (see REASONS), and formatting happens at the edge (reports/formatting.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import NamedTuple, Optional

from projects.accrual import accrual_starts

# Why a ratio or an estimate is not shown; labels live in reports/formatting.py.
NO_PLAN = "no_plan"  # no milestone carries a planned cost
NOTHING_DUE = "nothing_due"  # nothing is planned by this date (PV = 0)
NO_SPENDING = "no_spending"  # nothing paid yet (AC = 0)
NO_WORK_DONE = "no_work_done"  # money paid but no work earned (EV = 0, so CPI = 0 and EAC is unbounded)
REASONS = (NO_PLAN, NOTHING_DUE, NO_SPENDING, NO_WORK_DONE)


class PlannedMilestone(NamedTuple):
    """A milestone as earned value sees it: when it is due, what it costs, how far it is.

    (Named tuples: a county's 50,000 are built on every cold report, at a third of a dataclass's cost.)"""

    milestone_id: int
    planned_date: date
    planned_cost_fen: int
    progress_pct: int = 0


class Window(NamedTuple):
    """When a milestone's planned cost accrues: linearly from `start` to `end` (a step when equal)."""

    start: date
    end: date
    cost_fen: int

    def planned_at(self, day: date) -> int:
        """The part of the cost planned by `day`, rounded down to the fen."""
        if day >= self.end:
            return self.cost_fen
        if day <= self.start:
            return 0
        return self.cost_fen * (day - self.start).days // (self.end - self.start).days


def accrual_windows(milestones: Iterable[PlannedMilestone], planned_start: Optional[date]) -> list[Window]:
    """Each milestone's window, in planned-date order (see the module docstring and projects.accrual)."""
    ordered = sorted(milestones, key=lambda m: (m.planned_date, m.milestone_id))
    starts = accrual_starts(((m.milestone_id, m.planned_date) for m in ordered), planned_start)
    return [Window(starts[m.milestone_id], m.planned_date, m.planned_cost_fen) for m in ordered]


def planned_value(windows: Iterable[Window], day: date) -> int:
    """PV at `day`: the planned cost of the work scheduled by then, rounded down to the fen."""
    return sum(window.planned_at(day) for window in windows)


def earned_value(costs_and_progress: Iterable[tuple[int, int]]) -> int:
    """EV of (planned cost, % complete) pairs, rounded down to the fen."""
    return sum(cost * pct for cost, pct in costs_and_progress) // 100


@dataclass(frozen=True)
class Ratio:
    """CPI or SPI: an exact value, or None with the reason it cannot be computed."""

    value: Optional[Fraction]
    reason: Optional[str] = None

    @property
    def basis_points(self) -> Optional[int]:
        """The ratio x 10000, rounded half up (1.0 -> 10000), None when undefined."""
        return None if self.value is None else round_half_up(self.value * 10000)


@dataclass(frozen=True)
class Estimate:
    """EAC or VAC in fen, or None with the reason it cannot be computed."""

    fen: Optional[int]
    reason: Optional[str] = None


def round_half_up(value: Fraction) -> int:
    """The nearest integer to a Fraction, halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * int((magnitude * 2 + 1) // 2)


@dataclass(frozen=True)
class Measures:
    """The earned-value figures of a project, a source or the portfolio at one date."""

    bac_fen: int
    pv_fen: int
    ev_fen: int
    ac_fen: int
    cpi: Ratio
    spi: Ratio
    eac: Estimate
    vac: Estimate

    @property
    def cv_fen(self) -> int:
        """Cost variance EV - AC (negative: over cost)."""
        return self.ev_fen - self.ac_fen

    @property
    def sv_fen(self) -> int:
        """Schedule variance EV - PV (negative: behind schedule)."""
        return self.ev_fen - self.pv_fen


def measures(bac_fen: int, pv_fen: int, ev_fen: int, ac_fen: int) -> Measures:
    """CPI = EV/AC, SPI = EV/PV, EAC = BAC/CPI, VAC = BAC - EAC, with reasons instead of NaN/inf."""
    if bac_fen <= 0:
        none = Ratio(None, NO_PLAN)
        return Measures(bac_fen, pv_fen, ev_fen, ac_fen, none, none, Estimate(None, NO_PLAN), Estimate(None, NO_PLAN))
    spi = Ratio(Fraction(ev_fen, pv_fen)) if pv_fen > 0 else Ratio(None, NOTHING_DUE)
    if ac_fen <= 0:
        cpi = Ratio(None, NO_SPENDING)
        eac = Estimate(None, NO_SPENDING)
    else:
        cpi = Ratio(Fraction(ev_fen, ac_fen))
        eac = (Estimate(round_half_up(Fraction(bac_fen * ac_fen, ev_fen))) if ev_fen > 0
               else Estimate(None, NO_WORK_DONE))
    vac = Estimate(bac_fen - eac.fen) if eac.fen is not None else Estimate(None, eac.reason)
    return Measures(bac_fen, pv_fen, ev_fen, ac_fen, cpi, spi, eac, vac)


@dataclass(frozen=True)
class ProjectPlan:
    """What earned value needs of one project: its planned start and its milestones."""

    project_id: int
    planned_start: Optional[date]
    milestones: tuple[PlannedMilestone, ...] = ()

    @property
    def bac_fen(self) -> int:
        """Budget at completion: the milestones' planned costs in total."""
        return sum(m.planned_cost_fen for m in self.milestones)

    def values_at(self, day: date, progress: Optional[Mapping[int, int]] = None) -> tuple[int, int, int]:
        """(BAC, PV, EV) at `day`; `progress` (milestone id -> %) overrides the milestones' own."""
        pv = planned_value(accrual_windows(self.milestones, self.planned_start), day)
        pct = (lambda m: progress.get(m.milestone_id, 0)) if progress is not None else (lambda m: m.progress_pct)
        ev = earned_value((m.planned_cost_fen, pct(m)) for m in self.milestones)
        return self.bac_fen, pv, ev


def project_measures(plan: ProjectPlan, ac_fen: int, day: date,
                     progress: Optional[Mapping[int, int]] = None) -> Measures:
    """A project's earned-value figures at `day` given what it has paid by then."""
    bac, pv, ev = plan.values_at(day, progress)
    return measures(bac, pv, ev, ac_fen)


def portfolio_measures(rows: Iterable[Measures]) -> Measures:
    """The portfolio's figures: BAC, PV, EV and AC summed, ratios recomputed on the sums."""
    totals = [0, 0, 0, 0]
    for row in rows:
        for index, value in enumerate((row.bac_fen, row.pv_fen, row.ev_fen, row.ac_fen)):
            totals[index] += value
    return measures(*totals)


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split integer `total` in proportion to `weights` so the parts add up to `total` exactly.

    Largest remainder: every part is first rounded down, then the fen left over go one each to
    the parts with the largest remainders (earliest first on ties). All-zero weights give zeros.
    """
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0] * len(weights)
    parts = [total * weight // weight_sum for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for index in remainders[: total - sum(parts)]:
        parts[index] += 1
    return parts


@dataclass(frozen=True)
class ProjectValues:
    """A project's BAC, PV and EV at one date (the part that is split between sources)."""

    project_id: int
    bac_fen: int
    pv_fen: int
    ev_fen: int


def split_by_source(values: Iterable[ProjectValues], allocations: Mapping[tuple[int, int], int],
                    paid: Mapping[tuple[int, int], int]) -> dict[Optional[int], Measures]:
    """Earned value per source id; key None collects projects no source has allocated to yet.

    `allocations` and `paid` map (source id, project id) to fen allocated and paid by the date.
    """
    sources_of: dict[int, list[tuple[int, int]]] = {}
    for (source_id, project_id), amount in sorted(allocations.items()):
        if amount > 0:
            sources_of.setdefault(project_id, []).append((source_id, amount))
    sums: dict[Optional[int], list[int]] = {}
    for value in values:
        shares = sources_of.get(value.project_id, [(None, 1)])
        weights = [amount for _, amount in shares]
        parts = zip(*(apportion(total, weights) for total in (value.bac_fen, value.pv_fen, value.ev_fen)))
        for (source_id, _), (bac, pv, ev) in zip(shares, parts):
            row = sums.setdefault(source_id, [0, 0, 0, 0])
            row[0], row[1], row[2] = row[0] + bac, row[1] + pv, row[2] + ev
    for (source_id, _project_id), amount in paid.items():
        sums.setdefault(source_id, [0, 0, 0, 0])[3] += amount
    return {source_id: measures(*row) for source_id, row in sums.items()}


def _sort_value(ratio: Ratio) -> tuple[int, float, Fraction]:
    """Defined ratios first, lowest (worst) first; undefined ones after them. The float decides
    nearly every comparison quickly; the exact Fraction only breaks its rare ties."""
    return (0, float(ratio.value), ratio.value) if ratio.value is not None else (1, 0.0, Fraction(0))


def rank_worst_first(rows: Iterable, by: str = "spi") -> list:
    """Rows with a `.measures` and a `.code`, worst `by` ratio ('spi' or 'cpi') first.

    Ties (and rows whose `by` ratio is undefined, which come last) are ordered by the other ratio,
    then by code, so the order is stable and the least healthy projects lead.
    """
    other = "cpi" if by == "spi" else "spi"
    return sorted(rows, key=lambda row: (_sort_value(getattr(row.measures, by)),
                                         _sort_value(getattr(row.measures, other)), row.code))
