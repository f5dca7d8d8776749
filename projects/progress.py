"""Physical progress: the cost-weighted progress of a project's milestones, now and over time.

Progress is kept in basis points (0-10000) so that it is exact integer arithmetic; screens show %.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Optional


def weighted_progress_bp(milestones: Iterable[tuple[int, int]]) -> Optional[int]:
    """Cost-weighted progress of (planned_cost_fen, progress_pct) pairs in basis points, rounded down.

    None when no milestone carries a planned cost (no plan yet), never a division by zero.
    """
    pairs = list(milestones)
    planned = sum(cost for cost, _ in pairs)
    if planned <= 0:
        return None
    return sum(cost * pct for cost, pct in pairs) * 100 // planned


@dataclass(frozen=True)
class ProgressReport:
    """One progress report: milestone, day, % complete."""

    milestone_id: int
    reported_on: date
    progress_pct: int


def progress_series(costs: dict[int, int], reports: Iterable[ProgressReport]) -> list[tuple[date, int]]:
    """The project's weighted progress (bp) after each day with reports, from milestone planned costs.

    `costs` maps milestone id -> planned cost; milestones without a report count as 0%.
    """
    current = dict.fromkeys(costs, 0)
    series: list[tuple[date, int]] = []
    for report in sorted(reports, key=lambda r: r.reported_on):
        current[report.milestone_id] = report.progress_pct
        value = weighted_progress_bp((costs[m], pct) for m, pct in current.items() if m in costs)
        if value is None:
            continue
        if series and series[-1][0] == report.reported_on:
            series[-1] = (report.reported_on, value)
        else:
            series.append((report.reported_on, value))
    return series
