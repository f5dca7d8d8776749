"""The audit trail is a keyed hash chain: any change to a past event is found by `flask audit verify`."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from audit.chain import LEGACY_SCHEME, keyed_digest, legacy_digest, stored_content
from audit.keys import AuditKey
from audit.models import AuditEvent
from audit.services import GENESIS, collect, deferred, new_event, record, verify_chain, verify_database
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


@pytest.mark.parametrize("column, value", [("remote_addr", "203.0.113.9"), ("username", "someone"),
                                           ("outcome", "denied"), ("at", datetime(2026, 1, 1))])
def test_every_column_is_hashed(app, column, value):
    """The keyed hash covers every stored column, the client's address included."""
    events = _three_events()
    db.session.expunge_all()
    setattr(events[1], column, value)
    report = verify_chain(events)
    assert report.broken_id == events[1].id and "does not match its hash" in report.problem


def test_chain_recomputed_without_the_key_does_not_verify(app):
    """Hashes recomputed by someone without the audit key, keyed (with a guess) or unkeyed (marked as the
    older scheme after keyed events: a downgrade), are refused."""
    events = _three_events()
    db.session.expunge_all()
    guessed = AuditKey("a-guess-at-the-key-long-enough-to-be-used")
    events[1].hash = keyed_digest(stored_content(events[1]), events[1].prev_hash, guessed)
    assert verify_chain(events).broken_id == events[1].id
    events[1].scheme, events[1].hash = LEGACY_SCHEME, legacy_digest(stored_content(events[1]), events[1].prev_hash)
    report = verify_chain(events)
    assert report.broken_id == events[1].id and "downgrade" in report.problem


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


def _recorded(at: datetime):
    record("thing.create", object_type="thing", object_id=1, after={"name": "桥", "amount_fen": 100}, now=at)
    collect(new_event("thing.update", object_type="thing", object_id=1, before={"amount_fen": 100},
                      after={"amount_fen": 200}, now=at))
    record("thing.delete", object_type="thing", object_id=1, now=at)


def test_deferred_events_chain_as_if_recorded_one_by_one(app):
    """Events collected in a deferred() block are written at its end, in order, with exactly the hashes
    they would have had if each had been written at once; `verify` passes."""
    at = datetime(2026, 5, 1, 8, 30, 0, 123456)
    record("login", now=at)
    db.session.commit()
    _recorded(at)
    one_by_one = db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id)).all()
    db.session.rollback()
    with deferred():
        _recorded(at)
        with deferred():  # nested: the outer block writes
            record("thing.read", object_type="thing", object_id=1, now=at)
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 1  # nothing written yet
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["login", "thing.create", "thing.update", "thing.delete", "thing.read"]
    assert [e.hash for e in events[:4]] == one_by_one
    assert verify_database().ok and verify_database().checked == 5


def test_deferred_block_that_fails_writes_nothing(app):
    """An exception inside deferred() leaves its events unwritten; later events chain on the last stored one."""
    record("login")
    db.session.commit()
    with pytest.raises(RuntimeError), deferred():
        record("thing.create", object_type="thing", object_id=1)
        raise RuntimeError("injected")
    db.session.rollback()
    record("logout")
    db.session.commit()
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == ["login", "logout"]
    assert verify_database().ok


def test_any_read_of_the_trail_sees_the_events_its_transaction_recorded(app):
    """A transaction that recorded events and then reads the trail in any form of SELECT (a plain
    one, a UNION) sees them: they are chained and written before the read, not lost or crashed on."""
    from sqlalchemy import union_all

    record("thing.create", object_type="thing", object_id=1)
    both = union_all(select(AuditEvent.id), select(AuditEvent.id))
    assert len(db.session.execute(both).all()) == 2
    record("thing.update", object_type="thing", object_id=1)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 2
    db.session.commit()
    assert verify_database().ok
