"""Payrolls through the payment approval step (maker–checker for wages): posting from a source whose
payments need approval submits one payment request of the total and freezes the payroll; approval
posts it (the payment linked, equal to the total), rejection returns it to draft; sources that pay
directly post at once. A reversed payroll payment reopens the payroll, which is posted again."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from core.errors import Refused
from extensions import db
from funds.ledger.services import reverse_payment
from funds.models import Payment
from funds.requests.models import PaymentRequest
from funds.requests.services import approve_request, reject_request
from payroll.models import Payroll
from payroll.payrolls import LineInput, add_line, create_payroll, post_payroll
from payroll.services import WorkerInput, add_worker
from projects.models import Project
from tests import factories
from tests.payroll_builders import funded_project, id_number, payroll_csv, payroll_rows
from tests.test_demo import unnamed_field_keys

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _draft(project, source, milestone, period: int = 202603, serial: int = 1) -> Payroll:
    worker = add_worker(project, WorkerInput(name=f"审批{serial}", id_number=id_number(serial)))
    return create_payroll(project, source, milestone, period=period,
                          lines=[LineInput(worker, Decimal(20), 15_000, 300_000)])


def _submitted():
    source, project, milestone = funded_project(pays_directly=False)
    clerk = factories.make_user("finance", username="clerk")
    lead = factories.make_approver("lead")
    payroll = _draft(project, source, milestone)
    request = post_payroll(payroll, paid_on=date(2026, 4, 10), actor=clerk)
    db.session.commit()
    return source, payroll, request, clerk, lead


def _actions(payroll_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "payroll", AuditEvent.object_id == str(payroll_id)).order_by(AuditEvent.id)))


def test_posting_where_approval_exists_submits_one_request_of_the_total(app):
    """One waiting wages request of the total, the payroll's milestone and source; no payment; the payroll
    submitted and frozen (no line joins, a second post is refused)."""
    source, payroll, request, clerk, _lead = _submitted()
    assert isinstance(request, PaymentRequest) and request.state == "waiting"
    assert (request.amount_fen, request.cost_category, request.source_id, request.milestone_id,
            request.prepared_by_id) == (300_000, "wages", source.id, payroll.milestone_id, clerk.id)
    assert (payroll.status, payroll.request_id, payroll.payment_id) == ("submitted", request.id, None)
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    with pytest.raises(Refused, match="waiting for approval"):
        post_payroll(payroll, paid_on=date(2026, 4, 11), actor=clerk)
    db.session.rollback()
    other = add_worker(db.session.get_one(Project, payroll.project_id), WorkerInput(name="迟到", id_number=id_number(9)))
    with pytest.raises(Refused):
        add_line(payroll, LineInput(other, Decimal(1), 15_000, 15_000))
    db.session.rollback()


def test_approval_posts_the_payroll_with_its_payment(app):
    """The lead's approval pays the request and links the payment to the payroll: total == amount."""
    _source, payroll, request, _clerk, lead = _submitted()
    payment = approve_request(request, actor=lead, today=date(2026, 4, 10))
    db.session.commit()
    db.session.refresh(payroll)
    assert (payroll.status, payroll.payment_id, payroll.payment_amount_fen) == ("posted", payment.id, 300_000)
    assert payroll.request_id == request.id and payment.cost_category == "wages"
    assert _actions(payroll.id) == ["payroll.create", "payroll.submit", "payroll.post"]


def test_rejection_returns_the_payroll_to_draft_and_it_can_be_posted_again(app):
    """A rejected request leaves no payment; the payroll is a draft again (audited) and a new post
    submits a new request."""
    _source, payroll, request, clerk, lead = _submitted()
    reject_request(request, actor=lead, reason="考勤表缺签字")
    db.session.commit()
    db.session.refresh(payroll)
    assert (payroll.status, payroll.request_id) == ("draft", None)
    again = post_payroll(payroll, paid_on=date(2026, 4, 12), actor=clerk)
    assert isinstance(again, PaymentRequest) and again.id != request.id and payroll.status == "submitted"
    db.session.commit()
    assert _actions(payroll.id) == ["payroll.create", "payroll.submit", "payroll.reopen", "payroll.submit"]
    with app.test_request_context():
        assert unnamed_field_keys() == ([], [])


def test_source_paying_directly_posts_at_once(app):
    """No approval needed: one wages payment at once, no request."""
    source, project, milestone = funded_project()
    payroll = _draft(project, source, milestone)
    payment = post_payroll(payroll, paid_on=date(2026, 4, 10))
    db.session.commit()
    assert isinstance(payment, Payment) and payroll.status == "posted" and payroll.request_id is None
    assert db.session.scalar(select(func.count(PaymentRequest.id))) == 0


def test_command_submits_with_user_and_names_the_request(app, runner, tmp_path):
    """`flask payroll import --json --user clerk` on a source needing approval prints status submitted,
    "payment": null and "payment_request": its number; without --user it is refused, nothing stored."""
    source, project, milestone = funded_project(pays_directly=False)
    factories.make_user("finance", username="clerk")
    db.session.commit()
    path = tmp_path / "工资表.csv"
    path.write_bytes(payroll_csv(payroll_rows(2, days="10", rate="150")))
    args = ["payroll", "import", str(path), "--project", project.code, "--source", source.code,
            "--milestone", str(milestone.sequence), "--month", "2026-03", "--paid-on", "2026-04-05", "--json"]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "--user" in refused.output
    assert db.session.scalar(select(Payroll.id)) is None
    result = runner.invoke(args=[*args, "--user", "clerk"])
    assert result.exit_code == 0, result.output
    request_id = db.session.scalar(select(PaymentRequest.id))
    assert json.loads(result.output) == {"workers": 2, "new_workers": 2, "total_yuan": "3000.00",
                                         "status": "submitted", "payment": None, "payment_request": request_id}


def test_reversing_a_payroll_payment_reopens_the_payroll(app):
    """The payment reversed: the payroll is a draft again (audited with the reason), and posting it again
    pays it with a new voucher (the first one stays with the reversed payment)."""
    source, project, milestone = funded_project()
    payroll = _draft(project, source, milestone)
    first = post_payroll(payroll, paid_on=date(2026, 4, 10))
    assert isinstance(first, Payment)
    reverse_payment(first, voucher_no="CX-1", reversed_on=date(2026, 4, 20), reason="银行退回：卡号错误")
    db.session.commit()
    db.session.refresh(payroll)
    assert (payroll.status, payroll.payment_id, payroll.payment_amount_fen) == ("draft", None, None)
    reopened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payroll.reopen")).one()
    assert "银行退回" in json.dumps(reopened.after, ensure_ascii=False)
    second = post_payroll(payroll, paid_on=date(2026, 4, 25))
    db.session.commit()
    assert isinstance(second, Payment) and second.voucher_no == f"GZ-{project.code}-202603-2"
    assert (payroll.status, payroll.payment_id) == ("posted", second.id)
    with app.test_request_context():
        assert unnamed_field_keys() == ([], [])


def test_payroll_page_shows_it_waiting_with_its_request(app, client, auth):
    """A submitted payroll's page says it waits for approval, links its request and offers no post form."""
    _source, payroll, request, _clerk, _lead = _submitted()
    auth.as_role("finance")
    page = client.get(f"/payroll/payrolls/{payroll.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Waiting for approval" in page and f"/funds/requests/{request.id}" in page
    assert f"/payroll/payrolls/{payroll.id}/post" not in page
