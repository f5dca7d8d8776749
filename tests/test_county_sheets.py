"""Real county project sheets: synonyms import, an unknown value is named and mapped (on the web and with
--map-value), the mapping is remembered for the next import, listed and removable."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from import_values.models import ImportValue
from import_values.services import remember
from projects.imports import guess_import_mapping, plan_import, read_import_file
from projects.models import Project
from tests.spreadsheet_builders import PROJECT_HEADERS, csv_bytes, make_county, project_line, xlsx_bytes

EN = {"Accept-Language": "en"}
APPROVED = "已批复（双发改〔2026〕12号）"  # works already under way are entered with their approval
# What the county sheet says in 项目类别 and 项目状态, in a sheet with its own title row.
COUNTY_ROWS = [["双牌县2026年为民办实事项目表（示例）"], PROJECT_HEADERS,
               project_line("XS-01", category="宽带", status="在建项目", reason=APPROVED),
               project_line("XS-02", category="村级综合服务平台", township="泷泊", area="阳明社区居委会"),
               project_line("XS-03", category="通村公路", status="已立项", township="江村镇", area="大塘", reason=APPROVED),
               project_line("XS-04", category="网格化管理", status="计划"),
               project_line("XS-05", category="（饮水）", status="In-Progress", reason=APPROVED),
               project_line("XS-06", category="ｓｏｃｉａｌ　ｇｏｖｅｒｎａｎｃｅ", status="施工中", reason=APPROVED)]


def county_sheet(rows=None) -> bytes:
    """The county sheet as .xlsx (the last category is not a known word: 社会治理 in English)."""
    return xlsx_bytes(("2026年项目", rows or COUNTY_ROWS))


def plan_for(data: bytes, name: str = "county.xlsx"):
    """The plan of a file with the guessed column mapping."""
    sheets = read_import_file(data, name)
    return plan_import(sheets, guess_import_mapping(sheets), file_name=name, sha256="x")


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path) -> Path:
    """Uploads of this test wait in its own folder."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def county(app, gates_lifted):
    """The demo's towns and villages; the county's sheets list existing works at later statuses, which
    only an import without the gates stores (tests/test_entry_gates.py)."""
    make_county()
    db.session.commit()


def test_county_sheet_with_synonyms_imports(county):
    """宽带, 村级综合服务平台, 通村公路, 网格化管理, a bracketed 饮水, 在建项目, 已立项, 计划, In-Progress and
    泷泊 / 阳明社区居委会 / 大塘 are read as what they mean; the one unknown category is the only problem."""
    plan = plan_for(county_sheet())
    assert [(p.row, p.column) for p in plan.problems] == [(8, "项目类别")]
    read = {row.code: (row.data.category, row.late_status or row.early_status or row.data.status)
            for row in plan.projects}
    assert read == {"XS-01": ("telecom", "in_progress"), "XS-02": ("village_platform", "proposed"),
                    "XS-03": ("road", "approved"), "XS-04": ("grid_management", "proposed"),
                    "XS-05": ("water", "in_progress")}


def test_unknown_value_is_refused_naming_it_and_the_allowed_ones(county):
    """The problem names the value as written and every category allowed, code beside label."""
    problem = plan_for(county_sheet()).problems[0]
    message = str(problem.message)
    assert message.startswith("Unknown category: ｓｏｃｉａｌ　ｇｏｖｅｒｎａｎｃｅ. Use one of: Road (road), Bridge (bridge),")
    assert "Water (water), Other (other)." in message
    assert (problem.unknown.kind, problem.unknown.key) == ("category", "socialgovernance")


def upload(client, data: bytes, name: str = "county.xlsx"):
    """Post a file to the import's upload form."""
    return client.post("/projects/import", data={"file": (BytesIO(data), name)},
                       content_type="multipart/form-data", headers=EN)


def _token(response) -> str:
    return re.search(r"/projects/import/([0-9a-f]{32})/", response.headers["Location"]).group(1)


def test_web_value_mapping_is_remembered_and_the_next_upload_needs_none(county, client, auth):
    """The preview first asks what the unknown value means; the answer is remembered (audited), the
    import goes through, and the same sheet uploaded again goes straight to a clean preview."""
    auth.as_role("planner")
    token = _token(upload(client, county_sheet()))
    preview = client.get(f"/projects/import/{token}/preview", headers=EN)
    assert preview.headers["Location"].endswith(f"/projects/import/{token}/values")
    page = client.get(f"/projects/import/{token}/values", headers=EN).data.decode()
    field = re.search(r'<select id="(v[0-9a-f]{16})"', page).group(1)
    assert "ｓｏｃｉａｌ　ｇｏｖｅｒｎａｎｃｅ" in page and "项目类别" in page and '<option value="grid_management">' in page
    done = client.post(f"/projects/import/{token}/values", data={field: "grid_management"}, headers=EN)
    assert done.headers["Location"].endswith(f"/projects/import/{token}/preview")
    assert b"Import now" in client.get(f"/projects/import/{token}/preview", headers=EN).data
    client.post(f"/projects/import/{token}/confirm", headers=EN)
    assert db.session.scalar(select(Project.category).where(Project.code == "XS-06")) == "grid_management"
    remembered = db.session.scalars(select(ImportValue)).one()
    assert (remembered.kind, remembered.value, remembered.code) == ("category", "ｓｏｃｉａｌ　ｇｏｖｅｒｎａｎｃｅ", "grid_management")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import_value.remember"))
    assert event.username == "planner-user" and event.after["means"] == "grid_management"

    again = upload(client, county_sheet(COUNTY_ROWS[:-1] + [project_line("XS-07", category="Social Governance")]))
    token = _token(again)
    assert again.headers["Location"].endswith("/preview")
    preview = client.get(f"/projects/import/{token}/preview", headers=EN)
    assert preview.status_code == 200 and b"Import now" in preview.data and b"Problems found" not in preview.data


def test_web_village_mapping_is_remembered_inside_its_township(county, client, auth):
    """An unknown village named in a township offers that township's villages only, and is remembered
    for that township."""
    auth.as_role("planner")
    rows = [PROJECT_HEADERS, project_line("V-1", township="江村镇", area="大塘村民小组")]
    token = _token(upload(client, csv_bytes(rows), "v.csv"))
    page = client.get(f"/projects/import/{token}/values", headers=EN).data.decode()
    field = re.search(r'<select id="(v[0-9a-f]{16})"', page).group(1)
    options = re.findall(r'<option (?:selected )?value="([^"]*)"', page)
    assert options == ["", "JC-DT", "JC-YM"]
    client.post(f"/projects/import/{token}/values", data={field: "JC-DT"}, headers=EN)
    assert db.session.scalar(select(ImportValue.value_key)) == "JC/大塘村民小组"
    assert plan_for(csv_bytes(rows), "v.csv").problems == []
    other_town = [PROJECT_HEADERS, project_line("V-2", township="泷泊镇", area="大塘村民小组")]
    assert [p.column for p in plan_for(csv_bytes(other_town), "v.csv").problems] == ["村（社区）"]


def test_leaving_a_value_unmapped_keeps_it_a_problem_without_asking_again(county, client, auth):
    """Submitting the value page with nothing chosen remembers nothing; the preview then lists the problem
    with a link back instead of asking again."""
    auth.as_role("planner")
    token = _token(upload(client, county_sheet()))
    client.get(f"/projects/import/{token}/values", headers=EN)
    assert client.post(f"/projects/import/{token}/values", data={}, headers=EN).status_code == 302
    preview = client.get(f"/projects/import/{token}/preview", headers=EN)
    assert preview.status_code == 200 and b"Problems found: 1." in preview.data
    assert f"/projects/import/{token}/values".encode() in preview.data
    assert db.session.scalar(select(func.count(ImportValue.id))) == 0


def test_cli_map_value_imports_and_remembers(county, runner, tmp_path):
    """Without --map-value the CLI names the unknown value and exits 1; with it (column by field or header,
    the code or a label) the sheet imports and the value is remembered for the next run."""
    path = tmp_path / "county.xlsx"
    path.write_bytes(county_sheet())
    refused = runner.invoke(args=["projects", "import", str(path)])
    assert refused.exit_code == 1 and "ｓｏｃｉａｌ　ｇｏｖｅｒｎａｎｃｅ" in refused.output and "--map-value" in refused.output
    bad = runner.invoke(args=["projects", "import", str(path), "--map-value", "category:ｓｏｃｉａｌ　ｇｏｖｅｒｎａｎｃｅ=nope"])
    assert bad.exit_code == 2 and "not a category" in bad.output
    dry = runner.invoke(args=["projects", "import", str(path), "--dry-run",
                              "--map-value", "项目类别:social governance=网格化管理"])
    assert dry.exit_code == 0, dry.output
    assert db.session.scalar(select(func.count(ImportValue.id))) == 0
    done = runner.invoke(args=["projects", "import", str(path), "--map-value", "项目类别:social governance=网格化管理"])
    assert done.exit_code == 0, done.output
    assert "6 new" in done.output and "1 values remembered" in done.output
    assert db.session.scalar(select(Project.category).where(Project.code == "XS-06")) == "grid_management"
    path.write_bytes(county_sheet(COUNTY_ROWS[:-1] + [project_line("XS-08", category="Social  Governance")]))
    assert runner.invoke(args=["projects", "import", str(path)]).exit_code == 0


def test_cli_map_value_for_a_village(county, runner, tmp_path):
    """--map-value area:VALUE=CODE maps a village inside its township."""
    path = tmp_path / "v.csv"
    path.write_bytes(csv_bytes([PROJECT_HEADERS, project_line("V-9", township="江村镇", area="大塘组")]))
    result = runner.invoke(args=["projects", "import", str(path), "--map-value", "村（社区）:大塘组=JC-DT"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Project).where(Project.code == "V-9")).area.code == "JC-DT"


def test_remembered_values_are_listed_and_removed_by_planners(county, client, auth):
    """The page lists each remembered value with what it means; removing one is audited and the next
    import asks again."""
    remember("category", "socialgovernance", "Social governance", "grid_management")
    db.session.commit()
    auth.as_role("planner")
    page = client.get("/imports/values", headers=EN).data.decode()
    assert "Social governance" in page and "Grid management" in page
    value = db.session.scalars(select(ImportValue)).one()
    client.post(f"/imports/values/{value.id}/forget", headers=EN)
    assert db.session.scalar(select(func.count(ImportValue.id))) == 0
    assert db.session.scalar(select(AuditEvent.before).where(AuditEvent.action == "import_value.forget")) == {
        "column": "category", "written": "Social governance", "means": "grid_management"}
    assert [p.row for p in plan_for(county_sheet()).problems] == [8]
