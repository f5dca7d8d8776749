"""Finance, in a real browser: allocate, pay against a milestone, import a statement, match the
leftover by hand, close the month — in Chinese and in English."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from funds.models import MonthClose, Payment, StatementLine
from tests import factories
from tests.spreadsheet_builders import csv_bytes

WORDS = {"zh-CN": {"allocate": "分配资金", "pay": "登记支付", "save": "保存", "reconcile": "对账",
                   "import": "导入并勾对", "match": "勾对所选流水与支付", "close": "月结"},
         "en-US": {"allocate": "Allocate money", "pay": "Record a payment", "save": "Save", "reconcile": "Reconcile",
                   "import": "Import and match", "match": "Match the chosen line and payment", "close": "Close month"}}
STATEMENT = [["交易日期", "摘要", "对方户名", "支出金额", "收入金额"],
             ["2026-03-10", "付记-E-1号 工程款", "双牌某某建筑工程 有限公司", "30,000.00", ""],
             ["2026-03-13", "劳务费", "某某劳务队", "２０,０００.００", ""]]


def _pay(page, words, voucher, payee, amount, category):
    page.get_by_role("link", name=words["pay"]).first.click()
    page.fill("#voucher_no", voucher)
    page.fill("#payee", payee)
    page.fill("#paid_on", "2026-03-10")
    page.fill("#amount", amount)
    page.select_option("#cost_category", category)  # nothing is chosen for the user
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".flash-success")).to_contain_text(voucher)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_finance_allocates_pays_reconciles_and_closes(browser, live_server, sign_in, tmp_path, locale):
    """The whole monthly cycle through the pages, ending with March closed and every line matched."""
    factories.make_user("finance", username="cashier")
    project = factories.make_project(code="SP-E-001", name="江村镇大塘村通组公路")
    factories.make_milestone(project, name="路基工程", planned_date=date(2026, 5, 1))
    source = factories.make_source(pays_directly=True, received_fen=100_000_000, code="FIS-E")
    db.session.commit()
    words = WORDS[locale]
    statement = tmp_path / "流水.csv"
    statement.write_bytes(csv_bytes(STATEMENT, "gb18030"))
    page = browser.new_context(locale=locale).new_page()
    sign_in(page, "cashier", factories.PASSWORD)
    page.goto(f"{live_server}/funds/sources/{source.id}")

    page.get_by_role("link", name=words["allocate"]).first.click()
    page.select_option("#project_id", str(project.id))
    page.fill("#amount", "10万")
    page.fill("#entry_date", "2026-02-01")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".flash-success")).to_contain_text("SP-E-001")

    _pay(page, words, "记-E-1", "双牌某某建筑工程有限公司（示例）", "30,000", "materials")
    _pay(page, words, "记-E-2", "双牌县泷泊镇劳务合作社", "20000", "wages")

    page.get_by_role("link", name=words["reconcile"]).click()
    page.goto(f"{live_server}/funds/sources/{source.id}/statements")
    page.set_input_files("input[type=file]", str(statement))
    page.get_by_role("button", name=words["import"]).click()
    expect(page).to_have_url(re.compile(r"/reconcile\?period=2026-03"))
    page.check("input[name=line_id]")
    page.check("input[name=payment_id]")
    page.get_by_role("button", name=words["match"]).click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"{live_server}/funds/sources/{source.id}")
    page.fill("#close-period", "2026/03")  # any way a month is written
    page.locator("form", has=page.locator("#close-period")).get_by_role("button").click()
    page.locator("#confirm-dialog").get_by_role("button", name=words["close"]).click()
    expect(page.locator(".flash-success")).to_contain_text("2026-03")

    db.session.expire_all()
    assert db.session.scalar(select(MonthClose.period)) == 202603
    lines = db.session.scalars(select(StatementLine).order_by(StatementLine.row_number)).all()
    vouchers = {p.id: p.voucher_no for p in db.session.scalars(select(Payment))}
    assert [vouchers[line.payment_id] for line in lines] == ["记-E-1", "记-E-2"]
    assert lines[0].match_method != "manual" and lines[1].match_method == "manual"
