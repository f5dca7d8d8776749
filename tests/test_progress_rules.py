"""Tighter rules on progress and on new projects, the same through the forms, the services and the
spreadsheet import: no progress in the future, a reason when it falls, no form that cannot succeed, a
new project only proposed (or approved with a reason), completion only with milestones, all done."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from projects import lifecycle, services
from projects.imports import apply_import, guess_import_mapping, plan_import, read_import_file
from projects.models import Project, ProjectChange
from projects.services import PlanningError, ProjectInput
from tests import factories
from tests.spreadsheet_builders import (
    MILESTONE_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    make_county,
    project_line,
    xlsx_bytes,
)

EN = {"Accept-Language": "en"}


def _input(area, **fields) -> ProjectInput:
    values = dict(code="SP-N-001", name="五里牌镇通组公路", category="road", area_id=area.id, budget_fen=100_000_000)
    values.update(fields)
    return ProjectInput(**values)


def _import(data: bytes, name: str = "p.xlsx"):
    sheets = read_import_file(data, name)
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name=name, sha256="0" * 64)
    if not plan.problems:
        apply_import(plan, today=date.today())
        db.session.commit()
    return plan


def test_lifecycle_path_is_the_shortest_run_of_allowed_moves():
    """From approved, accepted is reached through in progress and completed; an impossible one raises."""
    assert lifecycle.path("approved", "accepted") == ["in_progress", "completed", "accepted"]
    assert lifecycle.path("approved", "approved") == []
    with pytest.raises(ValueError):
        lifecycle.path("accepted", "proposed")


def test_progress_cannot_be_reported_for_a_future_day(app):
    """A progress report dated tomorrow is refused; today's is taken."""
    milestone = factories.make_milestone(factories.make_project())
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        services.record_progress(milestone, progress_pct=40, reported_on=date.today() + timedelta(days=1))
    db.session.rollback()
    assert "in the future" in str(refused.value.errors["reported_on"])
    services.record_progress(milestone, progress_pct=40, reported_on=date.today())
    assert milestone.progress_pct == 40


def test_falling_progress_needs_a_reason(client, auth):
    """Lowering a milestone from 100% to 30% without saying why is refused on the page; with a note it is
    recorded, the note kept."""
    project = factories.make_project()
    milestone = factories.make_milestone(project, progress_pct=100, actual_date=date(2026, 5, 1))
    db.session.commit()
    auth.as_role("planner")
    url = f"/projects/milestones/{milestone.id}/progress"
    refused = client.post(url, data={"progress_pct": "30", "reported_on": date.today().isoformat()},
                          headers=EN, follow_redirects=True).data.decode()
    assert "Progress falls from 100% to 30%: say why in the note." in refused
    assert db.session.get(type(milestone), milestone.id).progress_pct == 100
    client.post(url, data={"progress_pct": "30", "reported_on": date.today().isoformat(), "note": "路面返工"})
    again = db.session.get(type(milestone), milestone.id)
    assert (again.progress_pct, again.actual_date) == (30, None)


def test_progress_form_shows_only_where_it_can_succeed(client, auth):
    """A proposed project's page offers no progress form, an approved one's does; an accepted one's offers
    neither progress nor a change to its milestones' plan."""
    proposed = factories.make_project(status="proposed", code="SP-N-P")
    factories.make_milestone(proposed)
    approved = factories.make_project(status="approved", code="SP-N-A")
    factories.make_milestone(approved)
    db.session.commit()
    auth.as_role("planner")
    assert "/progress\"" not in client.get(f"/projects/{proposed.id}", headers=EN).data.decode()
    assert "/progress\"" in client.get(f"/projects/{approved.id}", headers=EN).data.decode()
    approved.status = "accepted"  # closed: neither progress nor a change of plan can succeed
    db.session.commit()
    closed = client.get(f"/projects/{approved.id}", headers=EN).data.decode()
    assert "/progress\"" not in closed and "/edit\">edit<" not in closed and "milestones/new" not in closed


def test_a_new_project_starts_proposed_whatever_its_reason(app):
    """create_project refuses a new project in progress or accepted, and an approved one without a
    reason; with a reason, approved is still refused by the gates (no notice, no targets yet):
    tests/test_entry_gates.py walks every door."""
    area = factories.make_area()
    db.session.commit()
    for status in ("in_progress", "accepted"):
        with pytest.raises(PlanningError) as refused:
            services.create_project(_input(area, status=status), reason="补录")
        db.session.rollback()
        assert "status" in refused.value.errors
    with pytest.raises(PlanningError) as refused:
        services.create_project(_input(area, status="approved"))
    db.session.rollback()
    assert "reason" in refused.value.errors
    with pytest.raises(PlanningError) as refused:
        services.create_project(_input(area, status="approved"), reason="双发改〔2026〕5号")
    db.session.rollback()
    assert "notice" in refused.value.errors and db.session.scalar(select(Project.id)) is None


def test_new_project_form_offers_only_the_statuses_a_project_starts_in(client, auth):
    """The web form has no status to choose (a new project is proposed) and stores a proposal."""
    area = factories.make_area()
    db.session.commit()
    auth.as_role("planner")
    page = client.get("/projects/new", headers=EN).data.decode()
    assert 'name="status"' not in page
    form = {"code": "SP-N-9", "name": "测试公路", "category": "road", "area_id": area.id, "budget_fen": "100万"}
    assert client.post("/projects/new", data=form).status_code == 302
    assert db.session.scalar(select(Project.status)) == "proposed"


def test_a_project_without_milestones_cannot_be_completed(app):
    """Completing needs a plan: no milestone at all is refused, like unfinished ones."""
    project = factories.make_project(status="in_progress")
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        services.change_status(project, "completed")
    db.session.rollback()
    assert "without milestones" in str(refused.value.errors["status"])


@pytest.mark.usefixtures("gates_lifted")
def test_import_keeps_to_the_same_rules(app):
    """A new row in progress without a reason is a problem on its row; with one the project starts
    approved and moves along its lifecycle; an accepted row without milestones is refused; lowering a
    stored milestone's progress needs a reason."""
    make_county()
    db.session.commit()
    plan = _import(csv_bytes([PROJECT_HEADERS, project_line("IM-1", status="在建")]), "p.csv")
    assert [(p.row, p.column, str(p.message)) for p in plan.problems] == [
        (2, "变更原因", "A project entered as already approved needs the reason, e.g. its approval document.")]
    plan = _import(csv_bytes([PROJECT_HEADERS, project_line("IM-2", status="已验收", reason="已批复")]), "p.csv")
    assert [str(p.message) for p in plan.problems] == [
        "A project without milestones cannot be completed: plan them first."]
    plan = _import(xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("IM-3", status="在建", reason="已批复")]),
                              ("里程碑", [MILESTONE_HEADERS, ["IM-3", 1, "路基", "2026-06-30", 1000, 80, ""]])))
    assert plan.problems == []
    project = db.session.scalar(select(Project).where(Project.code == "IM-3"))
    moves = db.session.execute(select(ProjectChange.old_value, ProjectChange.new_value)
                               .where(ProjectChange.project_id == project.id).order_by(ProjectChange.id)).all()
    assert project.status == "in_progress" and [tuple(m) for m in moves] == [(None, "approved"),
                                                                             ("approved", "in_progress")]
    lowered = [MILESTONE_HEADERS, ["IM-3", 1, "路基", "2026-06-30", 1000, 20, ""]]
    plan = _import(xlsx_bytes(("里程碑", lowered)))
    assert [str(p.message) for p in plan.problems] == [
        "Progress falls from 80% to 20%: give the reason for the change."]
    lowered[1][-1] = "返工"
    assert _import(xlsx_bytes(("里程碑", lowered))).problems == []
    assert project.milestones[0].progress_pct == 20
