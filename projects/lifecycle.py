"""The project lifecycle: which status may follow which, and which moves need a reason.

proposed -> approved -> in progress -> completed -> accepted, with suspended (and back) and
cancelled on the way. Plain data and functions, tested without the app.
"""
from __future__ import annotations

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
