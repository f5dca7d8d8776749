"""Real county files in a real browser, in Chinese: a project sheet written with the county's own words
and one value the import does not know, mapped on the web and remembered; a whole-year bank statement
over a closed month, whose held lines the preview and the outcome count."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import StatementLine
from funds.reconcile import views as reconcile_views
from funds.reconcile.services import import_statement
from import_values.models import ImportValue
from projects.imports import views as import_views
from projects.models import Project
from tests import factories
from tests.spreadsheet_builders import PROJECT_HEADERS, csv_bytes, make_county, project_line, xlsx_bytes

SHEET = [["双牌县2026年为民办实事项目（示例）"], PROJECT_HEADERS,
         project_line("XS-01", category="宽带"),  # new rows are proposals: the gates refuse one entered approved
         project_line("XS-02", category="村级综合服务平台", township="泷泊", area="阳明社区居委会"),
         project_line("XS-03", category="通村公路", township="江村镇", area="大塘"),
         project_line("XS-04", category="综治中心", status="计划")]
HEADERS = ["交易日期", "摘要", "对方户名", "支出金额", "收入金额", "凭证号"]
JANUARY = ["2026-01-15", "付记-2026-0001号 路基工程款", "永州某某路桥建设有限公司", "10,000.00", "", ""]
YEAR = [JANUARY, ["2026-01-31", "手续费", "", "15.00", "", ""],
        ["2026-03-10", "付记-2026-0002号 材料款", "双牌某某建材有限公司", "2,500.00", "", ""]]


def _upload(page, live_server, path):
    page.goto(f"{live_server}/projects/import")
    page.set_input_files("input[type=file]", str(path))
    page.click("form[data-upload-progress] button[type=submit]")


def test_county_sheet_with_synonyms_and_one_value_mapped_on_the_web(browser, live_server, sign_in, monkeypatch,
                                                                    tmp_path):
    """宽带, 村级综合服务平台, 通村公路, 泷泊 ... import as they are; 综治中心 is asked about, mapped to 网格化管理
    and remembered, so the same sheet uploaded again goes straight to a clean preview."""
    monkeypatch.setattr(import_views, "_folder", lambda: tmp_path / "uploads")
    factories.make_user("planner", username="planner1")
    make_county()
    db.session.commit()
    workbook = tmp_path / "县项目表.xlsx"
    workbook.write_bytes(xlsx_bytes(("2026年项目", SHEET)))
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, "planner1", factories.PASSWORD)

    _upload(page, live_server, workbook)
    expect(page).to_have_url(re.compile(r"/projects/import/[0-9a-f]{32}/values$"))
    row = page.locator("tr", has_text="综治中心")
    expect(row).to_contain_text("项目类别")
    row.locator("select").select_option(label="网格化管理")
    page.get_by_role("button", name="记住并预览").click()
    expect(page).to_have_url(re.compile(r"/preview$"))
    expect(page.get_by_text("已记住 1 个值的对应关系")).to_be_visible()
    page.get_by_role("button", name="立即导入").click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    db.session.expire_all()
    stored = dict(db.session.execute(select(Project.code, Project.category)).all())
    assert stored == {"XS-01": "telecom", "XS-02": "village_platform", "XS-03": "road", "XS-04": "grid_management"}
    assert db.session.scalar(select(ImportValue.code)) == "grid_management"

    _upload(page, live_server, workbook)
    expect(page).to_have_url(re.compile(r"/preview$"))
    expect(page.get_by_role("button", name="完成")).to_be_visible()  # nothing left to ask, nothing changes

    page.goto(f"{live_server}/imports/values")
    expect(page.locator("tr", has_text="综治中心")).to_contain_text("网格化管理")


def test_statement_over_a_closed_month_holds_its_new_lines(browser, live_server, sign_in, monkeypatch, tmp_path):
    """January is closed; the year's statement previews 1 line held apart in 2026-01, imports on confirm
    (March matched), says how many were held, and January's page lists the held line with the reason."""
    monkeypatch.setattr(reconcile_views, "_folder", lambda: tmp_path / "uploads")
    factories.make_user("finance", username="cashier")
    project = factories.make_project(code="SP-H-001")
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000, code="FIS-H")
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 10))
    for number, (payee, day, fen) in enumerate([("永州某某路桥建设有限公司", date(2026, 1, 15), 1_000_000),
                                                ("双牌某某建材有限公司", date(2026, 3, 10), 250_000)], start=1):
        ledger.record_payment(source, project, milestone, voucher_no=f"记-2026-{number:04d}", payee=payee,
                              paid_on=day, amount_fen=fen, cost_category="materials")
    import_statement(source, csv_bytes([HEADERS, JANUARY], "gb18030"), "一月.csv")
    ledger.close_month(source, 202601, today=date(2026, 12, 1))
    db.session.commit()
    year = tmp_path / "2026全年流水.csv"
    year.write_bytes(csv_bytes([HEADERS] + YEAR, "gb18030"))
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, "cashier", factories.PASSWORD)

    page.goto(f"{live_server}/funds/sources/{source.id}/statements")
    page.set_input_files("input[type=file]", str(year))
    page.get_by_role("button", name="导入并勾对").click()
    expect(page).to_have_url(re.compile(r"/statements/[0-9a-f]{32}/preview$"))
    expect(page.get_by_text("新流水中有 1 条日期在已结账月份（2026-01），将暂挂。")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(StatementLine.id))) == 1  # nothing stored before confirming
    page.get_by_role("button", name="导入并勾对").click()
    expect(page).to_have_url(re.compile(r"/reconcile\?period=2026-03"))
    expect(page.locator(".flash-success")).to_contain_text("已结账月份的 1 条新流水已暂挂")

    page.goto(f"{live_server}/funds/sources/{source.id}/reconcile?period=202601")
    held = page.locator("table", has=page.get_by_text("该月已结账：重新打开该月后方可对账。"))
    expect(held).to_contain_text("15.00")
    db.session.expire_all()
    assert db.session.scalar(select(StatementLine.held_reason).where(StatementLine.summary == "手续费")) == "month_closed"
