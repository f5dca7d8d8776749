"""Assets after acceptance (资产移交): the draft an acceptance makes, the value changed only with a reason,
the handover, the register and its exports, the check `asset_not_handed_over`, who may do what, and
the migration."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from assets import overdue, register, services
from assets.models import Asset
from assets.overdue import AcceptedProject, overdue_projects
from audit.models import AuditEvent
from core.errors import Refused
from extensions import db
from funds.ledger import services as ledger
from projects.models import Project, ProjectChange
from projects.services import change_status
from tests import factories

TODAY = date(2026, 11, 27)


def _spent_project(area=None, spent_fen: int = 12_345_678, **fields) -> Project:
    """A completed project that spent `spent_fen` through the ledger."""
    values = dict(status="completed", actual_start=date(2026, 1, 1), actual_end=date(2026, 6, 30),
                  scale_quantity=Decimal("3.5"), scale_unit="km")
    values.update(fields)
    project = factories.make_project(area, **values)
    milestone = factories.make_milestone(project, progress_pct=100, actual_date=date(2026, 6, 1))
    source = factories.make_source(received_fen=spent_fen)
    ledger.allocate(source, project, delta_fen=spent_fen, entry_date=date(2026, 1, 2))
    ledger.record_payment(source, project, milestone, voucher_no=f"V-{project.code}", payee="某公司",
                          paid_on=date(2026, 3, 1), amount_fen=spent_fen, cost_category="materials")
    return project


def _asset(project: Project, **fields) -> Asset:
    values = dict(project_id=project.id, asset_class="public_welfare", name="通村公路", value_fen=100_000)
    values.update(fields)
    asset = Asset(**values)
    db.session.add(asset)
    db.session.flush()
    return asset


def _handover(**fields) -> services.Handover:
    values = dict(owner_type="village_collective", owner_name="大塘村股份经济合作社", custodian="大塘村村委会",
                  handed_over_on=date(2026, 7, 15))
    values.update(fields)
    return services.Handover(**values)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_accepting_a_project_drafts_one_asset_from_it(app, gates_lifted):
    """Accepting a completed project creates one draft asset named as the project, its scale as the
    quantity, what it spent as the value; the draft is recorded in the audit trail."""
    project = _spent_project()
    db.session.commit()
    change_status(project, "accepted", actor=factories.make_user("planner"))
    db.session.commit()
    [asset] = db.session.scalars(select(Asset).where(Asset.project_id == project.id)).all()
    assert (asset.name, asset.quantity, asset.unit, asset.value_fen) == (project.name, Decimal("3.5"), "km", 12_345_678)
    assert asset.asset_class == "public_welfare" and not asset.handed_over
    [event] = _events("asset.create")
    assert event.after["value_fen"] == 12_345_678


def test_a_new_value_needs_a_reason_and_is_audited(app):
    """Changing the value without a reason is refused on the reason field and stores nothing; with one,
    the old and new value and the reason are in the audit trail."""
    asset = _asset(factories.make_project(), value_fen=100_000)
    db.session.commit()
    data = services.AssetInput("public_welfare", "通村公路", Decimal("3.5"), "km", 98_000, 60)
    with pytest.raises(Refused) as refused:
        services.update_asset(asset, data)
    assert refused.value.field == "reason"
    db.session.rollback()
    assert db.session.get_one(Asset, asset.id).value_fen == 100_000
    services.update_asset(asset, services.AssetInput("public_welfare", "通村公路", Decimal("3.5"), "km", 98_000, 60,
                                                     reason="竣工决算审定"))
    db.session.commit()
    [event] = _events("asset.update")
    assert event.before["value_fen"] == 100_000
    assert event.after["value_fen"] == 98_000 and event.after["reason"] == "竣工决算审定"


def test_the_edit_page_asks_for_the_reason(client, auth):
    """Through the page: a new value without a reason comes back with the reason's message; with one it saves."""
    asset = _asset(factories.make_project(), value_fen=100_000)
    db.session.commit()
    auth.as_role("finance")
    form = {"asset_class": "operating", "name": "光伏电站", "value": "1,200.50", "unit": "kW", "quantity": "60"}
    response = client.post(f"/assets/{asset.id}/edit", data=form, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and b"Say why the value differs" in response.data
    response = client.post(f"/assets/{asset.id}/edit", data=form | {"reason": "审计调整"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get_one(Asset, asset.id)
    assert (stored.asset_class, stored.value_fen, stored.quantity) == ("operating", 120_050, Decimal("60"))


def test_another_asset_only_on_an_accepted_project(app):
    """An accepted project takes a second asset (audited, a draft); a project not yet accepted none."""
    accepted, running = factories.make_project(status="accepted"), factories.make_project(status="in_progress")
    data = services.AssetInput("household", "到户光伏", Decimal("12"), "户", 360_000, 120)
    with pytest.raises(Refused):
        services.add_asset(running, data)
    asset = services.add_asset(accepted, data)
    db.session.commit()
    assert (asset.asset_class, asset.value_fen, asset.handed_over) == ("household", 360_000, False)
    assert _events("asset.add")[0].after["quantity"] == "12"


def test_hand_over_names_owner_custodian_and_a_document_of_the_project(app):
    """A handover without an owner or custodian, dated in the future or citing another project's document
    is refused; a good one is stored once, with its document, and audited; the database refuses a
    handover date without an owner."""
    project, other = factories.make_project(), factories.make_project()
    asset = _asset(project)
    mine = factories.attach_document("project", project.id, "x_acceptanceReport", "移交清单")
    theirs = factories.attach_document("project", other.id, "x_acceptanceReport", "别的项目")
    db.session.commit()
    for handover, field in ((_handover(custodian=" "), "custodian"), (_handover(owner_type="x"), "owner_type"),
                            (_handover(handed_over_on=date(2026, 11, 28)), "handed_over_on"),
                            (_handover(document_id=theirs.id), "document_id")):
        with pytest.raises(Refused) as refused:
            services.hand_over(asset, handover, today=TODAY)
        assert refused.value.field == field
    services.hand_over(asset, _handover(document_id=mine.id), today=TODAY)
    db.session.commit()
    assert asset.handed_over and asset.document_id == mine.id
    assert _events("asset.handover")[0].after["custodian"] == "大塘村村委会"
    with pytest.raises(Refused):
        services.hand_over(asset, _handover(), today=TODAY)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        _asset(project, handed_over_on=date(2026, 7, 1))
    db.session.rollback()


def test_overdue_counts_days_from_acceptance_hand_computed():
    """Accepted 1 March with 30 days: due by 31 March, not on the list that day, one day late on 1 April;
    a project with an asset handed over, or with no acceptance day, never."""
    accepted = AcceptedProject(1, "P-1", "路", date(2026, 3, 1), handed_over=False)
    assert overdue_projects([accepted], 30, date(2026, 3, 31)) == []
    [late] = overdue_projects([accepted], 30, date(2026, 4, 1))
    assert (late.due_by, late.days_late) == (date(2026, 3, 31), 1)
    handed = AcceptedProject(2, "P-2", "桥", date(2026, 1, 1), handed_over=True)
    undated = AcceptedProject(3, "P-3", "房", None, handed_over=False)
    assert overdue_projects([handed, undated], 30, date(2026, 12, 1)) == []


def test_the_check_reads_the_beijing_day_of_acceptance_and_reaches_checks_json(app, runner, client, auth):
    """Accepted at 17:00 UTC on 1 March (Beijing 2 March) with 30 days: listed by `checks --json` from
    2 April (not on 1 April), named with its days; a project accepted before moves were recorded counts
    from its actual end; handing over an asset takes a project off; the checks page shows the section."""
    app.config["ASSET_HANDOVER_DAYS"] = 30
    moved = factories.make_project(status="accepted", actual_end=date(2026, 2, 1))
    db.session.add(ProjectChange(project_id=moved.id, field="status", old_value="completed", new_value="accepted",
                                 reason="-", at=datetime(2026, 3, 1, 17, 0)))
    old = factories.make_project(status="accepted", actual_end=date(2026, 2, 1))
    handed = factories.make_project(status="accepted", actual_end=date(2026, 2, 1))
    _asset(handed, owner_type="township", owner_name="某乡", custodian="某乡", handed_over_on=date(2026, 2, 2))
    db.session.commit()

    def listed(day: str) -> dict[str, dict]:
        result = runner.invoke(args=["checks", "--json", "--today", day])
        assert result.exit_code == 0, result.output
        return {row["project_code"]: row for row in json.loads(result.output) if row["kind"] == overdue.KIND}

    assert set(listed("2026-04-01")) == {old.code}  # old: actual end 1 Feb, due by 3 March
    row = listed("2026-04-02")[moved.code]
    assert row["detail"] == {"accepted_on": "2026-03-02", "due_by": "2026-04-01", "days": 30, "days_late": 1}
    auth.as_role("auditor")
    page = client.get("/funds/checks").get_data(as_text=True)
    assert 'id="asset-not-handed-over"' in page and moved.code in page and handed.code not in page


def _register_county():
    """Three assets in two townships: a handed-over road, a draft building, a handed-over household asset
    whose name a spreadsheet would run as a formula."""
    east, west = factories.make_area("EAST"), factories.make_area("WEST")
    road = factories.make_project(factories.make_area("EAST-V", parent=east), status="accepted", code="A-ROAD")
    hall = factories.make_project(west, status="accepted", code="B-HALL")
    _asset(road, name="通村公路", value_fen=315_000_012, quantity=Decimal("3.500"), unit="km", maintenance_months=60,
           owner_type="village_collective", owner_name="岭上村", custodian="岭上村村委会", handed_over_on=date(2026, 2, 1))
    _asset(hall, name="服务用房", asset_class="public_welfare", value_fen=68_000_000)
    _asset(road, name="=HYPERLINK(\"http://x\")", asset_class="household", value_fen=1, owner_type="household",
           owner_name="李建国", custodian="李建国", handed_over_on=date(2026, 2, 3))
    db.session.commit()
    return east, west


def test_register_filters_by_class_owner_township_and_handover(app):
    """Each filter keeps exactly the assets it names; together they narrow further."""
    east, west = _register_county()

    def names(**filters) -> list[str]:
        return [row.asset.name for row in register.register_rows(register.RegisterFilters(**filters))]

    assert len(names()) == 3
    assert names(asset_class="household") == ["=HYPERLINK(\"http://x\")"]
    assert names(owner_type="village_collective") == ["通村公路"]
    assert names(township_id=west.id) == ["服务用房"]
    assert sorted(names(township_id=east.id, handed="yes")) == sorted(["通村公路", "=HYPERLINK(\"http://x\")"])
    assert names(handed="no") == ["服务用房"]


def test_register_export_xlsx_has_exact_values_and_neutralised_formulas(client, auth):
    """The .xlsx export as filtered: amounts as exact numbers, dates as dates, a formula-looking name as
    text; the export is recorded."""
    east, _west = _register_county()
    auth.as_role("leader")
    response = client.get(f"/assets/export.xlsx?township={east.id}&lang=en", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Project code", "Project name", "Town or township", "Class of asset", "Asset", "Quantity",
                           "Unit", "Asset value (yuan)")
    road = next(row for row in rows[1:] if row[4] == "通村公路")
    assert road[7] == 3_150_000.12 and road[5] == 3.5 and road[11] == datetime(2026, 2, 1) and road[12] == 60
    assert any(row[4] == "'=HYPERLINK(\"http://x\")" for row in rows[1:]) and len(rows) == 3
    assert _events("asset.export")[0].after["rows"] == 2


def test_cli_export_writes_the_same_columns_formula_safe(app, runner, tmp_path):
    """`flask assets export FILE.csv`: UTF-8 with BOM, the register's columns, codes, money to the fen,
    formulas neutralised."""
    _register_county()
    path = tmp_path / "assets.csv"
    result = runner.invoke(args=["assets", "export", str(path)])
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(register.CSV_HEADERS) and len(rows[0]) == len(register.HEADERS)
    road = next(row for row in rows if row[4] == "通村公路")
    assert road[3:12] == ["public_welfare", "通村公路", "3.5", "km", "3150000.12", "village_collective", "岭上村",
                          "岭上村村委会", "2026-02-01"]
    assert any(row[4] == "'=HYPERLINK(\"http://x\")" for row in rows)


def test_township_staff_read_their_areas_assets_only_and_change_none(client):
    """A township's account sees its own area's assets in the register and export, never another's, and
    is refused the edit and handover pages."""
    east, _west = _register_county()
    staff = factories.make_user("planner", username="east-staff")
    staff.area_id = east.id
    db.session.commit()
    client.post("/login", data={"username": "east-staff", "password": factories.PASSWORD})
    page = client.get("/assets/").get_data(as_text=True)
    assert "A-ROAD" in page and "B-HALL" not in page
    csv_text = client.get("/assets/export.csv").get_data(as_text=True)
    assert "A-ROAD" in csv_text and "B-HALL" not in csv_text
    asset_id = db.session.scalar(select(Asset.id).where(Asset.name == "通村公路"))
    assert client.get(f"/assets/{asset_id}/edit").status_code == 403
    assert client.get(f"/assets/{asset_id}/handover").status_code == 403


def test_the_project_page_offers_hand_over_to_planning_and_finance_only(client, auth):
    """A draft asset shows on its accepted project's page with "Hand over" for planning, not for a leader."""
    project = factories.make_project(status="accepted")
    asset = _asset(project)
    db.session.commit()
    auth.as_role("leader")
    page = client.get(f"/projects/{project.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="assets"' in page and f"/assets/{asset.id}/handover" not in page
    client.post("/logout")
    auth.as_role("planner")
    page = client.get(f"/projects/{project.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert f"/assets/{asset.id}/handover" in page and "移交" in page


def test_the_migration_adds_and_removes_the_asset_table(app):
    """Downgrading the assets migration drops the table; upgrading builds it again, with its handover CHECK."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import MIGRATIONS

    db.session.remove()
    downgrade(directory=MIGRATIONS, revision="0024")
    assert "asset" not in db.inspect(db.engine).get_table_names()
    upgrade(directory=MIGRATIONS)
    assert "asset" in db.inspect(db.engine).get_table_names()
    project = factories.make_project()
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("INSERT INTO asset (project_id, asset_class, name, unit, value_fen, owner_name, "
                                "custodian, handed_over_on, created_at) VALUES (:p, 'operating', 'x', '', 1, '', '', "
                                "'2026-01-01', '2026-01-01 00:00:00')"), {"p": project.id})
    db.session.rollback()


def test_the_checks_page_lists_the_first_overdue_and_links_to_every_one_a_page_at_a_time(app, client, auth,
                                                                                       monkeypatch):
    """Three projects past their days with two shown on the checks page: it counts three and links to
    /assets/overdue, which lists them two a page, the longest late first."""
    monkeypatch.setattr(overdue, "CHECKS_SHOWN", 2)
    app.config["ASSET_HANDOVER_DAYS"], app.config["PAGE_SIZE"] = 30, 2
    for number, end in enumerate((date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1))):
        factories.make_project(status="accepted", actual_end=end, code=f"OV-{number}")
    db.session.commit()
    auth.as_role("leader")
    checks = client.get("/funds/checks", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Assets not handed over (3)" in checks and "OV-2" not in checks
    assert "All 3 accepted projects with no asset handed over" in checks
    first = client.get("/assets/overdue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    second = client.get("/assets/overdue?page=2").get_data(as_text=True)
    assert "OV-0" in first and "OV-1" in first and "OV-2" not in first and "Page 1 of 2" in first
    assert "OV-2" in second and "OV-0" not in second
