"""The project lifecycle: which status may follow which, and which moves need a reason.

proposed -> approved -> in progress -> completed -> accepted, with suspended (and back) and
cancelled on the way. A new project starts as proposed, or as approved when it was approved before
it was entered (an existing work brought in): then the reason is recorded, as for a move, and the
gates of the moves to it must pass too (projects.gates.creation_problems). Any later
status is reached by moves, each checked (a project is completed only with every milestone done).
Plain data and functions, tested without the app.
"""
from __future__ import annotations

from collections import deque

TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"approved", "cancelled"}),
    "approved": frozenset({"in_progress", "suspended", "cancelled"}),
    "in_progress": frozenset({"completed", "suspended", "cancelled"}),
    "suspended": frozenset({"approved", "in_progress", "cancelled"}),
    "completed": frozenset({"accepted", "in_progress"}),
    "accepted": frozenset(),
    "cancelled": frozenset(),
}
NEEDS_REASON = frozenset({"suspended", "cancelled"})
# Once approved, a project's budget and planned dates are a commitment: changing them needs a reason.
CONTROLLED_FIELDS = ("budget_fen", "planned_start", "planned_end")
UNCONTROLLED_STATUSES = frozenset({"proposed"})
INITIAL_STATUSES = ("proposed", "approved")  # a new project's; "approved" needs a reason


def allowed_next(status: str) -> frozenset[str]:
    """The statuses a project in `status` may move to."""
    return TRANSITIONS.get(status, frozenset())


def can_move(current: str, target: str) -> bool:
    """True when `current -> target` is an allowed transition."""
    return target in allowed_next(current)


def reason_required(current: str, target: str) -> bool:
    """Suspending, cancelling and reopening a completed project must say why."""
    return target in NEEDS_REASON or (current == "completed" and target == "in_progress")


def plan_is_controlled(status: str) -> bool:
    """True when budget and date changes need a reason and a change record."""
    return status not in UNCONTROLLED_STATUSES


def initial_needs_reason(status: str) -> bool:
    """A project entered as already approved says why (its approval document, say)."""
    return status != "proposed"


def path(current: str, target: str) -> list[str]:
    """The statuses a project passes through from `current` to `target` by allowed moves, fewest
    first, `target` last ([] when already there; ValueError when it cannot get there)."""
    came_from: dict[str, str] = {}
    queue = deque([current])
    while queue:
        status = queue.popleft()
        if status == target:
            steps = []
            while status != current:
                steps.append(status)
                status = came_from[status]
            return steps[::-1]
        for following in sorted(allowed_next(status)):
            if following not in came_from and following != current:
                came_from[following] = status
                queue.append(following)
    raise ValueError(f"no way from {current} to {target}")
