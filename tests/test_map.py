"""Project positions and the map: the county's box, both-or-neither, GCJ-02 converted, the sheet's
经度/纬度 round trip, the map's JSON (access, township scope, filters, no HTML), and nothing on the
public pages."""
from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from projects.imports import apply_import, guess_import_mapping, plan_import, read_import_file
from projects.imports.columns import guess_mapping
from projects.imports.exporting import write_projects
from projects.map.features import SHIPPED_OUTLINE, county_outline
from projects.models import Project
from projects.positions import County, gcj02_to_wgs84, metres_between, position_problems, wgs84_to_gcj02
from projects.services import PlanningError, ProjectInput, create_project, input_from_project, update_project
from tests import factories
from tests.spreadsheet_builders import make_county

ROOT = Path(__file__).resolve().parent.parent
COUNTY = County.parse("111.45,25.50,112.00,26.25")
EN = {"Accept-Language": "en"}


# --- pieces, without the app ---------------------------------------------------------------------

@pytest.mark.unit
def test_a_position_outside_the_county_is_refused_naming_its_field():
    """Longitude and latitude outside the box are each refused on their own field; inside passes."""
    assert position_problems(Decimal("111.66"), Decimal("25.96"), COUNTY) == {}
    assert set(position_problems(Decimal("25.96"), Decimal("111.66"), COUNTY)) == {"longitude", "latitude"}
    assert set(position_problems(Decimal("113.0"), Decimal("25.96"), COUNTY)) == {"longitude"}
    assert set(position_problems(Decimal("111.66"), Decimal("27.0"), COUNTY)) == {"latitude"}


@pytest.mark.unit
def test_a_position_needs_both_coordinates_or_neither():
    """One coordinate alone is refused on the missing one's field; none at all is no position."""
    assert position_problems(None, None, COUNTY) == {}
    assert set(position_problems(Decimal("111.66"), None, COUNTY)) == {"latitude"}
    assert set(position_problems(None, Decimal("25.96"), COUNTY)) == {"longitude"}


@pytest.mark.unit
def test_the_county_box_setting_is_read_strictly():
    """LIANDONG_COUNTY_BBOX must be four numbers forming a box on the globe."""
    for text in ("111,25,112", "a,b,c,d", "112,25,111,26", "111,25,200,26"):
        with pytest.raises(ValueError):
            County.parse(text)


@pytest.mark.unit
def test_gcj02_is_converted_back_to_the_wgs84_point_it_was_shifted_from():
    """The inverse transform undoes the forward one to under a centimetre; the shift here is hundreds of metres."""
    for lon, lat in ((111.66, 25.96), (111.50, 25.55), (111.95, 26.20)):
        shifted = wgs84_to_gcj02(lon, lat)
        assert 100 < metres_between(lon, lat, *shifted) < 1000
        back = gcj02_to_wgs84(*shifted)
        assert metres_between(lon, lat, *back) < 0.01


@pytest.mark.unit
def test_chinese_and_english_position_headers_are_recognised():
    """经度/纬度 and Longitude/Latitude (and lng/lat) map to the position fields."""
    assert guess_mapping(["项目编号", "经度", "纬度"]) == {0: "code", 1: "longitude", 2: "latitude"}
    assert guess_mapping(["Project code", "Longitude", "Latitude"]) == {0: "code", 1: "longitude", 2: "latitude"}
    assert guess_mapping(["code", "lng", "lat"]) == {0: "code", 1: "longitude", 2: "latitude"}


@pytest.mark.unit
def test_shipped_outline_is_inside_the_default_box_and_labelled_illustrative():
    """The county outline and towns the repo ships lie inside the default box and say they are illustrative."""
    data = county_outline(str(SHIPPED_OUTLINE))
    assert "示意" in data["illustrative"] and "Illustrative" in data["illustrative"]
    points = [point for feature in data["features"] for point in (
        feature["geometry"]["coordinates"][0] if feature["geometry"]["type"] == "Polygon"
        else [feature["geometry"]["coordinates"]])]
    assert points and all(not position_problems(Decimal(str(lon)), Decimal(str(lat)), COUNTY) for lon, lat in points)


def test_a_wrong_county_box_stops_the_application_starting(tmp_path):
    """LIANDONG_COUNTY_BBOX that is not a box is named when the app is created, not at the first save."""
    from app import create_app
    from tests.conftest import _settings

    settings = _settings(f"sqlite:///{tmp_path}/unused.sqlite3", str(tmp_path))
    with pytest.raises(ValueError, match="LIANDONG_COUNTY_BBOX"):
        create_app({**settings, "COUNTY_BBOX": "112,26,111,25"})


# --- the services and the database ---------------------------------------------------------------

def _input(area, **changes) -> ProjectInput:
    values = dict(code="MAP-001", name="大塘村通组道路", category="road", area_id=area.id, budget_fen=10_000_000)
    values.update(changes)
    return ProjectInput(**values)


def test_services_refuse_a_position_outside_the_county_and_half_positions(app):
    """create_project refuses a point outside the configured box and a lone coordinate, naming the field;
    a point inside is stored to six places."""
    area = factories.make_area()
    with pytest.raises(PlanningError) as refused:
        create_project(_input(area, longitude=Decimal("116.40"), latitude=Decimal("39.90")))
    assert set(refused.value.errors) == {"longitude", "latitude"}
    with pytest.raises(PlanningError) as refused:
        create_project(_input(area, longitude=Decimal("111.66")))
    assert set(refused.value.errors) == {"latitude"}
    project = create_project(_input(area, longitude=Decimal("111.6612345"), latitude=Decimal("25.96")))
    db.session.commit()
    db.session.expire_all()
    assert (project.longitude, project.latitude) == (Decimal("111.661234"), Decimal("25.960000"))


def test_the_box_is_configuration(app):
    """LIANDONG_COUNTY_BBOX decides what is inside: another county's box refuses Shuangpai's points."""
    area = factories.make_area()
    app.config["COUNTY_BBOX"] = "116.0,39.5,117.0,40.5"
    with pytest.raises(PlanningError) as refused:
        create_project(_input(area, longitude=Decimal("111.66"), latitude=Decimal("25.96")))
    assert "longitude" in refused.value.errors
    assert create_project(_input(area, longitude=Decimal("116.40"), latitude=Decimal("39.90"))).id


def test_the_database_holds_both_or_neither(app):
    """A row with a longitude and no latitude is refused by the database itself."""
    project = factories.make_project()
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(Project.__table__.update().where(Project.id == project.id).values(longitude=111.66))
        db.session.flush()
    db.session.rollback()


def test_a_position_change_is_audited_and_cleared_together(app):
    """Changing and clearing the position goes through update_project (audited like any field)."""
    from audit.models import AuditEvent

    project = factories.make_project(status="proposed")
    db.session.commit()
    data = input_from_project(project)
    data.longitude, data.latitude = Decimal("111.7"), Decimal("25.8")
    update_project(project, data)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "project.update")
                               .order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.after is not None and str(event.after["longitude"]).startswith("111.7")
    data.longitude = data.latitude = None
    update_project(project, data)
    db.session.commit()
    assert project.longitude is None and project.latitude is None


# --- the form: GCJ-02 converted, with a note ------------------------------------------------------

def test_the_form_converts_gcj02_and_says_so(app, client, auth):
    """A planner who says the point comes from a GCJ-02 map gets the WGS84 point stored and told how far it moved;
    a WGS84 point is stored as typed."""
    project = factories.make_project(status="proposed")
    db.session.commit()
    auth.as_role("planner")
    form = client.get(f"/projects/{project.id}/edit", headers=EN).get_data(as_text=True)
    assert 'name="coordinate_system"' in form and 'name="longitude"' in form
    fields = _form_fields(form)
    typed_lon, typed_lat = wgs84_to_gcj02(111.66, 25.96)
    fields.update(longitude=f"{typed_lon:.6f}", latitude=f"{typed_lat:.6f}", coordinate_system="gcj02")
    page = client.post(f"/projects/{project.id}/edit", data=fields, headers=EN, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Converted from GCJ-02" in text
    db.session.expire_all()
    assert metres_between(111.66, 25.96, float(project.longitude), float(project.latitude)) < 0.5
    fields = _form_fields(client.get(f"/projects/{project.id}/edit").get_data(as_text=True))
    fields.update(longitude="111.7", latitude="25.8", coordinate_system="wgs84")
    client.post(f"/projects/{project.id}/edit", data=fields)
    db.session.expire_all()
    assert (project.longitude, project.latitude) == (Decimal("111.700000"), Decimal("25.800000"))
    fields = _form_fields(client.get(f"/projects/{project.id}/edit").get_data(as_text=True))
    fields.update(longitude="116.4", latitude="", coordinate_system="wgs84")
    refused = client.post(f"/projects/{project.id}/edit", data=fields, headers=EN).get_data(as_text=True)
    assert "needs both" in refused and "Latitude: " in refused


def _form_fields(html: str) -> dict[str, str]:
    """The named inputs' values and each select's selected option of a page's form."""
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body) or re.search(r'<option value="([^"]*)"', body)
        fields[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = body.strip()
    return fields


# --- the spreadsheet ------------------------------------------------------------------------------

def _run_import(data: bytes, name: str = "projects.xlsx"):
    sheets = read_import_file(data, name)
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name=name, sha256="x")
    if plan.ok:
        apply_import(plan, None)
        db.session.commit()
    return plan


def test_positions_round_trip_through_the_project_sheet(app):
    """The export writes 经度 and 纬度; re-imported it changes nothing; into an empty database it brings the
    positions back exactly."""
    county = make_county()
    factories.make_project(county["LB-YM"], code="POS-1", status="proposed", longitude=Decimal("111.661234"),
                           latitude=Decimal("25.960001"))
    factories.make_project(county["JC"], code="POS-2", status="proposed")
    db.session.commit()
    stream = BytesIO()
    write_projects(db.session.scalars(select(Project).order_by(Project.code)).all(), stream, "xlsx")
    sheet = load_workbook(BytesIO(stream.getvalue()))["项目"]
    headers = [cell.value for cell in sheet[1]]
    assert "经度" in headers and "纬度" in headers
    plan = _run_import(stream.getvalue())
    assert plan.problems == [] and plan.counts()["projects"]["unchanged"] == 2
    db.session.execute(Project.__table__.delete())
    db.session.commit()
    plan = _run_import(stream.getvalue())
    assert plan.problems == [] and plan.counts()["projects"]["new"] == 2
    stored = {p.code: (p.longitude, p.latitude) for p in db.session.scalars(select(Project))}
    assert stored == {"POS-1": (Decimal("111.661234"), Decimal("25.960001")), "POS-2": (None, None)}


def test_bad_positions_in_the_sheet_are_refused_by_row_and_column(app):
    """A point outside the county, a lone coordinate and degrees-minutes-seconds are each named with their
    row and column; nothing is imported."""
    make_county()
    db.session.commit()
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "项目"
    sheet.append(["项目编号", "项目名称", "项目类别", "乡镇", "总投资（元）", "经度", "纬度"])
    sheet.append(["B-1", "甲", "道路", "泷泊镇", 1000, 116.4, 39.9])
    sheet.append(["B-2", "乙", "道路", "泷泊镇", 1000, 111.66, None])
    sheet.append(["B-3", "丙", "道路", "泷泊镇", 1000, "111°39′36″", 25.96])
    sheet.append(["B-4", "丁", "道路", "泷泊镇", 1000, "111.66°", "２５.９６"])
    data = BytesIO()
    workbook.save(data)
    plan = _run_import(data.getvalue())
    problems = {(problem.row, problem.column) for problem in plan.problems}
    assert problems == {(2, "经度"), (2, "纬度"), (3, "纬度"), (4, "经度")}
    assert db.session.scalar(select(Project.id)) is None


def test_english_position_headers_import(app):
    """A sheet headed Longitude/Latitude imports its positions."""
    county = make_county()
    db.session.commit()
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Project code", "Project name", "Category", "Township", "Budget (yuan)", "Longitude",
                            "Latitude"])
    workbook.active.append(["E-1", "Road", "road", "JC", 500, "111.73", "25.78"])
    data = BytesIO()
    workbook.save(data)
    assert _run_import(data.getvalue()).problems == []
    project = db.session.scalar(select(Project).where(Project.code == "E-1"))
    assert project is not None and project.area_id == county["JC"].id
    assert (project.longitude, project.latitude) == (Decimal("111.730000"), Decimal("25.780000"))


# --- the map's data -------------------------------------------------------------------------------

def _placed(area, **fields) -> Project:
    return factories.make_project(area, longitude=Decimal("111.66"), latitude=Decimal("25.96"), **fields)


def test_map_json_is_data_not_html_and_filtered_like_the_list(app, client, auth):
    """Markers carry the name as a JSON string (a hostile name stays text, never HTML); the list's filters
    apply; projects without a position are counted, not placed."""
    county = make_county()
    hostile = _placed(county["LB-YM"], name='<img src=x onerror="alert(1)">&amp;', status="in_progress")
    _placed(county["JC-DT"], status="proposed")
    factories.make_project(county["JC"], status="in_progress")
    db.session.commit()
    auth.as_role("leader")
    response = client.get("/projects/map.json", headers=EN)
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["total"] == 3 and len(data["projects"]) == 2
    marker = next(m for m in data["projects"] if m["id"] == hostile.id)
    assert marker["name"] == '<img src=x onerror="alert(1)">&amp;'
    assert set(marker) == {"id", "code", "name", "place", "status", "status_label", "late", "progress", "budget",
                           "spent", "longitude", "latitude", "url"}
    assert marker["url"] == f"/projects/{hostile.id}" and marker["status_label"] == "In progress"
    filtered = client.get("/projects/map.json?status=in_progress").get_json()
    assert [m["id"] for m in filtered["projects"]] == [hostile.id] and filtered["total"] == 2
    assert client.get(f"/projects/map.json?area={county['JC'].id}").get_json()["total"] == 2
    assert client.get("/projects/map.json?area=x").status_code == 400


def test_late_projects_are_flagged(app, client, auth):
    """A live project with an unfinished milestone past its date is flagged late on the map."""
    from datetime import date

    project = _placed(factories.make_area(), status="in_progress")
    factories.make_milestone(project, planned_date=date(2026, 1, 10), progress_pct=20)
    db.session.commit()
    auth.as_role("auditor")
    assert client.get("/projects/map.json").get_json()["projects"][0]["late"] is True


def test_map_of_a_township_account_holds_its_own_projects_only(app, client):
    """A township's planner sees its own township's markers on the map and nothing of another's."""
    town, other = factories.make_area("JC"), factories.make_area("WLP")
    mine, theirs = _placed(factories.make_area("JC-1", parent=town)), _placed(factories.make_area("WLP-1", parent=other))
    staff = factories.make_user("planner", username="jiangcun")
    staff.area_id = town.id
    db.session.commit()
    client.post("/login", data={"username": "jiangcun", "password": factories.PASSWORD})
    data = client.get("/projects/map.json").get_json()
    assert [m["id"] for m in data["projects"]] == [mine.id] and data["total"] == 1
    assert client.get(f"/projects/map.json?area={other.id}").get_json()["projects"] == []
    assert theirs.id not in [m["id"] for m in data["projects"]]


def test_map_data_needs_signing_in(app, client):
    """Anonymous visitors get no markers and no outline: they are sent to sign in."""
    for url in ("/projects/map.json", "/projects/map/county.json", "/projects/map"):
        assert client.get(url).status_code == 302


def test_map_page_and_project_page_load_leaflet_from_the_app_only(app, client, auth):
    """The map page and a positioned project's page load the vendored Leaflet and map.js, from the app only,
    under the strict CSP; a project without a position has no map."""
    placed, unplaced = _placed(factories.make_area()), factories.make_project()
    db.session.commit()
    auth.as_role("leader")
    for url in ("/projects/map", f"/projects/{placed.id}"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert "vendor/leaflet/leaflet.js" in page and "static/map.js" in page and 'id="project-map"' in page
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert not re.search(r'(src|href)="(https?:)?//', page), url
        assert "<script>" not in page and " style=" not in page
    assert "project-map" not in client.get(f"/projects/{unplaced.id}").get_data(as_text=True)


@pytest.mark.unit
def test_map_script_writes_text_never_html_and_names_no_outside_address():
    """static/map.js builds popups with textContent (no innerHTML, no HTML strings) and adds no tile layer."""
    script = (ROOT / "static" / "map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "tileLayer" not in script and "http" not in script
    assert "textContent" in script
    leaflet = ROOT / "static" / "vendor" / "leaflet"
    assert (leaflet / "leaflet.js").read_text(encoding="utf-8").startswith("/* @preserve\n * Leaflet 1.9.4")
    assert "BSD 2-Clause" in (leaflet / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.unit
def test_public_pages_show_no_map():
    """Nothing of the map reaches the public pages: no Leaflet, no map script, no coordinates (map review)."""
    # The OC4IDS mapping places projects in internal exports only (tests/test_oc4ids.py proves the public one has no point).
    public = [*(ROOT / "templates" / "disclosure").rglob("*.html"),
              *(path for path in (ROOT / "disclosure").rglob("*.py") if path.parent.name != "oc4ids")]
    assert public
    for path in public:
        text = path.read_text(encoding="utf-8")
        for word in ("leaflet", "map.js", "longitude", "latitude", "project-map", "county.json"):
            assert word not in text.lower(), (path, word)


def test_the_positions_migration_goes_down_and_up_keeping_projects(app):
    """Downgrading the positions migration drops the two columns and keeps the projects; upgrading adds them
    back empty (on the test's own SQLite copy: PostgreSQL's workers share their schema)."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from tests.conftest import MIGRATIONS

    if db.engine.dialect.name != "sqlite":
        pytest.skip("changes the schema the other tests of this worker use")
    factories.make_project(code="MIG-1", longitude=Decimal("111.66"), latitude=Decimal("25.96"))
    db.session.commit()
    db.session.remove()
    script = ScriptDirectory(MIGRATIONS)
    ours = next(revision for revision in script.walk_revisions() if revision.path.endswith("_positions.py"))
    downgrade(directory=MIGRATIONS, revision=str(ours.down_revision))
    db.engine.dispose()
    assert {"longitude", "latitude"}.isdisjoint(column["name"] for column in inspect(db.engine).get_columns("project"))
    assert db.session.execute(select(Project.__table__.c.code)).scalars().all() == ["MIG-1"]
    db.session.remove()
    upgrade(directory=MIGRATIONS)
    db.engine.dispose()
    assert db.session.execute(select(Project.longitude)).scalars().all() == [None]
