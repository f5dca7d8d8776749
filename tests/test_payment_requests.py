"""Payment requests and maker–checker approval: a payment waits for a second person unless a fund
rule lets it through; only approval posts it; the preparer never approves; required documents."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from audit.models import AuditEvent
from core.errors import Refused
from documents.services import attach
from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, FundSource, Payment
from funds.requests import services
from funds.requests.approval import BoundApproval, binding_rule
from funds.requests.models import PaymentRequest
from funds.rules.params import PaymentApproval
from tests import factories

EN = {"Accept-Language": "en"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _funded(**source_fields):
    source = factories.make_source(received_fen=50_000_000, code="FIS-R", **source_fields)
    project = factories.make_project(code="SP-R-001")
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=20_000_000, entry_date=date(2026, 2, 1))
    db.session.commit()
    return source, project, milestone


def _form(project, milestone, **overrides):
    data = {"project_id": project.id, "milestone_id": milestone.id, "voucher_no": "记-7", "payee": "县公路建设公司",
            "paid_on": "2026-03-05", "amount": "8,000", "cost_category": "materials"}
    data.update(overrides)
    return data


def _prepare(client, source, project, milestone, **overrides):
    return client.post(f"/funds/sources/{source.id}/payments/new", data=_form(project, milestone, **overrides),
                       headers=EN)


def _request_of(voucher_no: str) -> PaymentRequest:
    return db.session.scalars(select(PaymentRequest).where(PaymentRequest.voucher_no == voucher_no)).one()


def _as(client, auth, user):
    auth.logout()
    assert auth.login(user.username).status_code == 302


def test_a_payment_waits_for_approval_and_moves_nothing(client, auth):
    """Without a payment_approval rule the payment page prepares a request: no payment, no balance moves,
    the request page says it waits, and the approver's navigation counts it."""
    source, project, milestone = _funded()
    approver = factories.make_approver("chief")
    db.session.commit()
    auth.as_role("finance")
    response = _prepare(client, source, project, milestone)
    item = _request_of("记-7")
    assert response.headers["Location"].endswith(f"/funds/requests/{item.id}")
    assert item.state == "waiting" and item.payment_id is None
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    assert db.session.get(FundSource, source.id).spent_fen == 0
    _as(client, auth, approver)
    page = client.get("/funds/requests", headers=EN).data.decode()
    assert "记-7" in page and '<span class="count" title="waiting for approval">1</span>' in page


def test_a_second_person_approves_and_the_payment_is_posted(client, auth):
    """Another finance account allowed to approve approves: the payment is on the ledger, balances move,
    and both steps are in the audit trail."""
    source, project, milestone = _funded()
    approver = factories.make_approver("chief")
    db.session.commit()
    auth.as_role("finance")
    _prepare(client, source, project, milestone)
    item = _request_of("记-7")
    _as(client, auth, approver)
    page = client.post(f"/funds/requests/{item.id}/approve", data={"reason": "核对无误"}, headers=EN,
                       follow_redirects=True).data.decode()
    assert "approved: payment 记-7 recorded" in page
    db.session.refresh(item)
    assert item.state == "approved" and item.decided_by_id == approver.id and item.payment is not None
    assert item.payment.amount_fen == 800_000 and db.session.get(FundSource, source.id).spent_fen == 800_000
    ledger_page = client.get(f"/funds/sources/{source.id}", headers=EN).data.decode()
    assert "记-7" in ledger_page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"payment_request.prepare", "payment_request.approve", "payment.create"} <= actions


def test_the_preparer_cannot_approve_even_with_the_right(client, auth, app):
    """A finance lead who prepared a request may not approve it (page and service), and the database
    refuses a decision by the preparer whatever path the write takes."""
    source, project, milestone = _funded()
    chief = factories.make_approver("chief")
    db.session.commit()
    auth.login("chief")
    _prepare(client, source, project, milestone)
    item = _request_of("记-7")
    page = client.post(f"/funds/requests/{item.id}/approve", data={}, headers=EN, follow_redirects=True).data.decode()
    assert "You prepared this payment request" in page
    db.session.refresh(item)
    assert item.state == "waiting" and db.session.scalar(select(func.count(Payment.id))) == 0
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE payment_request SET state = 'rejected', decided_by_id = :user, "
                                "decided_at = CURRENT_TIMESTAMP, decision_reason = 'x' WHERE id = :id"),
                           {"user": chief.id, "id": item.id})
        db.session.flush()
    db.session.rollback()


def test_a_finance_account_without_the_right_cannot_decide(client, auth):
    """An ordinary finance account sees the request but approving it is refused."""
    source, project, milestone = _funded()
    preparer = factories.make_user("finance", username="clerk")
    db.session.commit()
    auth.login("clerk")
    _prepare(client, source, project, milestone)
    item = _request_of("记-7")
    other = factories.make_user("finance", username="clerk2")
    db.session.commit()
    _as(client, auth, other)
    page = client.post(f"/funds/requests/{item.id}/approve", data={}, headers=EN, follow_redirects=True).data.decode()
    assert "may not approve payment requests" in page
    assert db.session.get(PaymentRequest, item.id).state == "waiting" and preparer.id == item.prepared_by_id


def test_rejecting_needs_a_reason_and_a_decided_request_stays_decided(client, auth):
    """Rejecting without a reason is refused; a rejected request cannot be approved afterwards and pays nothing."""
    source, project, milestone = _funded()
    approver = factories.make_approver("chief")
    db.session.commit()
    auth.as_role("finance")
    _prepare(client, source, project, milestone)
    item = _request_of("记-7")
    _as(client, auth, approver)
    page = client.post(f"/funds/requests/{item.id}/reject", data={"reason": " "}, headers=EN,
                       follow_redirects=True).data.decode()
    assert "Give the reason for rejecting the request." in page
    client.post(f"/funds/requests/{item.id}/reject", data={"reason": "发票抬头不符"}, headers=EN)
    page = client.post(f"/funds/requests/{item.id}/approve", data={}, headers=EN, follow_redirects=True).data.decode()
    assert "already decided" in page
    db.session.refresh(item)
    assert item.state == "rejected" and item.decision_reason == "发票抬头不符" and item.payment_id is None
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_an_approved_request_is_not_posted_twice(app):
    """Approving an approved request is refused: one payment."""
    source, project, milestone = _funded()
    clerk, chief = factories.make_user("finance"), factories.make_approver()
    item = services.prepare_request(services.PaymentInput(source, project, milestone, "记-9", "甲", date(2026, 3, 5),
                                                          500_000, "materials"), actor=clerk)
    services.approve_request(item, actor=chief)
    with pytest.raises(Refused, match="already decided"):
        services.approve_request(item, actor=chief)
    assert db.session.scalar(select(func.count(Payment.id))) == 1


def test_the_trial_run_of_a_request_keeps_the_events_recorded_before_it(app):
    """A request prepared in a transaction that already recorded events (a payment, say) drops only the
    trial's own events: the earlier ones and the request's are in the trail after the commit."""
    source, project, milestone = _funded()
    clerk = factories.make_user("finance", username="clerk-trial")
    db.session.commit()
    ledger.record_payment(source, project, milestone, voucher_no="记-先", payee="甲", paid_on=date(2026, 3, 4),
                          amount_fen=100_00, cost_category="materials", actor=clerk)
    services.prepare_request(services.PaymentInput(source, project, milestone, "记-后", "乙", date(2026, 3, 5),
                                                   200_00, "materials"), actor=clerk)
    db.session.commit()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["payment.create", "payment_request.prepare"]
    assert db.session.scalar(select(func.count(Payment.id))) == 1  # the trial posted nothing


def test_approval_refuses_a_payment_the_ledger_no_longer_allows_naming_the_field(app):
    """Balances moved after preparing: approval is refused naming the amount, and nothing is posted."""
    source, project, milestone = _funded()
    clerk, chief = factories.make_user("finance"), factories.make_approver()
    item = services.prepare_request(services.PaymentInput(source, project, milestone, "记-10", "甲", date(2026, 3, 5),
                                                          900_000, "materials"), actor=clerk)
    ledger.allocate(source, project, delta_fen=-19_500_000, entry_date=date(2026, 3, 6))
    with pytest.raises(Refused) as refused:
        services.approve_request(item, actor=chief)
    assert refused.value.field == "amount" and str(refused.value.message).startswith("Amount:")
    assert item.state == "waiting"


def test_preparing_refuses_what_the_ledger_would_refuse_and_stores_nothing(client, auth):
    """A request beyond the allocation is refused on the form at once, with the ledger's words."""
    source, project, milestone = _funded()
    auth.as_role("finance")
    page = _prepare(client, source, project, milestone, amount="300,000").data.decode()
    assert "only 200,000.00 yuan allocated and unspent" in page
    assert db.session.scalar(select(func.count(PaymentRequest.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment.create")) == 0


def test_approval_over_ten_thousand_yuan_needs_an_invoice(client, auth):
    """A request over 10,000 yuan is refused at approval naming the invoice; attached, it is approved."""
    source, project, milestone = _funded()
    approver = factories.make_approver("chief")
    db.session.commit()
    auth.as_role("finance")
    _prepare(client, source, project, milestone, amount="50,000")
    item = _request_of("记-7")
    clerk = db.session.get(type(approver), item.prepared_by_id)
    _as(client, auth, approver)
    page = client.post(f"/funds/requests/{item.id}/approve", data={}, headers=EN, follow_redirects=True).data.decode()
    assert "Approving a payment request needs a document of type “Invoice”" in page
    attach("payment_request", item.id, document_type="x_invoice", title="增值税发票", document_date=None,
           filename="发票.pdf", data=PDF_BYTES, actor=clerk)
    db.session.commit()
    client.post(f"/funds/requests/{item.id}/approve", data={}, headers=EN)
    assert db.session.get(PaymentRequest, item.id).state == "approved"
    assert db.session.get(Allocation, 1).spent_fen == 5_000_000


def test_a_rule_lets_small_payments_through_at_once(client, auth):
    """With a payment_approval rule over 10,000 yuan, a payment of 8,000 posts at once (request 'direct')
    and one of 12,000 waits."""
    source, project, milestone = _funded()
    factories.make_rule("payment_approval", {"above_fen": 1_000_000, "fiscal_year": 2026}, source=source)
    db.session.commit()
    auth.as_role("finance")
    response = _prepare(client, source, project, milestone)
    assert response.headers["Location"].endswith(f"/funds/sources/{source.id}#payments")
    assert _request_of("记-7").state == "direct" and _request_of("记-7").payment_id is not None
    _prepare(client, source, project, milestone, voucher_no="记-8", amount="12,000")
    assert _request_of("记-8").state == "waiting"


def test_the_narrowest_rule_decides():
    """A rule of the source beats one of its channel, which beats one for every source; a rule of
    another year is ignored; equally narrow, the strictest wins; none: every payment."""
    every, channel = BoundApproval(None, None, PaymentApproval(100)), BoundApproval(None, "fiscal", PaymentApproval(50))
    own, other_year = BoundApproval(7, None, PaymentApproval(500)), BoundApproval(7, None, PaymentApproval(9, 2025))
    assert binding_rule([], 7, "fiscal", 2026).above_fen == 0
    assert binding_rule([every, channel], 7, "fiscal", 2026).above_fen == 50
    assert binding_rule([every, channel, own, other_year], 7, "fiscal", 2026).above_fen == 500
    assert binding_rule([own, BoundApproval(7, None, PaymentApproval(200))], 7, "fiscal", 2026).above_fen == 200
    assert binding_rule([channel], 7, "loan", 2026).above_fen == 0
    assert binding_rule([other_year], 7, "fiscal", 2025).above_fen == 9


def test_the_administrator_grants_the_right_to_finance_only(client, auth):
    """The admin gives a finance account the right to approve (audited); a planner cannot get it."""
    clerk, planner = factories.make_user("finance", username="clerk"), factories.make_user("planner")
    db.session.commit()
    auth.as_role("admin")
    client.post(f"/admin/users/{clerk.id}", data={"role": "finance", "display_name": "张会计", "can_approve": "y"})
    assert db.session.get(type(clerk), clerk.id).can_approve
    page = client.post(f"/admin/users/{planner.id}", data={"role": "planner", "can_approve": "y"},
                       headers=EN).data.decode()
    assert "Only a finance account may approve payment requests." in page
    assert not db.session.get(type(planner), planner.id).can_approve


def test_finance_sets_the_approval_rule_as_data(client, auth):
    """The rule is entered in yuan on the fund-rule form, stored in fen, listed in words, and decides."""
    from funds.models import FundRule
    from funds.requests.approval import needs_approval

    source, _project, _milestone = _funded()
    auth.as_role("finance")
    client.post("/funds/rules/new?kind=payment_approval",
                data={"source_id": str(source.id), "above": "5,000", "fiscal_year": "2026", "active": "y"})
    rule = db.session.scalars(select(FundRule).where(FundRule.kind == "payment_approval")).one()
    assert rule.params == {"above_fen": 500_000, "fiscal_year": 2026} and rule.source_id == source.id
    page = client.get("/funds/rules", headers=EN).data.decode()
    assert "Payments over 5,000.00 yuan need approval (sources of 2026)" in page
    assert not needs_approval(source, 500_000) and needs_approval(source, 500_001)
