"""The project library: proposal, the township's review, the county's approval, the year's list, and
accounts scoped to a township (every route walked with a project of another township)."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from audit.models import AuditEvent
from disclosure.models import Notice, Objection
from extensions import db
from projects import services
from projects.library import services as library
from projects.library.services import LibraryEntry
from projects.models import Project
from projects.services import PlanningError, ProjectInput
from tests import factories


def _entry(**changes) -> LibraryEntry:
    values = dict(nature="new", beneficiaries="大塘村一、二组", beneficiary_count=320, beneficiary_poverty_count=41,
                  beneficiary_monitored_count=6, benefit_linkage="务工优先录用脱贫户，按日结算工资")
    values.update(changes)
    return LibraryEntry(**values)


def _plan(area, **changes) -> ProjectInput:
    values = dict(code="LIB-001", name="大塘村通组道路硬化", category="road", area_id=area.id, budget_fen=80_000_000,
                  planned_start=date(2026, 3, 1), planned_end=date(2026, 9, 30), responsible_unit="江村镇人民政府",
                  description="硬化通组道路2.4公里，宽4.5米")
    values.update(changes)
    return ProjectInput(**values)


@pytest.fixture
def township(app):
    """A township with a village, another township with a village, and a staff account scoped to the first."""
    town = factories.make_area("JC")
    village = factories.make_area("JC-DT", parent=town)
    other = factories.make_area("WLP")
    other_village = factories.make_area("WLP-X", parent=other)
    staff = factories.make_user("planner", username="jiangcun")
    staff.area_id = town.id
    county = factories.make_user("planner", username="county")
    db.session.commit()
    return dict(town=town, village=village, other=other, other_village=other_village, staff=staff, county=county)


def test_proposal_awaits_the_township_review(township):
    """A township user's proposal is stored as proposed with its library entry, awaiting review."""
    project = library.propose(_plan(township["village"]), _entry(), actor=township["staff"])
    db.session.commit()
    assert (project.status, project.review_state, project.nature, project.beneficiary_poverty_count) == (
        "proposed", "submitted", "new", 41)


@pytest.mark.parametrize(("entry", "plan", "field"), [
    ({"nature": None}, {}, "nature"),
    ({"beneficiaries": " "}, {}, "beneficiaries"),
    ({"beneficiary_count": None}, {}, "beneficiary_count"),
    ({"beneficiary_poverty_count": 300, "beneficiary_monitored_count": 30}, {}, "beneficiary_poverty_count"),
    ({"benefit_linkage": ""}, {}, "benefit_linkage"),
    ({}, {"description": ""}, "description"),
    ({}, {"responsible_unit": ""}, "responsible_unit"),
    ({}, {"planned_end": None}, "planned_start"),
])
def test_proposal_requires_the_library_fields(township, entry, plan, field):
    """Each field the library requires is named when it is missing or inconsistent, and nothing is stored."""
    with pytest.raises(PlanningError) as refused:
        library.propose(_plan(township["village"], **plan), _entry(**entry), actor=township["staff"])
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(Project.id)) is None


def test_proposal_is_located_in_a_village(township):
    """A proposal names its village, not just the township."""
    with pytest.raises(PlanningError) as refused:
        library.propose(_plan(township["town"]), _entry(), actor=township["staff"])
    assert "area_id" in refused.value.errors


def test_township_user_cannot_propose_in_another_township(township):
    """A scoped account is refused a proposal, or a plain project, outside its township."""
    with pytest.raises(PlanningError) as refused:
        library.propose(_plan(township["other_village"]), _entry(), actor=township["staff"])
    assert "area_id" in refused.value.errors
    with pytest.raises(PlanningError):
        services.create_project(_plan(township["other_village"]), actor=township["staff"])


def test_return_needs_a_reason_and_resubmission_goes_back_to_review(township):
    """Returning asks for a reason; a returned proposal is submitted again, then agreed."""
    project = library.propose(_plan(township["village"]), _entry(), actor=township["staff"])
    with pytest.raises(PlanningError) as refused:
        library.review(project, "return", "", actor=township["staff"])
    assert "reason" in refused.value.errors
    library.review(project, "return", "受益人数与花名册不符", actor=township["staff"])
    assert (project.review_state, project.review_note) == ("returned", "受益人数与花名册不符")
    library.update_entry(project, _entry(beneficiary_count=300), actor=township["staff"])
    library.resubmit(project, actor=township["staff"])
    library.review(project, "agree", actor=township["staff"])
    assert project.review_state == "agreed"


def test_approval_waits_for_the_township_and_is_the_county_s(township):
    """The county cannot approve before the township agreed; a township account can never approve."""
    project = library.propose(_plan(township["village"]), _entry(), actor=township["staff"])
    with pytest.raises(PlanningError) as refused:
        services.change_status(project, "approved", actor=township["county"])
    assert "township has not reviewed" in str(refused.value.errors["status"])
    library.review(project, "agree", actor=township["staff"])
    with pytest.raises(PlanningError) as refused:
        services.change_status(project, "approved", actor=township["staff"])
    assert "county planning office" in str(refused.value.errors["status"])


def test_library_export_lists_the_year_in_the_filed_layout(app, client, auth, township):
    """The year's library exports as .xlsx with the Chinese headers and the entry's fields."""
    project = factories.make_project(township["village"], status="approved", library_year=2026, nature="rebuild",
                                     beneficiary_count=120, benefit_linkage="入股分红")
    db.session.commit()
    auth.as_role("leader")
    response = client.get("/projects/library/2026.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "乡镇", "村（社区）", "项目编码", "项目名称", "建设性质")
    assert rows[1][3:6] == (project.code, project.name, "改建")
    assert rows[1][12] == 120 and rows[1][15] == "入股分红"


def test_scoped_list_shows_only_the_township(client, township):
    """The project list of a township account holds its own projects and none of another township's."""
    mine = factories.make_project(township["village"], name="江村项目")
    theirs = factories.make_project(township["other_village"], name="五里牌项目")
    db.session.commit()
    client.post("/login", data={"username": "jiangcun", "password": factories.PASSWORD})
    page = client.get("/projects/").get_data(as_text=True)
    assert mine.code in page and theirs.code not in page
    export = client.get("/projects/export.csv").get_data(as_text=True)
    assert mine.code in export and theirs.code not in export


def _scope_ids(township) -> dict[str, dict[str, int]]:
    ids = {}
    for key, village in (("in", township["village"]), ("out", township["other_village"])):
        project = factories.make_project(village, status="proposed", review_state="submitted")
        milestone = factories.make_milestone(project)
        notice = Notice(project_id=project.id, kind="pre_approval", place="village_board",
                        start_date=date(2026, 1, 5), end_date=date(2026, 1, 20), snapshot={"code": project.code})
        db.session.add(notice)
        db.session.flush()
        objection = Objection(notice_id=notice.id, received_on=date(2026, 1, 6), summary="路线", handling="",
                              result="")
        db.session.add(objection)
        db.session.flush()
        ids[key] = {"project": project.id, "milestone": milestone.id, "notice": notice.id,
                    "objection": objection.id, "target": factories.make_target(project).id}
    db.session.commit()
    return ids


def test_scoped_account_walk_of_every_route(app, client, township):
    """Walking the url map as a township account: county pages refuse it, every object route refuses a
    project of another township (each refusal audited), and lets in its own."""
    from tests.test_access import MATRIX

    ids = _scope_ids(township)
    client.post("/login", data={"username": "jiangcun", "password": factories.PASSWORD})
    scope_aware = {endpoint for endpoint, view in app.view_functions.items()
                   if getattr(view, "scope_aware", False)}
    for endpoint, (method, template, allowed) in MATRIX.items():
        if endpoint == "auth.logout" or (allowed != "public" and "planner" not in allowed):
            continue
        if endpoint == "api_tokens.revoke":  # a token is its owner's, not an area's (tests/test_api.py)
            continue
        names = set(re.findall(r"{(\w+)}", template))
        if endpoint not in scope_aware:
            url = template.format(**{**ids["in"], "source": 1, "user": 1, "payment": 1, "code": "x",
                                              "contractor": 1, "contract": 1, "document": 1, "request": 1,
                                              "payroll": 1, "worker": 1, "asset": 1})
            assert client.open(url, method=method).status_code == 403, endpoint
            continue
        if not names or allowed == "public":
            continue
        assert names <= {"project", "milestone", "notice", "objection", "target"}, endpoint  # a scope-aware route reaches nothing else
        before = db.session.scalar(select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "access.denied"))
        assert client.open(template.format(**ids["out"]), method=method).status_code == 403, endpoint
        after = db.session.scalar(select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "access.denied"))
        assert after == before + 1, endpoint
        assert client.open(template.format(**ids["in"]), method=method).status_code in (200, 302, 400), endpoint


def test_scoped_account_review_through_the_page(client, township):
    """The township reviews its proposal from the project page; the project is stored as agreed."""
    ids = _scope_ids(township)
    client.post("/login", data={"username": "jiangcun", "password": factories.PASSWORD})
    client.post(f"/projects/{ids['in']['project']}/review", data={"decision": "agree"})
    assert db.session.get(Project, ids["in"]["project"]).review_state == "agreed"  # type: ignore[union-attr]
