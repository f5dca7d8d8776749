"""Posting payrolls released together (real HTTP on the live server, on SQLite and on PostgreSQL):
one payroll posted six times at once is paid once; two payrolls whose totals the allocation can only
pay one of are paid one; a payroll submitted for approval is paid once whether its request is approved
while finance posts it again or by several approvers at once; every posted payroll stays equal to its
payment (the invariants check it)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import Payment
from funds.requests.models import PaymentRequest
from payroll.models import Payroll
from payroll.payrolls import LineInput, create_payroll, post_payroll
from payroll.services import WorkerInput, add_worker
from tests import factories
from tests.http_session import HttpSession
from tests.payroll_builders import id_number
from tests.test_races import release_together


def _draft(project, source, milestone, period: int, serial: int, rate_fen: int = 15_000) -> Payroll:
    worker = add_worker(project, WorkerInput(name=f"并发{serial}", id_number=id_number(serial)))
    return create_payroll(project, source, milestone, period=period,
                          lines=[LineInput(worker, Decimal(20), rate_fen, 20 * rate_fen)])


def _sessions(live_server: str, count: int) -> list[HttpSession]:
    sessions = []
    for _ in range(count):
        session = HttpSession(live_server)
        session.login("poster", factories.PASSWORD)
        sessions.append(session)
    return sessions


def _post_all(sessions, payroll_ids):
    calls = []
    for session, payroll_id in zip(sessions, payroll_ids, strict=True):
        token = session.form_tokens(f"/payroll/payrolls/{payroll_id}")
        calls.append(lambda session=session, token=token, payroll_id=payroll_id: session.post_with_token(
            f"/payroll/payrolls/{payroll_id}/post", {"paid_on": "2026-04-10", "voucher_no": ""}, token))
    return release_together(calls)


def _setup(allocated_fen: int):
    source = factories.make_source(received_fen=100_000_000, channel="work_for_relief", level="central",
                                   pays_directly=True)
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=allocated_fen, entry_date=date(2026, 1, 5))
    factories.make_user("finance", username="poster")
    return source, project, milestone


def test_one_payroll_posted_six_times_at_once_is_paid_once(app, live_server):
    """Six posts of one payroll leave together: one wages payment of its total, the rest refused, no 500."""
    source, project, milestone = _setup(50_000_000)
    payroll = _draft(project, source, milestone, 202603, 1)
    db.session.commit()
    statuses = _post_all(_sessions(live_server, 6), [payroll.id] * 6)
    assert 500 not in statuses and sorted(statuses) == [200] + [400] * 5  # 200: the redirect followed
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Payment.id)).where(Payment.source_id == source.id)) == 1
    assert db.session.get_one(Payroll, payroll.id).payment_amount_fen == 300_000


def test_two_payrolls_racing_for_the_last_of_an_allocation(app, live_server):
    """An allocation of 4,000 yuan and two payrolls of 3,000 posted at once: one is paid, the other
    refused and still a draft; no 500."""
    source, project, milestone = _setup(400_000)
    first = _draft(project, source, milestone, 202603, 2)
    second = _draft(project, source, milestone, 202604, 3)
    db.session.commit()
    statuses = _post_all(_sessions(live_server, 2), [first.id, second.id])
    assert 500 not in statuses and sorted(statuses) == [200, 400]
    db.session.expire_all()
    states = sorted(db.session.scalars(select(Payroll.status).where(Payroll.project_id == project.id)))
    assert states == ["draft", "posted"]


def _submitted_payroll(approvers: int):
    """A payroll of 3,000 yuan from a source whose payments need approval, submitted by "poster" as one
    waiting request; `approvers` finance leads chief0, chief1, ... may approve it."""
    source = factories.make_source(received_fen=100_000_000, channel="work_for_relief", level="central")
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=50_000_000, entry_date=date(2026, 1, 5))
    poster = factories.make_user("finance", username="poster")
    for number in range(approvers):
        factories.make_approver(f"chief{number}")
    payroll = _draft(project, source, milestone, 202603, 4)
    request = post_payroll(payroll, paid_on=date(2026, 4, 10), actor=poster)
    db.session.commit()
    assert isinstance(request, PaymentRequest) and payroll.status == "submitted"
    return source, payroll, request


def _approve_call(session: HttpSession, request_id: int):
    page = f"/funds/requests/{request_id}"
    token = session.form_tokens(page)
    return lambda: session.post_with_token(f"{page}/approve", {"reason": ""}, token)


def _paid_once(source_id: int, payroll_id: int) -> None:
    db.session.expire_all()
    payments = db.session.scalars(select(Payment).where(Payment.source_id == source_id)).all()
    assert [payment.amount_fen for payment in payments] == [300_000]
    payroll = db.session.get_one(Payroll, payroll_id)
    assert (payroll.status, payroll.payment_id, payroll.payment_amount_fen) == ("posted", payments[0].id, 300_000)


def test_approver_approving_while_finance_posts_again_pays_once(app, live_server):
    """The lead approves the payroll's request at the moment finance posts the payroll again: one
    payment, linked to the payroll; the second post is refused; no 500."""
    source, payroll, request = _submitted_payroll(1)
    [poster] = _sessions(live_server, 1)
    chief = HttpSession(live_server)
    chief.login("chief0", factories.PASSWORD)
    # The submitted payroll's page has no post form: the one-time token comes from another form of finance's.
    token = poster.form_tokens(f"/funds/sources/{source.id}/payments/new")
    statuses = release_together([
        _approve_call(chief, request.id),
        lambda: poster.post_with_token(f"/payroll/payrolls/{payroll.id}/post",
                                       {"paid_on": "2026-04-11", "voucher_no": "GZ-AGAIN"}, token)])
    assert 500 not in statuses
    _paid_once(source.id, payroll.id)
    assert db.session.scalar(select(func.count(PaymentRequest.id))) == 1


def test_two_approvals_of_a_payroll_request_at_once_pay_once(app, live_server):
    """Two leads approve the payroll's request at the same moment: one payment, the payroll posted with
    it, the request approved once; no 500."""
    source, payroll, request = _submitted_payroll(2)
    chiefs = []
    for number in range(2):
        chief = HttpSession(live_server)
        chief.login(f"chief{number}", factories.PASSWORD)
        chiefs.append(chief)
    statuses = release_together([_approve_call(chief, request.id) for chief in chiefs])
    assert 500 not in statuses
    _paid_once(source.id, payroll.id)
    db.session.expire_all()
    assert db.session.get_one(PaymentRequest, request.id).state == "approved"
