"""When a milestone's planned cost falls due: evenly over its window, from the planned date of the
milestone before it (the project's planned start, for the first) to its own planned date. Where no
earlier date exists, or it is not earlier, the whole cost falls due on the planned date (a step).

Planning keeps each milestone's window start (`Milestone.accrues_from`) in step with the plan
(projects.services.refresh_accrual, whenever a planned date or the project's planned start changes),
so that planned value at any day is one SQL aggregate over the milestones (reports.earned_value);
reports.earned_value.measures applies the same rule to plans held in memory.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
from typing import Optional, TypeVar

Key = TypeVar("Key", bound=Hashable)


def accrual_starts(milestones: Iterable[tuple[Key, date]], planned_start: Optional[date]) -> dict[Key, date]:
    """{key: the day its cost starts to accrue} for (key, planned date) pairs; milestones on the same
    day are taken in key order (their ids), as everywhere planned value is computed."""
    starts: dict[Key, date] = {}
    previous = planned_start
    for key, end in sorted(milestones, key=lambda milestone: (milestone[1], milestone[0])):
        starts[key] = previous if previous is not None and previous < end else end
        previous = end if previous is None or end > previous else previous
    return starts
