"""No door enters a project at 'approved' (or later) around the gates (projects.gates.creation_problems):
the county's form, the planning service, the spreadsheet import on the web and the CLI each refuse a
new project entered as approved, naming the missing notice and targets, and store nothing."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from extensions import db
from projects import services
from projects.models import Project
from projects.services import PlanningError, ProjectInput
from tests.spreadsheet_builders import PROJECT_HEADERS, csv_bytes, make_county, project_line

EN = {"Accept-Language": "en"}
APPROVED_ROW = project_line("EG-1", status="已立项", reason="县发改〔2026〕3号批复")


def _projects() -> int:
    return int(db.session.scalar(select(func.count(Project.id))) or 0)


@pytest.fixture
def county(app):
    """The demo's towns and villages."""
    areas = make_county()
    db.session.commit()
    return areas


def test_service_refuses_a_new_project_entered_as_approved(county):
    """create_project with status approved and a reason is refused: the notice and targets are named."""
    data = ProjectInput(code="EG-0", name="县道改造", category="road", area_id=county["LB-YM"].id,
                        budget_fen=100_000_000, status="approved")
    with pytest.raises(PlanningError) as refused:
        services.create_project(data, reason="县发改〔2026〕3号批复")
    db.session.rollback()
    errors = {key: str(message) for key, message in refused.value.errors.items()}
    assert "No Pre-approval notice" in errors["notice"] and "output indicator" in errors["targets"]
    assert "entered as proposed" in errors["status"] and _projects() == 0


def test_county_form_offers_proposed_only_and_refuses_a_forged_approval(county, client, auth):
    """The county's new-project form has no status choice (proposed only); a form posted with status
    approved anyway is refused and nothing is stored."""
    auth.as_role("planner")
    page = client.get("/projects/new", headers=EN).data.decode()
    assert 'name="status"' not in page
    form = {"code": "EG-W", "name": "测试公路", "category": "road", "area_id": county["LB-YM"].id,
            "budget_fen": "100万", "status": "approved", "reason": "已批复"}
    client.post("/projects/new", data=form, headers=EN)
    assert _projects() == 0
    assert client.post("/projects/new", data={**form, "status": ""}).status_code == 302
    assert db.session.scalar(select(Project.status)) == "proposed"


def test_web_import_refuses_a_new_row_entered_as_approved(county, client, auth, app, tmp_path):
    """The upload's preview names the gate on the row; nothing is stored."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    auth.as_role("planner")
    response = client.post("/projects/import", data={"file": (BytesIO(csv_bytes([PROJECT_HEADERS, APPROVED_ROW])),
                                                               "p.csv")},
                           content_type="multipart/form-data", headers=EN)
    token = re.search(r"/projects/import/([0-9a-f]{32})/", response.headers["Location"]).group(1)
    preview = client.get(f"/projects/import/{token}/preview", headers=EN).data.decode()
    assert "entered as proposed" in preview and "Import now" not in preview
    assert client.post(f"/projects/import/{token}/confirm", headers=EN).status_code in (302, 400)
    assert _projects() == 0


def test_cli_import_refuses_a_new_row_entered_as_approved(county, runner, tmp_path):
    """`flask projects import` exits 1 naming the gate; nothing is stored."""
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes([PROJECT_HEADERS, APPROVED_ROW]))
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 1 and "entered as proposed" in result.output, result.output
    assert _projects() == 0
