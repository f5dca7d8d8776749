"""Lifecycle transitions and cost-weighted progress, as plain functions."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects import lifecycle
from projects.progress import ProgressReport, progress_series, weighted_progress_bp


@pytest.mark.parametrize("current, target, allowed", [
    ("proposed", "approved", True), ("approved", "in_progress", True), ("in_progress", "completed", True),
    ("completed", "accepted", True), ("in_progress", "suspended", True), ("suspended", "in_progress", True),
    ("approved", "cancelled", True), ("proposed", "in_progress", False), ("proposed", "completed", False),
    ("accepted", "in_progress", False), ("cancelled", "approved", False), ("completed", "proposed", False),
])
def test_transitions(current, target, allowed):
    """Only the lifecycle's moves are allowed; closed projects stay closed."""
    assert lifecycle.can_move(current, target) is allowed


def test_reasons_required_for_suspend_cancel_and_reopen():
    """Suspending, cancelling and reopening a completed project must say why; approving need not."""
    assert lifecycle.reason_required("in_progress", "suspended")
    assert lifecycle.reason_required("approved", "cancelled")
    assert lifecycle.reason_required("completed", "in_progress")
    assert not lifecycle.reason_required("proposed", "approved")


def test_every_status_reaches_a_closed_state():
    """From any status, some chain of moves ends in accepted or cancelled (no dead ends)."""
    for start in lifecycle.TRANSITIONS:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in lifecycle.allowed_next(frontier.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert seen & {"accepted", "cancelled"}, start


def test_weighted_progress_hand_computed():
    """A 1,000,000 yuan milestone at 50% and a 3,000,000 one at 10% make 20.00% overall."""
    assert weighted_progress_bp([(100_000_000, 50), (300_000_000, 10)]) == 2000
    assert weighted_progress_bp([]) is None
    assert weighted_progress_bp([(0, 100), (0, 0)]) is None


@given(st.lists(st.tuples(st.integers(0, 10**12), st.integers(0, 100)), min_size=1, max_size=20))
def test_weighted_progress_stays_between_the_milestones(pairs):
    """Weighted progress lies between the least and most advanced costed milestone, within 0-100%."""
    value = weighted_progress_bp(pairs)
    costed = [pct for cost, pct in pairs if cost > 0]
    if not costed:
        assert value is None
        return
    assert min(costed) * 100 <= value <= max(costed) * 100
    assert 0 <= value <= 10000


def test_progress_series_replays_reports_in_date_order():
    """Progress over time uses each milestone's latest report as of each day."""
    costs = {1: 100, 2: 300}
    reports = [ProgressReport(2, date(2026, 3, 1), 10), ProgressReport(1, date(2026, 2, 1), 50),
               ProgressReport(1, date(2026, 3, 1), 100)]
    assert progress_series(costs, reports) == [(date(2026, 2, 1), 1250), (date(2026, 3, 1), 3250)]
