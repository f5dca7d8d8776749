"""Two finance staff saving at the same moment can never overspend a source or an allocation.

Real concurrent HTTP requests against the app served on loopback, on whichever database the suite
runs on (PostgreSQL in CI's second pass: guarded UPDATEs under row locks; SQLite: one writer at a time).
"""
from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, FundSource, Payment
from tests import factories
from tests.http_session import HttpSession

RACERS = 8


def _race(live_server, requests):
    """Send each (path, data, token_from) at once from its own signed-in session; return the statuses."""
    sessions = []
    for _ in requests:
        session = HttpSession(live_server)
        session.login("finance-racer", factories.PASSWORD)
        sessions.append(session)
    tokens = [s.form_tokens(token_from) for s, (_, _, token_from) in zip(sessions, requests)]
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def run(index):
        path, data, _ = requests[index]
        barrier.wait()
        statuses[index] = sessions[index].post_with_token(path, data, tokens[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_simultaneous_allocations_never_exceed_what_was_received(app, live_server):
    """Eight allocations of 30,000 yuan race for a source holding 100,000: exactly three succeed."""
    factories.make_user("finance", username="finance-racer")
    source = factories.make_source(pays_directly=True, received_fen=10_000_000)
    projects = [factories.make_project() for _ in range(RACERS)]
    db.session.commit()
    form = f"/funds/sources/{source.id}/allocations"
    requests = [(form, {"project_id": p.id, "direction": "increase", "amount": "30000", "entry_date": "2026-04-01"},
                 form) for p in projects]
    _race(live_server, requests)
    db.session.expire_all()
    fund = db.session.get(FundSource, source.id)
    assert fund.allocated_fen == 9_000_000 <= fund.received_fen
    assert db.session.scalar(select(func.count(Allocation.id)).where(Allocation.amount_fen > 0)) == 3


def test_simultaneous_payments_never_exceed_the_allocation(app, live_server):
    """Eight payments of 3,000 yuan race for an allocation of 10,000: exactly three succeed."""
    factories.make_user("finance", username="finance-racer")
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(pays_directly=True, received_fen=5_000_000)
    ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date(2026, 1, 5))
    db.session.commit()
    form = f"/funds/sources/{source.id}/payments/new?project={project.id}"
    requests = [(form, {"project_id": project.id, "milestone_id": milestone.id, "voucher_no": f"记-R-{i}",
                        "payee": "某公司", "paid_on": "2026-04-02", "amount": "3000", "cost_category": "materials"},
                 form) for i in range(RACERS)]
    _race(live_server, requests)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Payment.id))) == 3
    allocation = db.session.scalar(select(Allocation))
    assert allocation.spent_fen == 900_000 <= allocation.amount_fen
    assert db.session.get(FundSource, source.id).spent_fen == 900_000


def test_same_voucher_twice_at_once_is_stored_once(app, live_server):
    """Two clerks saving the same voucher number at the same moment store one payment."""
    factories.make_user("finance", username="finance-racer")
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(pays_directly=True, received_fen=5_000_000)
    ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date(2026, 1, 5))
    db.session.commit()
    form = f"/funds/sources/{source.id}/payments/new?project={project.id}"
    data = {"project_id": project.id, "milestone_id": milestone.id, "voucher_no": "记-SAME", "payee": "某公司",
            "paid_on": "2026-04-02", "amount": "100", "cost_category": "materials"}
    statuses = _race(live_server, [(form, data, form), (form, data, form)])
    assert all(status in (200, 302) for status in statuses), statuses
    assert db.session.scalar(select(func.count(Payment.id))) == 1
