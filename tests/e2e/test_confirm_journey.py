"""In a real browser, under the Content-Security-Policy (no inline script): consequential actions ask
in a dialog, and without script on a page; the payment form changes project without reloading; the
keyboard finds a skip link and sees where it is."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from auth.models import User
from extensions import db
from funds.ledger import services as ledger
from funds.models import FundRule, MonthClose, Payment
from tests import factories


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    return errors


def test_closing_a_month_asks_in_a_dialog_first(browser, live_server, sign_in):
    """Cancel in the dialog closes nothing and gives the focus back; Confirm closes the month."""
    factories.make_user("finance", username="cashier")
    source = factories.make_source(pays_directly=True, received_fen=1_000, code="FIS-D")
    db.session.commit()
    page = browser.new_context(locale="en-US").new_page()
    errors = _csp_errors(page)
    sign_in(page, "cashier", factories.PASSWORD)
    page.goto(f"{live_server}/funds/sources/{source.id}")
    page.fill("#close-period", "2026/01")
    close = page.locator("form", has=page.locator("#close-period")).get_by_role("button")
    close.click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Close 2026/01 of FIS-D?")  # the month as typed in the field
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(close).to_be_focused()
    expect(close).to_be_enabled()
    assert db.session.scalar(select(MonthClose.id)) is None
    close.click()
    dialog.get_by_role("button", name="Close month").click()
    expect(page.locator(".flash-success")).to_contain_text("Month 2026-01 closed.")
    assert db.session.scalar(select(MonthClose.period)) == 202601
    assert errors == []


def test_without_script_the_server_asks_on_a_page(browser, live_server, sign_in):
    """With script off, disabling an account or switching a rule off shows a page that asks; confirming
    it acts."""
    factories.make_user("admin", username="chief")
    factories.make_user("leader", username="zhao")
    factories.make_rule("wage_share_floor")
    db.session.commit()
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "chief", factories.PASSWORD)
    page.goto(f"{live_server}/admin/")
    page.locator("tr", has_text="zhao").get_by_role("button", name="Disable").click()
    expect(page.locator("h1")).to_have_text("Disable the account zhao?")
    page.get_by_role("button", name="Disable").click()
    expect(page.locator(".flash-success")).to_contain_text("zhao disabled")
    page.goto(f"{live_server}/funds/rules")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.locator("h1")).to_contain_text("Switch off rule")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(r"/funds/rules"))
    db.session.expire_all()
    assert db.session.scalar(select(User.active).where(User.username == "zhao")) is False
    assert db.session.scalar(select(FundRule.active)) is True
    context.close()


def test_payment_form_changes_project_in_place(browser, live_server, sign_in):
    """Typed values and the focus stay when another project is chosen with the keyboard; its milestones
    replace the list; the payment is then saved against the chosen one."""
    factories.make_user("finance", username="cashier")
    source = factories.make_source(pays_directly=True, received_fen=10_000_000, code="FIS-F")
    projects = []
    for code, milestone_name in (("SP-F-001", "路基"), ("SP-F-002", "桥梁下部结构")):
        project = factories.make_project(code=code, actual_start=date(2026, 1, 5))
        factories.make_milestone(project, name=milestone_name)
        ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date(2026, 1, 2))
        projects.append(project)
    db.session.commit()
    page = browser.new_context(locale="zh-CN").new_page()
    errors = _csp_errors(page)
    sign_in(page, "cashier", factories.PASSWORD)
    page.goto(f"{live_server}/funds/sources/{source.id}/payments/new")
    page.fill("#voucher_no", "记-F-1")
    page.fill("#payee", "双牌县某某劳务合作社")
    url = page.url
    page.focus("#project_id")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#milestone_id option")).to_have_text([re.compile("桥梁下部结构")])
    assert page.url == url
    expect(page.locator("#project_id")).to_be_focused()
    expect(page.locator("#voucher_no")).to_have_value("记-F-1")
    expect(page.locator("button[name=choose]")).to_have_count(0)
    page.fill("#paid_on", "2026-03-10")
    page.fill("#amount", "1,000")
    page.select_option("#cost_category", "wages")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("记-F-1")
    payment = db.session.scalar(select(Payment))
    assert (payment.project_id, payment.payee) == (projects[1].id, "双牌县某某劳务合作社")
    assert errors == []


def test_keyboard_skips_to_the_content_and_sees_the_focus(browser, live_server, sign_in):
    """The first Tab reaches the skip link, which moves the focus to the page's content; a focused link
    is outlined."""
    factories.make_user("leader", username="lead")
    db.session.commit()
    page = browser.new_context(locale="zh-CN").new_page()
    sign_in(page, "lead", factories.PASSWORD)
    page.goto(f"{live_server}/projects/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
