"""Planned value kept in step: after any sequence of plan changes made through the planning services,
each milestone's kept accrual start is what the plan gives, and the planned, earned and budgeted
values the database sums from them equal the in-memory computation over the plans, for any day."""
from __future__ import annotations

import importlib.util
import os
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from core.errors import Refused
from extensions import db
from projects import services as planning
from projects.models import Milestone
from reports.charts.data import month_ends, month_plan, plan_by_month
from reports.earned_value import queries as ev_queries
from reports.earned_value.measures import project_measures
from reports.filters import ReportFilter
from tests import factories
from tests.invariants import accrual_starts_differ

TODAY = date(2026, 7, 1)
DAYS = [date(2026, 1, 1) + timedelta(days=37 * n) for n in range(14)]  # some shared by several milestones
STARTS = (None, date(2025, 12, 1), date(2026, 3, 15), date(2026, 9, 1), date(2027, 2, 1))
COSTS = (0, 1, 999_999, 12_345_678, 10**12)

operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2), st.sampled_from(DAYS), st.sampled_from(COSTS)),
    st.tuples(st.just("move"), st.integers(0, 40), st.sampled_from(DAYS), st.sampled_from(COSTS)),
    st.tuples(st.just("start"), st.integers(0, 2), st.sampled_from(STARTS)),
    st.tuples(st.just("progress"), st.integers(0, 40), st.integers(0, 100)),
)


def _apply(step, projects, milestones: list[Milestone]) -> None:
    kind = step[0]
    if kind == "add":
        milestones.append(planning.add_milestone(projects[step[1]], name="节点", planned_date=step[2],
                                                 planned_cost_fen=step[3]))
    elif kind == "move" and milestones:
        milestone = milestones[step[1] % len(milestones)]
        planning.update_milestone(milestone, name=milestone.name, planned_date=step[2], planned_cost_fen=step[3],
                                  reason="工期调整")
    elif kind == "start":
        project = projects[step[1]]
        values = planning.input_from_project(project)
        values.planned_start = step[2]
        planning.update_project(project, values, reason="工期调整")
    elif kind == "progress" and milestones:
        planning.record_progress(milestones[step[1] % len(milestones)], progress_pct=step[2], reported_on=TODAY)


def _assert_sql_equals_memory(shares: dict[int, tuple[int, int]]) -> None:
    filters = ReportFilter()
    plans = ev_queries.project_plans(filters, TODAY)
    for day in (TODAY, DAYS[3] + timedelta(days=5), DAYS[-1] + timedelta(days=400)):
        values = ev_queries.project_values(filters, TODAY, day)
        for project_id, plan in plans.items():
            expected = project_measures(plan, 0, day, None)
            assert values.get(project_id, (0, 0, 0)) == (expected.bac_fen, expected.pv_fen, expected.ev_fen), day
    for year in (2026, 2027):
        days = month_ends(year)
        total = ev_queries.planned_by_days(filters, TODAY, days)
        assert month_plan([(total, 1, 1)]) == plan_by_month([(plan, 1, 1) for plan in plans.values()], year)
        by_project = ev_queries.planned_by_days_per_project(filters, TODAY, days)
        assert (month_plan((values, *shares[project_id]) for project_id, values in by_project.items())
                == plan_by_month([(plan, *shares[project_id]) for project_id, plan in plans.items()], year))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_kept_accrual_starts_give_the_plans_figures_after_any_changes(app, steps):
    """Random plan changes (each refused one undone) keep every accrual start as the plan gives it, and the
    database's BAC, PV, EV and monthly plan (whole and weighted by a source's share) equal the plans'."""
    projects = [factories.make_project(planned_start=start, planned_end=date(2028, 6, 30))
                for start in (date(2026, 1, 1), None, date(2026, 5, 20))]
    milestones = [factories.make_milestone(projects[0], planned_date=DAYS[2], planned_cost_fen=7_000_001)]
    shares = {projects[0].id: (1, 3), projects[1].id: (2, 2), projects[2].id: (0, 5)}
    try:
        for step in steps:
            try:
                with db.session.begin_nested():
                    _apply(step, projects, milestones)
            except Refused:
                pass
            assert accrual_starts_differ() == [], step
        _assert_sql_equals_memory(shares)
    finally:
        db.session.rollback()


def _migration():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations", "versions", "0012_kept_reports.py")
    spec = importlib.util.spec_from_file_location("kept_reports_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_fills_the_accrual_starts_as_planning_keeps_them(app):
    """The migration's SQL gives an existing plan the accrual starts the planning services keep: ties of
    dates by id, a milestone on or before the planned start or without one falling due on its date."""
    late = factories.make_project(planned_start=date(2026, 4, 1))
    unstarted = factories.make_project(planned_start=None)
    for project in (late, unstarted):
        for day in (date(2026, 3, 1), date(2026, 6, 30), date(2026, 6, 30), date(2026, 4, 1), date(2026, 9, 9)):
            factories.make_milestone(project, planned_date=day)
    kept = dict(db.session.execute(text("SELECT id, accrues_from FROM milestone")).all())
    db.session.execute(text("UPDATE milestone SET accrues_from = NULL"))
    db.session.execute(text(f"UPDATE milestone SET accrues_from = {_migration().ACCRUES_FROM}"))
    assert dict(db.session.execute(text("SELECT id, accrues_from FROM milestone")).all()) == kept
    assert accrual_starts_differ() == []
