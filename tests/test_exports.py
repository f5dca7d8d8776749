"""The exports people asked for and the payment search: the payment ledger (one source or all, as
filtered), the checks, the earned-value tables and the project list with its money and progress, as
.xlsx and .csv, formula-safe and audited; an export is no change of data for the report cache."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from audit.models import AuditEvent
from extensions import db
from funds.ledger import services as ledger
from reports.cache.store import data_version
from tests import factories

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def _ledger():
    """Two sources paying one project: a formula for a payee, a reversal, three months."""
    project = factories.make_project(code="SP-X-001", name="江村镇大塘村通组公路", progress_bp=4250)
    milestone = factories.make_milestone(project)
    county = factories.make_source(received_fen=100_000_000, code="FIS-X")
    relief = factories.make_source(received_fen=100_000_000, code="WFR-X", channel="work_for_relief")
    for source in (county, relief):
        ledger.allocate(source, project, delta_fen=50_000_000, entry_date=date(2026, 1, 2))
    rows = [(county, "记-X-0001", "=HYPERLINK(\"http://x\",\"y\")", date(2026, 1, 5), 300_000),
            (county, "记-X-0002", "双牌某某建筑工程有限公司", date(2026, 2, 10), 1_234_567),
            (relief, "记-X-0003", "务工群众工资（大塘村）", date(2026, 3, 1), 500_000)]
    payments = [ledger.record_payment(source, project, milestone, voucher_no=voucher, payee=payee, paid_on=day,
                                      amount_fen=fen, cost_category="materials") for source, voucher, payee, day, fen in rows]
    ledger.reverse_payment(payments[1], voucher_no="记-X-0002-冲", reversed_on=date(2026, 2, 12), reason="金额录错")
    db.session.commit()
    return project, county, relief


def _rows(response) -> list[tuple]:
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_county_ledger_searches_by_voucher_payee_or_amount(client, auth):
    """The county-wide ledger finds a payment by part of its voucher number, its payee, or its amount
    (the reversal of that amount too), and narrows by source and months."""
    _ledger()
    auth.as_role("leader")

    def vouchers(query: str) -> set[str]:
        page = client.get(f"/funds/payments?{query}", headers=EN).data.decode()
        return {voucher for voucher in ("记-X-0001", "记-X-0002-冲", "记-X-0002", "记-X-0003")
                if f">{voucher}<" in page}

    assert vouchers("") == {"记-X-0001", "记-X-0002", "记-X-0002-冲", "记-X-0003"}
    assert vouchers("q=0003") == {"记-X-0003"}
    assert vouchers("q=务工群众") == {"记-X-0003"}
    assert vouchers("q=12,345.67") == {"记-X-0002", "记-X-0002-冲"}
    assert vouchers("q=3000") == {"记-X-0001"}  # 3,000 yuan; no voucher holds "3000"
    assert vouchers("from=2026/2&to=202602") == {"记-X-0002", "记-X-0002-冲"}
    source_id = db.session.scalar(select(factories.FundSource.id).where(factories.FundSource.code == "WFR-X"))
    assert vouchers(f"source={source_id}") == {"记-X-0003"}


def test_payment_ledger_exports_as_filtered_formula_safe_and_audited(client, auth):
    """One source's payments as .xlsx (exact yuan, dates, the formula neutralised) and the county's as
    CSV; each export is an audit event and leaves the reports' data version as it was."""
    _project, county, _relief = _ledger()
    auth.as_role("leader")
    version = data_version()
    xlsx = client.get(f"/funds/payments/export.xlsx?source={county.id}", headers=ZH)
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].startswith("attachment; filename=payments-")
    rows = _rows(xlsx)
    assert rows[0][:4] == ("日期", "凭证号", "收款人", "金额（元）")
    assert [row[1] for row in rows[1:]] == ["记-X-0001", "记-X-0002", "记-X-0002-冲"]
    assert rows[1][2] == "'=HYPERLINK(\"http://x\",\"y\")" and rows[2][3] == 12345.67 and rows[3][3] == -12345.67
    assert rows[3][9:11] == ("记-X-0002", "金额录错")
    text = client.get("/funds/payments/export.csv?q=务工", headers=EN).data.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("2026-03-01,记-X-0003,务工群众工资（大塘村）,5000.00,WFR-X,SP-X-001")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.export")
                                .order_by(AuditEvent.id)).all()
    assert [(event.after["rows"], event.after["format"]) for event in events] == [(3, "xlsx"), (1, "csv")]
    assert data_version() == version


def test_a_source_ledger_searches_and_links_its_export(client, auth):
    """On a source's page the search narrows its payments and the export links carry the same filter."""
    _project, county, _relief = _ledger()
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{county.id}?q=双牌", headers=EN).data.decode()
    assert ">记-X-0002<" in page and ">记-X-0001<" not in page
    assert f"/funds/payments/export.xlsx?source={county.id}&amp;q=" in page


def test_checks_export_lists_the_breaches_as_filtered(client, auth):
    """The checks page's breaches come as a spreadsheet with the kind, project, source and message."""
    project, _county, relief = _ledger()
    factories.make_rule("wage_share_floor", channel="work_for_relief")
    db.session.commit()
    auth.as_role("auditor")
    rows = _rows(client.get("/funds/checks/export.xlsx?kind=wage_share_below_floor", headers=EN))
    assert rows[0] == ("Kind of breach", "Project code", "Project name", "Fund source", "What is wrong", "Rule")
    assert [(row[0], row[1], row[3]) for row in rows[1:]] == [("Wage share below the floor", "SP-X-001", "WFR-X")]
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "checks.export"))["rows"] == 1
    assert relief and project


def test_earned_value_export_holds_the_ranking_the_sources_and_the_portfolio(client, auth):
    """The earned-value tables as .xlsx: the projects as ranked, each source, the portfolio; CSV gives the
    projects (or ?table=sources)."""
    _ledger()
    auth.as_role("leader")
    book = load_workbook(BytesIO(client.get("/reports/earned-value/export.xlsx", headers=EN).data))
    assert book.sheetnames == ["Projects", "Fund sources", "Portfolio"]
    projects = [tuple(row) for row in book["Projects"].iter_rows(values_only=True)]
    assert projects[0][:4] == ("Project code", "Project name", "Status", "Budget at completion BAC (yuan)")
    assert projects[1][0] == "SP-X-001" and projects[1][3] == 100_000 and projects[1][6] == 8000  # BAC: its plan
    sources = client.get("/reports/earned-value/export.csv?table=sources", headers=EN).data.decode("utf-8-sig")
    assert sources.splitlines()[0].startswith("Fund source,Name,") and "FIS-X" in sources and "WFR-X" in sources


def test_project_list_export_has_allocated_spent_and_progress(client, auth):
    """The project list exported from the web carries allocated, spent and physical progress."""
    _ledger()
    auth.as_role("leader")
    rows = _rows(client.get("/projects/export.xlsx", headers=EN))
    header, row = rows[0], rows[1]
    start = header.index("已分配资金（元）")
    assert header[start:start + 3] == ("已分配资金（元）", "已支付（元）", "实物进度（%）")
    assert row[0] == "SP-X-001" and row[start:start + 3] == (1_000_000, 8_000, 42.5)


def test_project_export_carries_the_library_entry_and_the_indicators(client, auth):
    """The workbook export has each project's library fields, and its indicators on a sheet of their own
    (a re-import skips both)."""
    from decimal import Decimal

    project = factories.make_project(code="SP-LIB-01", nature="new", beneficiaries="大塘村", beneficiary_count=320,
                                     beneficiary_poverty_count=41, benefit_linkage="务工优先", library_year=2026)
    factories.make_target(project, actual_value=Decimal("2.1"))
    db.session.commit()
    auth.as_role("leader")
    book = load_workbook(BytesIO(client.get("/projects/export.xlsx").data))
    header, row = (tuple(cells) for cells in list(book["项目"].iter_rows(values_only=True))[:2])
    assert dict(zip(header, row))["建设性质"] == "新建" and dict(zip(header, row))["受益人数"] == 320
    assert dict(zip(header, row))["利益联结机制"] == "务工优先" and dict(zip(header, row))["入库年度"] == 2026
    targets = list(book["绩效指标"].iter_rows(values_only=True))
    assert targets[1][:8] == ("SP-LIB-01", "产出指标", "数量指标", "硬化道路长度", "≥", "2.4", "公里", "2.1")


def test_an_export_keeps_the_cached_reports(client, auth, app):
    """Exporting (even an export naming a project) is audited but no change of data: the data version,
    and with it every report already computed, stay as they were; a real change moves it."""
    project, county, _relief = _ledger()
    auth.as_role("leader")
    version = data_version()
    assert client.get("/projects/export.csv").status_code == 200  # its audit event names the projects
    assert data_version() == version
    for url in ("/funds/checks/export.csv", "/reports/earned-value/export.csv",
                f"/funds/payments/export.csv?source={county.id}"):
        assert client.get(url).status_code == 200, url
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())).endswith(".export")
    assert data_version() == version
    ledger.allocate(county, project, delta_fen=100, entry_date=date(2026, 4, 1))
    db.session.commit()
    assert data_version() != version
