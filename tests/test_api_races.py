"""Identical API writes with one Idempotency-Key released together (real HTTP on a threaded server, on
SQLite and, in the PostgreSQL pass, on PostgreSQL): recorded once, every copy answered the same."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

from sqlalchemy import func, select

from api.tokens import create_token
from extensions import db
from funds.ledger import services as ledger
from funds.models import FundSource, Payment
from projects.models import ProgressUpdate
from tests import factories
from tests.test_races import release_together


def _post(url: str, body: dict, secret: str, key: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {secret}", "Idempotency-Key": key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _money():
    source = factories.make_source(received_fen=10_000_000, pays_directly=True)
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 2))
    return source, project, milestone


def test_identical_payments_sent_together_post_once(app, live_server):
    """Four copies of one payment with one key, at once: one payment, four identical answers."""
    source, project, milestone = _money()
    secret = create_token(factories.make_user("finance"), "write", 5).secret
    db.session.commit()
    body = {"source_id": source.id, "project_id": project.id, "milestone_id": milestone.id, "voucher_no": "RACE-1",
            "payee": "并发建设有限公司", "paid_on": "2026-01-05", "amount_fen": 12_345, "cost_category": "materials"}
    answers = release_together([lambda: _post(f"{live_server}/api/v1/payments", body, secret, "race-key")
                                for _ in range(4)])
    assert {status for status, _ in answers} == {201}, answers
    assert len({text for _, text in answers}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
    assert db.session.get(FundSource, source.id).spent_fen == 12_345


def test_identical_progress_reports_sent_together_record_once(app, live_server):
    """Four copies of one progress report with one key, at once: one report."""
    _source, _project, milestone = _money()
    secret = create_token(factories.make_user("planner"), "write", 5).secret
    db.session.commit()
    body = {"progress_pct": 30, "reported_on": date.today().isoformat()}
    url = f"{live_server}/api/v1/milestones/{milestone.id}/progress"
    answers = release_together([lambda: _post(url, body, secret, "race-progress") for _ in range(4)])
    assert {status for status, _ in answers} == {201}, answers
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 1
