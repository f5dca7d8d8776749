"""Open data in OC4IDS: the demo's package validates with no schema error and no additional-check finding,
adds up, links its transactions to its own milestones, publishes only disclosed projects and nothing
personal; the command line exports and validates; the workbook matches the JSON."""
from __future__ import annotations

import copy
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from audit.models import AuditEvent
from auth.models import User
from contracts.models import Contractor
from disclosure.models import Notice
from disclosure.oc4ids import as_xlsx, build
from disclosure.oc4ids.checks import additional_findings, schema_errors
from disclosure.oc4ids.flatten import tables
from disclosure.oc4ids.mapping import amount, clean, project_package
from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, FundSource, Payment
from payroll.models import Worker
from projects.models import Project
from tests import factories
from tests.conftest import DEMO_DAY

TODAY = DEMO_DAY
INDIVIDUAL_PAYEE = "周某某"  # a person paid directly: never published


@pytest.fixture
def county(app):
    """The demo county as of TODAY (tests marked `demo`), with one payment to a person (no register entry, not wages)."""
    road = db.session.scalars(select(Project).where(Project.code == "SP-2026-001")).one()
    allocation = db.session.scalars(select(Allocation).where(Allocation.project_id == road.id,
                                                             Allocation.amount_fen > Allocation.spent_fen)).first()
    assert allocation is not None
    source = db.session.get_one(FundSource, allocation.source_id)
    factories.pays_without_approval(source)
    ledger.record_payment(source, road, road.milestones[0], voucher_no="V-PERSON", payee=INDIVIDUAL_PAYEE,
                          paid_on=TODAY, amount_fen=50_000, cost_category="other", today=TODAY)
    db.session.commit()
    return app


@pytest.mark.demo
def test_demo_package_validates_adds_up_links_milestones_and_holds_nothing_personal(county, client):
    """The disclosed demo (one seeding for all of it, the demo is slow to load): zero schema errors, zero
    additional-check findings; each project's budget breakdowns add up to its allocations; each
    transaction's milestone is one of its project's; the transactions add up to what the project spent
    (reversals negative). Only projects with a started notice leave (the public pages' rule); --all has
    every one. The workbook matches the JSON. /public/oc4ids.json and its workbook name no worker, no
    user, no individual payee, no contractor's legal representative, phone or bank account, no voucher;
    wages go to one aggregated payee."""
    package = build(today=TODAY)
    assert schema_errors(package) == []
    assert additional_findings(package) == []
    by_code = {p.code: p for p in db.session.scalars(select(Project))}
    for item in package["projects"]:
        project = by_code[item["id"].removeprefix("oc4ids-xxxxxx-")]
        lines = [line for breakdown in item.get("budget", {}).get("budgetBreakdowns", [])
                 for line in breakdown["budgetBreakdown"]]
        assert sum(round(line["amount"]["amount"] * 100) for line in lines) == project.allocated_fen, project.code
        milestone_ids = {m["id"] for m in item.get("milestones", [])}
        transactions = item.get("transactions", [])
        assert all(t["relatedImplementationMilestone"]["id"] in milestone_ids for t in transactions), project.code
        assert sum(round(t["value"]["amount"] * 100) for t in transactions) == project.spent_fen, project.code
    assert any(t["value"]["amount"] < 0 for item in package["projects"] for t in item.get("transactions", []))
    _workbook_matches(package)

    disclosed = {p["id"] for p in package["projects"]}
    everything = {p["id"] for p in build(all_projects=True, today=TODAY)["projects"]}
    started = set(db.session.scalars(select(Project.code).join(Notice, Notice.project_id == Project.id)
                                     .where(Notice.start_date <= TODAY)))
    assert disclosed == {f"oc4ids-xxxxxx-{code}" for code in started}
    assert len(everything) == len(db.session.scalars(select(Project.id)).all()) > len(disclosed)
    assert schema_errors(build(all_projects=True, today=TODAY)) == []

    body = client.get("/public/oc4ids.json").get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(client.get("/public/oc4ids.xlsx").data), read_only=True)
    cells = " ".join(str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)
    people = set(db.session.scalars(select(Worker.name)))
    people |= {name for name in db.session.scalars(select(User.display_name)) if name}
    people.add(INDIVIDUAL_PAYEE)
    for contractor in db.session.scalars(select(Contractor)):
        people |= {value for value in (contractor.legal_representative, contractor.contact_person,
                                       contractor.contact_phone, contractor.bank_account) if value}
    assert len(people) > 40
    assert [name for name in people if name in body or name in cells] == []
    quoted = set(db.session.scalars(select(Payment.voucher_no))) | set(db.session.scalars(select(User.username)))
    assert [value for value in quoted if f'"{value}"' in body] == []
    assert "务工人员" in body


def _workbook_matches(package):
    """The xlsx opens; its projects, transactions, milestones and parties sheets have as many rows as the
    JSON has of each, every row linked to its project's id."""
    workbook = load_workbook(io.BytesIO(as_xlsx(package)), read_only=True)
    counts = {sheet.title: sum(1 for _ in sheet.iter_rows(min_row=2)) for sheet in workbook.worksheets}
    projects = package["projects"]
    assert counts["projects"] == len(projects)
    for key in ("transactions", "milestones", "parties", "locations", "contractingProcesses"):
        assert counts[key] == sum(len(p.get(key, [])) for p in projects), key
    assert counts["budgetBreakdown"] == sum(len(b["budgetBreakdown"]) for p in projects
                                            for b in p.get("budget", {}).get("budgetBreakdowns", []))
    header = next(workbook["transactions"].iter_rows(max_row=1, values_only=True))
    assert header[0] == "projects/id"


def _small_county():
    """Two projects of a factory county, one disclosed (a notice has started), with a payment each."""
    shown, hidden = factories.make_project(code="SP-A"), factories.make_project(code="SP-B")
    source = factories.make_source(received_fen=10_000_000, pays_directly=True)
    for project in (shown, hidden):
        milestone = factories.make_milestone(project)
        ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date(2026, 1, 2))
        ledger.record_payment(source, project, milestone, voucher_no=f"V-{project.code}", payee="某公司",
                              paid_on=date(2026, 1, 3), amount_fen=10_000, cost_category="materials")
    db.session.add(Notice(project_id=shown.id, kind="fund_use", place="village_board", start_date=date(2026, 1, 5),
                          end_date=date(2026, 1, 20), snapshot={}))
    db.session.commit()


def test_cli_exports_disclosed_one_or_all_and_validates(app, runner, tmp_path):
    """`oc4ids export` writes the disclosed projects, `--project` one, `--all` every one; `oc4ids validate`
    passes the file and fails (exit 1, naming the path) a broken one."""
    _small_county()
    path = tmp_path / "package.json"
    result = runner.invoke(args=["oc4ids", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert [p["id"] for p in json.loads(path.read_text("utf-8"))["projects"]] == ["oc4ids-xxxxxx-SP-A"]
    assert runner.invoke(args=["oc4ids", "export", str(path), "--project", "SP-B"]).exit_code == 1
    assert runner.invoke(args=["oc4ids", "export", str(path), "--project", "SP-B", "--all"]).exit_code == 0
    assert [p["id"] for p in json.loads(path.read_text("utf-8"))["projects"]] == ["oc4ids-xxxxxx-SP-B"]
    assert runner.invoke(args=["oc4ids", "export", str(path), "--all"]).exit_code == 0
    assert len(json.loads(path.read_text("utf-8"))["projects"]) == 2
    exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "oc4ids.export")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.after or {}).get("disclosed_only") for e in exports] == [True, False, False]
    result = runner.invoke(args=["oc4ids", "validate", str(path)])
    assert result.exit_code == 0, result.output
    package = json.loads(path.read_text("utf-8"))
    package["projects"][0]["status"] = "suspended"
    del package["projects"][0]["budget"]["amount"]["currency"]
    path.write_text(json.dumps(package), "utf-8")
    result = runner.invoke(args=["oc4ids", "validate", str(path)])
    assert result.exit_code == 1
    assert "schema /projects/0/status" in result.output and "missing-currency /projects/0/budget/amount/" in result.output


@pytest.mark.unit
def test_additional_checks_find_what_the_review_tool_finds():
    """Empty fields, a value without currency, a party reference to no party, a milestone reference to
    another project's milestone, an id without prefix and a code off its list are each reported."""
    good = {"version": "0.9", "uri": "urn:x", "publishedDate": "2026-01-01T00:00:00Z", "publisher": {"name": "县"},
            "projects": [{"id": "oc4ids-abc123-P1", "parties": [{"id": "county", "name": "县", "roles": ["publicAuthority"]}],
                          "publicAuthority": {"id": "county", "name": "县"}, "sector": ["transport"],
                          "milestones": [{"id": "1", "title": "路基"}],
                          "transactions": [{"id": "t1", "value": amount(150),
                                            "payer": {"id": "county", "name": "县"},
                                            "relatedImplementationMilestone": {"id": "1"}}]}]}
    assert schema_errors(good) == [] and additional_findings(good) == []
    bad = copy.deepcopy(good)
    project = bad["projects"][0]
    project["id"], project["title"], project["sector"] = "P1", " ", ["roads"]
    project["transactions"][0]["value"] = {"amount": 1.5}
    project["transactions"][0]["payee"] = {"id": "nobody", "name": "某人"}
    project["transactions"][0]["relatedImplementationMilestone"] = {"id": "9"}
    found = {finding["check_id"]: finding["paths"] for finding in additional_findings(bad)}
    assert found == {"missing-values": ["/projects/0/title"], "missing-currency": ["/projects/0/transactions/0/value/"],
                     "missing-org-refs": ["/projects/0/transactions/0/payee/id"],
                     "missing-milestone-refs": ["/projects/0/transactions/0/relatedImplementationMilestone/id"],
                     "invalid-project-ids": ["/projects/0/id"], "codelist-values": ["/projects/0/sector/0 = roads"]}
    bad["publishedDate"] = "2026-01-01"
    assert [e for e in schema_errors(bad) if e.startswith("/publishedDate")]


@pytest.mark.unit
def test_flattening_links_rows_and_stays_formula_safe():
    """Nested lists become their own tables linked by id; a title typed as a formula stays text in the workbook."""
    package = {"projects": [{"id": "P1", "title": "=HYPERLINK(\"http://x\")", "sector": ["a", "b"],
                             "budget": {"amount": amount(12_345), "budgetBreakdowns": [
                                 {"id": "sources", "budgetBreakdown": [{"id": "S1", "amount": amount(100)}]}]}}]}
    found = tables(package)
    assert found["projects"][1] == [{"id": "P1", "title": "=HYPERLINK(\"http://x\")", "sector": "a;b",
                                     "budget/amount/amount": 123.45, "budget/amount/currency": "CNY"}]
    assert found["budgetBreakdown"][1] == [{"projects/id": "P1", "budgetBreakdowns/id": "sources", "id": "S1",
                                            "amount/amount": 1, "amount/currency": "CNY"}]
    sheet = load_workbook(io.BytesIO(as_xlsx(package)))["projects"]
    assert sheet["B2"].value == "'=HYPERLINK(\"http://x\")" and sheet["B2"].data_type == "s"
    assert clean({"a": " ", "b": [], "c": {"d": None}, "e": [{"f": ""}], "g": 0}) == {"g": 0}


def test_geometry_is_a_point_when_a_project_has_a_position(app):
    """A placed project is located by a GeoJSON Point, longitude first, in the internal export (--all);
    what is published names the place as text only (map review)."""
    project = factories.make_project(longitude=Decimal("111.66"), latitude=Decimal("25.96"))
    db.session.commit()
    [item] = build(all_projects=True, code=project.code)["projects"]
    assert item["locations"][0]["geometry"] == {"type": "Point", "coordinates": [111.66, 25.96]}
    [published] = project_package([project], uri="https://example.org/oc4ids.json")["projects"]
    assert "geometry" not in published["locations"][0] and published["locations"][0]["description"]


def test_public_open_data_is_built_once_per_data_version(app, client, monkeypatch):
    """/public/oc4ids.json and .xlsx build the package once while nothing changes, and again after a change
    (404 while nothing is disclosed); the public index links both."""
    import disclosure.public_views as views
    from audit.services import record

    assert client.get("/public/oc4ids.json").status_code == 404  # nothing disclosed yet
    _small_county()
    builds = []
    real = views.build
    monkeypatch.setattr(views, "build", lambda **kwargs: builds.append(1) or real(**kwargs))
    first = client.get("/public/oc4ids.json")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=300"
    assert json.loads(first.data)["projects"][0]["id"] == "oc4ids-xxxxxx-SP-A"
    assert client.get("/public/oc4ids.xlsx").status_code == 200 and client.get("/public/oc4ids.json").data == first.data
    assert len(builds) == 1
    index = client.get("/public/").get_data(as_text=True)
    assert 'href="/public/oc4ids.json"' in index and 'href="/public/oc4ids.xlsx"' in index
    record("project.update", object_type="project", object_id=1, after={"name": "改"})
    db.session.commit()
    client.get("/public/oc4ids.json")
    assert len(builds) == 2


@pytest.mark.unit
def test_every_liandong_status_category_and_method_has_its_oc4ids_code():
    """Each status, category, nature and procurement method maps onto codes of the OC4IDS lists (suspended
    stays in implementation; community buildings, village platforms and grid management are governance)."""
    from contracts.models import METHODS as CONTRACT_METHODS
    from disclosure.oc4ids import mapping
    from disclosure.oc4ids.checks import _codes
    from projects.models import CATEGORIES, NATURES, STATUSES

    assert set(mapping.STATUS) == set(STATUSES) and set(mapping.STATUS.values()) <= _codes("projectStatus.csv")
    assert mapping.STATUS["suspended"] == "implementation"
    assert set(mapping.SECTORS) == set(CATEGORIES)
    assert {code for codes in mapping.SECTORS.values() for code in codes} <= _codes("projectSector.csv")
    assert all("governance" in mapping.SECTORS[c] for c in ("community_building", "village_platform", "grid_management"))
    assert set(mapping.PROJECT_TYPES) == set(NATURES) and set(mapping.PROJECT_TYPES.values()) <= _codes("projectType.csv")
    assert set(mapping.METHODS) == set(CONTRACT_METHODS) and set(mapping.METHODS.values()) <= _codes("method.csv")
    assert set(mapping.CATEGORY_NAMES) == set(CATEGORIES) and set(mapping.STATUS_NAMES) == set(STATUSES)


def test_a_contractor_without_a_credit_code_is_not_published(app):
    """A contractor carried over from a project's free text without a credit code (the name could be a
    person's) is neither a party nor a payee: the payment to it is listed without one."""
    project = factories.make_project(contractor="王五")
    milestone = factories.make_milestone(project)
    db.session.add(Contractor(name="王五"))
    source = factories.make_source(received_fen=1_000_000, pays_directly=True)
    ledger.allocate(source, project, delta_fen=500_000, entry_date=date(2026, 1, 2))
    ledger.record_payment(source, project, milestone, voucher_no="V-OLD", payee="王五", paid_on=date(2026, 1, 3),
                          amount_fen=1000, cost_category="materials")
    db.session.commit()
    package = build(all_projects=True, code=project.code)
    assert "王五" not in json.dumps(package, ensure_ascii=False)
    [item] = package["projects"]
    assert [("payee" in row, row["value"]["amount"]) for row in item["transactions"]] == [(False, 10)]
    assert additional_findings(package) == [] and schema_errors(package) == []


def test_validate_refuses_hostile_files_naming_the_problem(app, runner, tmp_path, monkeypatch):
    """`oc4ids validate` refuses a file over its size limit before reading it, and a file nested
    deeper than any package, each with exit 1 and a message, never a traceback."""
    import disclosure.oc4ids.cli as cli

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    result = runner.invoke(args=["oc4ids", "validate", str(deep)])
    assert result.exit_code == 1 and "nested too deeply" in result.output, result.output
    monkeypatch.setattr(cli, "MAX_PACKAGE_BYTES", 1000)
    result = runner.invoke(args=["oc4ids", "validate", str(deep)])
    assert result.exit_code == 1 and "400000 bytes" in result.output
