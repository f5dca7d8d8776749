"""Approvals released together through a barrier (real HTTP on a threaded server, on SQLite and, in
the PostgreSQL pass, on PostgreSQL): one request is posted once, and the preparer's own approval
never gets through, whichever request comes first."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import FundSource, Payment
from funds.requests.models import PaymentRequest
from funds.requests.services import PaymentInput, prepare_request
from tests import factories
from tests.http_session import HttpSession
from tests.test_races import release_together


def _waiting_requests(count: int, preparer):
    source = factories.make_source(received_fen=100_000_000)
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=50_000_000, entry_date=date(2025, 1, 1))
    requests = [prepare_request(PaymentInput(source, project, milestone, f"RACE-{number}", "并发公司",
                                             date(2026, 1, 5), 300_000, "materials"), actor=preparer)
                for number in range(count)]
    db.session.commit()
    return source.id, [item.id for item in requests]


def _session(live_server: str, username: str) -> HttpSession:
    session = HttpSession(live_server)
    session.login(username, factories.PASSWORD)
    return session


def test_approvals_of_one_request_released_together_post_it_once(app, live_server):
    """Five approvers' sessions approve the same request at once, three rounds: each request is
    posted exactly once, and the source's spent equals the payments."""
    clerk = factories.make_user("finance", username="clerk")
    for number in range(5):
        factories.make_approver(f"chief{number}")
    source_id, request_ids = _waiting_requests(3, clerk)
    approvers = [_session(live_server, f"chief{number}") for number in range(5)]
    for request_id in request_ids:
        page = f"/funds/requests/{request_id}"
        tokens = [approver.form_tokens(page) for approver in approvers]
        approve = f"{page}/approve"
        statuses = release_together([lambda approver=approver, token=token, url=approve: approver.post_with_token(
            url, {"reason": ""}, token) for approver, token in zip(approvers, tokens, strict=True)])
        assert 500 not in statuses and set(statuses) <= {200, 302}
    db.session.expire_all()
    payments = db.session.scalars(select(Payment.amount_fen)).all()
    assert payments == [300_000] * 3
    assert db.session.get(FundSource, source_id).spent_fen == 900_000
    states = db.session.scalars(select(PaymentRequest.state)).all()
    assert states == ["approved"] * 3


def test_the_preparer_racing_another_approver_never_approves_own_request(app, live_server):
    """A finance lead who prepared requests approves each at the same moment as another approver:
    every request is approved once, always by the other, whichever request comes first."""
    preparer = factories.make_approver("lead")
    factories.make_approver("other")
    _source_id, request_ids = _waiting_requests(5, preparer)
    lead, other = _session(live_server, "lead"), _session(live_server, "other")
    # The preparer's page has no decision form: the one-time token comes from another form of his.
    lead_form = f"/funds/sources/{_source_id}/payments/new"
    for request_id in request_ids:
        page = f"/funds/requests/{request_id}"
        tokens = [lead.form_tokens(lead_form), other.form_tokens(page)]
        approve = f"{page}/approve"
        statuses = release_together([
            lambda url=approve, token=tokens[0]: lead.post_with_token(url, {"reason": ""}, token),
            lambda url=approve, token=tokens[1]: other.post_with_token(url, {"reason": ""}, token)])
        assert 500 not in statuses
    db.session.expire_all()
    decided = db.session.execute(select(PaymentRequest.state, PaymentRequest.decided_by_id)).all()
    other_id = db.session.scalar(select(func.min(PaymentRequest.decided_by_id)))
    assert other_id != preparer.id
    assert decided == [("approved", other_id)] * 5
    assert db.session.scalar(select(func.count(Payment.id))) == 5
