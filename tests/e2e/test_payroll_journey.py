"""In a real browser, in both languages: finance imports a roster, then a month's payroll (a line that
does not add up first, refused by row and column), posts it as one wages payment, downloads the bank's
batch file, and sees the wage share read from the payroll (the technician left out)."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from extensions import db
from funds.ledger import services as ledger
from tests import factories
from tests.payroll_builders import funded_project, payroll_csv, payroll_rows, roster_csv

TEXT = {
    "zh-CN": {"roster": "导入花名册", "payroll": "导入工资表", "post": "发放工资", "bank": "银行代发文件（.xlsx）",
              "rows": "第", "share": "27.00%", "posted": "已发放"},
    "en-US": {"roster": "Import roster", "payroll": "Import payroll", "post": "Post payroll",
              "bank": "Bank batch file (.xlsx)", "rows": "Row", "share": "27.00%", "posted": "Posted"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_roster_payroll_post_bank_file_wage_share(browser, live_server, sign_in, locale, tmp_path):
    """Roster (5) -> payroll refused on its row -> payroll of 10 (one technician) -> posted -> bank file
    -> the checks read 27% from the payroll."""
    source, project, milestone = funded_project()
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    ledger.record_payment(source, project, milestone, voucher_no="CL-1", payee="石料厂", paid_on=date(2026, 3, 20),
                          amount_fen=7_000_000, cost_category="materials")
    factories.make_user("finance", username="finance1")
    db.session.commit()
    words = TEXT[locale]
    page = browser.new_context(locale=locale, accept_downloads=True).new_page()
    sign_in(page, "finance1", factories.PASSWORD)

    page.goto(f"{live_server}/projects/{project.id}")
    page.locator(f"a[href='/payroll/projects/{project.id}']").first.click()
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(roster_csv(5))
    page.set_input_files("#roster-file", str(roster))
    page.get_by_role("button", name=words["roster"]).click()
    expect(page.locator("#roster + .table-scroll")).to_contain_text("工人5")

    rows = payroll_rows(10, managers=1)
    bad = [list(row) for row in rows]
    bad[3][7] = "2999"
    sheet = tmp_path / "工资表.csv"
    sheet.write_bytes(payroll_csv(bad))
    page.fill("#payroll-month", "2026-03")
    page.set_input_files("#payroll-file", str(sheet))
    page.get_by_role("button", name=words["payroll"]).click()
    expect(page.locator(".problems")).to_contain_text("应发金额")
    expect(page.locator(".problems")).to_contain_text("5")

    sheet.write_bytes(payroll_csv(rows, total="30000"))
    page.fill("#payroll-month", "2026-03")
    page.set_input_files("#payroll-file", str(sheet))
    page.get_by_role("button", name=words["payroll"]).click()
    page.fill("#paid_on", "2026-04-10")
    page.get_by_role("button", name=words["post"]).click()
    expect(page.locator(".facts")).to_contain_text(words["posted"])
    expect(page.locator(".facts")).to_contain_text("30,000.00")
    with page.expect_download() as download:
        page.get_by_role("link", name=words["bank"]).click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{live_server}/funds/checks")
    expect(page.locator("main")).to_contain_text(project.code)
    expect(page.locator("main")).to_contain_text(words["share"])
