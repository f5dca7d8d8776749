"""In a real browser, in both languages: finance prepares a payment request and attaches the invoice;
the preparer cannot approve it; a second person, allowed to approve, sees it counted in the
navigation, approves it, and the payment shows on the ledger."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from funds.ledger import services as ledger
from funds.models import Payment
from funds.requests.models import PaymentRequest
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = {
    "zh-CN": {"save": "保存", "attach": "上传", "prepared": "已填报", "own": "由您填报", "approve": "审批通过并支付",
              "approved": "已审批通过", "requests": "支付申请", "invoice_needed": "发票"},
    "en-US": {"save": "Save", "attach": "Attach", "prepared": "prepared", "own": "You prepared this request",
              "approve": "Approve and pay", "approved": "approved", "requests": "Payment requests",
              "invoice_needed": "Invoice"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_request_with_invoice_approved_by_a_second_person(browser, live_server, sign_in, locale, tmp_path):
    """Request (50,000 yuan) -> invoice attached -> the preparer (who may approve others') is offered no
    approval -> a second approver approves -> the payment is on the source's ledger."""
    source = factories.make_source(received_fen=10_000_000, code="FIS-A")
    project = factories.make_project(code="SP-A-001", actual_start=date(2026, 1, 5))
    factories.make_milestone(project, name="路基")
    ledger.allocate(source, project, delta_fen=8_000_000, entry_date=date(2026, 1, 2))
    factories.make_approver("clerk")
    factories.make_approver("chief")
    db.session.commit()
    words = TEXT[locale]
    clerk = browser.new_context(locale=locale).new_page()
    sign_in(clerk, "clerk", factories.PASSWORD)
    clerk.goto(f"{live_server}/funds/sources/{source.id}/payments/new")
    clerk.fill("#voucher_no", "记-A-1")
    clerk.fill("#payee", "双牌县路桥工程有限公司")
    clerk.fill("#paid_on", "2026-03-10")
    clerk.fill("#amount", "5万")
    clerk.select_option("#cost_category", "materials")
    clerk.get_by_role("button", name=words["save"]).click()
    expect(clerk.locator(".flash-success")).to_contain_text(words["prepared"])
    expect(clerk.locator(".flash-warning")).to_contain_text(words["invoice_needed"])
    expect(clerk.locator("p.hint", has_text=words["own"])).to_be_visible()
    expect(clerk.get_by_role("button", name=words["approve"])).to_have_count(0)  # no self-approval
    invoice = tmp_path / "发票.pdf"
    invoice.write_bytes(PDF)
    clerk.select_option(".attach-document select[name=document_type]", "x_invoice")
    clerk.set_input_files(".attach-document input[name=file]", str(invoice))
    clerk.get_by_role("button", name=words["attach"], exact=True).click()
    expect(clerk.locator("table.documents")).to_contain_text("发票.pdf")
    expect(clerk.locator(".flash-warning")).to_have_count(0)
    clerk.context.close()
    assert db.session.scalar(select(Payment.id)) is None

    chief = browser.new_context(locale=locale).new_page()
    sign_in(chief, "chief", factories.PASSWORD)
    nav = chief.locator("nav.mainnav a", has_text=words["requests"])
    expect(nav.locator(".count")).to_have_text("1")
    nav.click()
    chief.locator("table.requests a", has_text="记-A-1").click()
    chief.fill("#reason", "发票核对无误")
    chief.get_by_role("button", name=words["approve"]).click()
    expect(chief.locator(".flash-success")).to_contain_text(words["approved"])
    chief.goto(f"{live_server}/funds/sources/{source.id}")
    expect(chief.locator("body")).to_contain_text("记-A-1")
    item = db.session.scalars(select(PaymentRequest)).one()
    assert item.state == "approved" and item.payment is not None and item.payment.amount_fen == 5_000_000
