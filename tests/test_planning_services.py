"""Planning services refuse bad projects, keep change records after approval, and track progress."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from extensions import db
from projects import services
from projects.models import Project, ProjectChange
from projects.services import PlanningError, ProjectInput
from tests import factories


def _input(area, **fields) -> ProjectInput:
    values = dict(code="SP-T-001", name="双牌县测试公路", category="road", area_id=area.id, budget_fen=500_000_000,
                  planned_start=date(2026, 3, 1), planned_end=date(2026, 12, 31))
    values.update(fields)
    return ProjectInput(**values)


def test_create_reports_every_problem_at_once(app):
    """Duplicate code, unknown area, negative budget and end-before-start are all named, nothing stored."""
    area = factories.make_area()
    factories.make_project(area, code="SP-T-001")
    db.session.commit()
    with pytest.raises(PlanningError) as error:
        services.create_project(_input(area, area_id=9999, budget_fen=-1, planned_end=date(2026, 1, 1)))
    db.session.rollback()
    assert set(error.value.errors) == {"code", "area_id", "budget_fen", "planned_end"}
    assert db.session.scalar(select(func.count(Project.id))) == 1


def test_change_after_approval_needs_reason_and_is_recorded(app):
    """Once approved, a budget change without a reason is refused; with one, it leaves a change record."""
    area = factories.make_area()
    project = services.create_project(_input(area))
    factories.make_approvable(project)
    services.change_status(project, "approved", reason="双发改〔2026〕3号批复")
    db.session.commit()
    with pytest.raises(PlanningError) as error:
        services.update_project(project, _input(area, budget_fen=550_000_000))
    db.session.rollback()
    assert "reason" in error.value.errors
    services.update_project(project, _input(area, budget_fen=550_000_000, planned_end=date(2027, 3, 31)),
                            reason="增加安保设施")
    db.session.commit()
    changes = db.session.scalars(select(ProjectChange).order_by(ProjectChange.field)).all()
    assert [(c.field, c.old_value, c.new_value, c.reason) for c in changes] == [
        ("budget_fen", "500000000", "550000000", "增加安保设施"),
        ("planned_end", "2026-12-31", "2027-03-31", "增加安保设施"),
        ("status", "proposed", "approved", "双发改〔2026〕3号批复")]


def test_proposed_project_changes_freely(app):
    """Before approval the plan is a draft: no reason, no change record."""
    area = factories.make_area()
    project = services.create_project(_input(area))
    services.update_project(project, _input(area, budget_fen=1))
    assert db.session.scalar(select(func.count(ProjectChange.id))) == 0


def test_stale_edit_is_refused(app):
    """A save based on an older version is refused as changed by someone else."""
    area = factories.make_area()
    project = services.create_project(_input(area))
    db.session.commit()
    old_version = project.version
    services.update_project(project, _input(area, name="新名称"), expected_version=old_version)
    db.session.commit()
    with pytest.raises(PlanningError) as error:
        services.update_project(project, _input(area, name="另一名称"), expected_version=old_version)
    assert "version" in error.value.errors


def test_status_lifecycle_and_completion(app):
    """Status moves only along the lifecycle; completion needs every milestone finished."""
    project = factories.make_project(status="proposed")
    milestone = factories.make_milestone(project, planned_cost_fen=100)
    with pytest.raises(PlanningError):
        services.change_status(project, "completed")
    factories.make_approvable(project)
    services.change_status(project, "approved")
    services.change_status(project, "in_progress", on_date=date(2026, 4, 1))
    assert project.actual_start == date(2026, 4, 1)
    with pytest.raises(PlanningError):
        services.change_status(project, "completed")
    services.record_progress(milestone, progress_pct=100, reported_on=date(2026, 9, 1))
    services.change_status(project, "completed", on_date=date(2026, 9, 2))
    assert (project.status, project.actual_end) == ("completed", date(2026, 9, 2))
    with pytest.raises(PlanningError) as error:
        services.change_status(project, "in_progress")
    assert "reason" in error.value.errors


def test_progress_is_cost_weighted_and_dated(app):
    """Project progress follows milestone costs; 100% dates the milestone."""
    project = factories.make_project()
    small = services.add_milestone(project, name="测量", planned_date=date(2026, 3, 1), planned_cost_fen=100_000_000)
    big = services.add_milestone(project, name="路面", planned_date=date(2026, 9, 1), planned_cost_fen=300_000_000)
    services.record_progress(small, progress_pct=100, reported_on=date(2026, 3, 5))
    services.record_progress(big, progress_pct=20, reported_on=date(2026, 6, 1))
    db.session.commit()
    db.session.refresh(project)
    assert project.progress_bp == 4000
    assert (small.actual_date, big.actual_date) == (date(2026, 3, 5), None)
    assert (small.sequence, big.sequence) == (1, 2)


def test_milestone_replan_after_approval_needs_reason(app):
    """Moving an approved project's milestone date needs a reason and leaves a change record."""
    project = factories.make_project(status="approved")
    milestone = services.add_milestone(project, name="验收", planned_date=date(2026, 10, 1), planned_cost_fen=5)
    with pytest.raises(PlanningError):
        services.update_milestone(milestone, name="验收", planned_date=date(2026, 11, 1), planned_cost_fen=5)
    services.update_milestone(milestone, name="验收", planned_date=date(2026, 11, 1), planned_cost_fen=5,
                              reason="雨季顺延")
    assert db.session.scalar(select(ProjectChange.reason)) == "雨季顺延"
