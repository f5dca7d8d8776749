"""The audit trail is a hash chain: any change to a past event is found by `flask audit verify`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from audit.models import AuditEvent
from audit.services import GENESIS, record, verify_chain, verify_database
from extensions import db


def _three_events():
    for number in range(3):
        record("thing.create", object_type="thing", object_id=number, after={"name": f"第{number}号", "amount_fen": 100})
    db.session.commit()
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_chain_links_each_event_to_the_one_before(app):
    """The first event links to the genesis hash; each later one to its predecessor's hash."""
    events = _three_events()
    assert events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert verify_database().ok and verify_database().checked == 3


def test_tampered_content_is_reported_at_the_first_broken_event(app):
    """Changing an event's recorded values (as someone editing the file would) breaks its link."""
    events = _three_events()
    db.session.expunge_all()
    events[1].after = {"name": "第1号", "amount_fen": 999}
    report = verify_chain(events)
    assert not report.ok and report.broken_id == events[1].id and report.checked == 1


def test_removed_event_is_reported(app):
    """Dropping an event from the middle breaks the next event's prev_hash link."""
    events = _three_events()
    db.session.expunge_all()
    report = verify_chain([events[0], events[2]])
    assert report.broken_id == events[2].id and "prev_hash" in report.problem


def test_cli_verify(app, runner):
    """`flask audit verify` reports an intact chain with its length and exits 0."""
    _three_events()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 events" in result.output


def test_secrets_never_recorded(app):
    """Password-like fields are dropped from before/after values."""
    event = record("user.update", after={"password": "x", "password_hash": "y", "role": "admin"},
                   now=datetime(2026, 1, 1))
    assert event.after == {"role": "admin"}
