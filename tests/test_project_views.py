"""The planning pages: find, enter, edit, move and plan projects through the web forms."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from projects import services
from projects.models import Milestone, Project, ProjectChange
from tests import factories

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def _form(area, **fields):
    data = {"code": "SP-W-001", "name": "五里牌镇通村公路", "category": "road", "area_id": str(area.id),
            "budget_fen": "1,234,567.89", "planned_start": "2026-03-01", "planned_end": "2026-12-31",
            "status": "proposed", "scale_quantity": "12.5", "scale_unit": "km"}
    data.update(fields)
    return data


def test_planner_creates_project_with_amount_in_wan(client, auth):
    """A budget typed as 全角 万元 is stored as exact fen and the project page shows it."""
    area = factories.make_area()
    db.session.commit()
    auth.as_role("planner")
    response = client.post("/projects/new", data=_form(area, budget_fen="１２３．４５万"))
    assert response.status_code == 302
    project = db.session.scalar(select(Project).where(Project.code == "SP-W-001"))
    assert project.budget_fen == 123_450_000
    page = client.get(response.headers["Location"], headers=EN).data.decode()
    assert "1,234,500.00" in page and "五里牌镇通村公路" in page


def test_form_errors_name_the_field_in_each_language(client, auth):
    """Malformed amount and end-before-start are refused, named per field, in English and Chinese."""
    area = factories.make_area()
    db.session.commit()
    auth.as_role("planner")
    bad = _form(area, budget_fen="12,34.5", planned_end="2026-01-01")
    en = client.post("/projects/new", data=bad, headers=EN).data.decode()
    assert "Budget: Not an amount" in en and "Planned end: The end date is before the start date." in en
    zh = client.post("/projects/new", data=bad, headers=ZH).data.decode()
    assert "Not an amount" not in zh and "预算" in zh
    assert db.session.scalar(select(func.count(Project.id))) == 0


def test_duplicate_code_refused(client, auth):
    """A second project with the same code is refused on the code field."""
    area = factories.make_area()
    factories.make_project(area, code="SP-W-001")
    db.session.commit()
    auth.as_role("planner")
    page = client.post("/projects/new", data=_form(area), headers=EN).data.decode()
    assert "Project code: Another project already has this code." in page


def test_edit_after_approval_asks_for_reason_then_records_it(client, auth):
    """Changing an approved project's budget needs a reason, and the change shows in its history."""
    area = factories.make_area()
    project = factories.make_project(area, status="approved", code="SP-W-002", budget_fen=100_000_000)
    db.session.commit()
    auth.as_role("planner")
    form = _form(area, code="SP-W-002", budget_fen="1,100,000", version=str(project.version),
                 planned_start=str(project.planned_start), planned_end=str(project.planned_end))
    refused = client.post(f"/projects/{project.id}/edit", data=form, headers=EN).data.decode()
    assert "give a reason" in refused
    client.post(f"/projects/{project.id}/edit", data={**form, "reason": "追加护栏"})
    assert db.session.get(Project, project.id).budget_fen == 110_000_000
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "追加护栏" in page and "1,100,000.00 yuan" in page and "110000000" not in page


def test_second_editor_is_told_someone_else_changed_it(client, auth):
    """Two planners open the same project; the second save is refused, not silently overwriting."""
    area = factories.make_area()
    project = factories.make_project(area, code="SP-W-003", status="proposed")
    db.session.commit()
    auth.as_role("planner")
    stale = _form(area, code="SP-W-003", version=str(project.version))
    client.post(f"/projects/{project.id}/edit", data={**stale, "name": "第一位的修改"})
    page = client.post(f"/projects/{project.id}/edit", data={**stale, "name": "第二位的修改"}, headers=EN)
    assert "changed by someone else" in page.data.decode()
    assert db.session.get(Project, project.id).name == "第一位的修改"


def test_status_change_and_refusal(client, auth):
    """Allowed moves happen; a move that needs a reason without one is refused with a message."""
    project = factories.make_project(status="approved")
    db.session.commit()
    auth.as_role("planner")
    client.post(f"/projects/{project.id}/status", data={"target": "in_progress", "confirmed": "1"})
    assert db.session.get(Project, project.id).status == "in_progress"
    response = client.post(f"/projects/{project.id}/status", data={"target": "suspended", "confirmed": "1"},
                           follow_redirects=True, headers=EN)
    assert "Give a reason" in response.data.decode()
    assert db.session.get(Project, project.id).status == "in_progress"


def test_milestones_progress_and_budget_mismatch(client, auth):
    """A planner plans milestones and records progress; the page warns when costs miss the budget."""
    project = factories.make_project(budget_fen=100_000_000)
    db.session.commit()
    auth.as_role("planner")
    client.post(f"/projects/{project.id}/milestones/new",
                data={"name": "路基", "planned_date": "2026-05-01", "planned_cost_fen": "60万"})
    milestone = db.session.scalar(select(Milestone))
    client.post(f"/projects/milestones/{milestone.id}/progress",
                data={"progress_pct": "50", "reported_on": "2026-04-01", "note": "路基过半"})
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "600,000.00" in page and "1,000,000.00" in page and "difference" in page
    assert db.session.get(Project, project.id).progress_bp == 5000
    bad = client.post(f"/projects/milestones/{milestone.id}/progress",
                      data={"progress_pct": "150", "reported_on": "2026-04-02"}, follow_redirects=True, headers=EN)
    assert "Percent complete" in bad.data.decode() and db.session.get(Milestone, milestone.id).progress_pct == 50


def test_readers_cannot_change_planning_data(client, auth):
    """Leadership and finance read the project page but get no edit controls and 403 on changes."""
    project = factories.make_project()
    db.session.commit()
    auth.as_role("finance")
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "Edit project" not in page and "Record progress" not in page
    assert client.post(f"/projects/{project.id}/status", data={"target": "suspended", "reason": "x"}).status_code == 403


def _list_codes(client, query: str) -> list[str]:
    import re
    page = client.get("/projects/?" + query, headers=EN).data.decode()
    return re.findall(r"<td>(P-[\w-]+|SP-[\w-]+)</td>", page)


def test_list_filters_flags_and_sorting(client, auth):
    """Filters by status, township, year, source and 'needs attention' each narrow the list correctly."""
    town = factories.make_area()
    village = factories.make_area(parent=town)
    other = factories.make_area()
    late = factories.make_project(village, code="SP-L-1", budget_fen=300, planned_start=date(2025, 1, 1),
                                  planned_end=date(2025, 12, 31))
    factories.make_milestone(late, planned_date=date.today() - timedelta(days=30), progress_pct=10)
    funded = factories.make_project(other, code="SP-L-2", budget_fen=200, status="approved")
    factories.make_project(other, code="SP-L-3", budget_fen=100, status="cancelled")
    source = factories.make_source(received_fen=1_000)
    ledger.allocate(source, funded, delta_fen=500, entry_date=date(2026, 1, 5))
    db.session.commit()
    auth.as_role("leader")
    assert _list_codes(client, f"area={town.id}") == ["SP-L-1"]
    assert _list_codes(client, "attention=late") == ["SP-L-1"]
    assert _list_codes(client, "attention=over_budget") == ["SP-L-2"]
    assert _list_codes(client, "attention=unfunded") == ["SP-L-1"]
    assert _list_codes(client, f"source={source.id}") == ["SP-L-2"]
    assert _list_codes(client, "year=2025") == ["SP-L-1"]
    assert _list_codes(client, "sort=budget&dir=desc") == ["SP-L-1", "SP-L-2", "SP-L-3"]
    assert _list_codes(client, "q=L-3") == ["SP-L-3"]
    assert _list_codes(client, "q=%25") == []


def test_list_paging(client, auth, app):
    """Fifty rows a page; the second page has the rest."""
    area = factories.make_area()
    for number in range(55):
        factories.make_project(area, code=f"SP-P-{number:03d}")
    db.session.commit()
    auth.as_role("planner")
    assert len(_list_codes(client, "")) == 50
    assert _list_codes(client, "page=2") == [f"SP-P-{n:03d}" for n in range(50, 55)]


def test_project_page_shows_funding_and_payments_per_milestone(client, auth):
    """Funding by source and each milestone's payments appear on the project page."""
    project = factories.make_project()
    milestone = factories.make_milestone(project, name="桥面铺装")
    source = factories.make_source(received_fen=10_000_000, code="WFR-T")
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 5))
    ledger.record_payment(source, project, milestone, voucher_no="记-0001", payee="务工群众工资",
                          paid_on=date(2026, 2, 1), amount_fen=1_234_500, cost_category="wages")
    db.session.commit()
    auth.as_role("leader")
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "WFR-T" in page and "3.77" in page  # funding by source: in 10k yuan until the reader chooses yuan
    client.post("/account/money-unit", data={"unit": "yuan"})
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "WFR-T" in page and "50,000.00" in page and "37,655.00" in page
    assert "记-0001" in page and "12,345.00" in page
    assert db.session.scalar(select(func.count(ProjectChange.id))) == 0
    assert services  # the module under test is importable without the web layer
