"""Tampering with the audit trail as someone who can write the database would, and what verification finds.

Each attack is done on the SQLite file with raw SQL after the chain was anchored; the attacker has
the database but neither the audit key nor the anchor log, unless a test says otherwise. What an
insider holding the key can still do (rewrite what came after the newest anchor) is asserted too,
as the documented limit.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from audit.anchors import anchor_now, log_path
from audit.keys import AuditKey, audit_key
from audit.services import record, verify_database
from extensions import db
from tests import audit_attacker as attacker
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="the attacks are written against the SQLite file")
START = datetime(2026, 5, 1, 8, 30, 0, 123456)


def _record(count: int, first: int = 0) -> None:
    for number in range(first, first + count):
        record("thing.update", object_type="thing", object_id=number, before={"amount_fen": number},
               after={"amount_fen": number + 1, "name": f"第{number}号"}, remote_addr=f"10.0.0.{number}",
               now=START + timedelta(minutes=number))
    db.session.commit()


@pytest.fixture
def anchored(app):
    """Eight events, anchored, then two more not yet anchored; the attacker's connection to the file."""
    _record(8)
    anchor_now("test")
    _record(2, first=8)
    db.session.remove()
    connection = attacker.open_without_triggers(db.engine.url.database)
    yield connection
    connection.close()


def _verify():
    db.session.remove()
    return verify_database()


def test_untouched_anchored_chain_verifies(anchored):
    """Without tampering every event and the anchor hold."""
    report = _verify()
    assert report.ok and report.checked == 10 and report.anchors_checked == 1 and report.notes == []


@pytest.mark.parametrize("column, value", [
    ("remote_addr", "203.0.113.9"), ("username", "someone"), ("after", '{"amount_fen": 999}'),
    ("at", "2026-05-01 09:00:00.000000"), ("outcome", "denied"), ("object_id", "77"), ("user_id", 1),
])
def test_every_column_is_covered_by_the_hash(anchored, column, value):
    """Changing any stored column of an event, remote_addr included, breaks that event's keyed hash."""
    anchored.execute(f"UPDATE audit_event SET {column} = ? WHERE id = 3", (value,))
    report = _verify()
    assert not report.ok and report.broken_id == 3 and "does not match its hash" in report.problem


def test_deleting_the_newest_events_is_found_by_the_anchor(anchored):
    """Truncation: deleting the newest events back past the anchored head (no link breaks) is found."""
    anchored.execute("DELETE FROM audit_event WHERE id > 5")
    report = _verify()
    assert not report.ok and report.checked == 5 and "were deleted" in report.problem


def test_deleting_an_event_in_the_middle_and_rechaining_without_the_key_is_found(anchored):
    """The review's attack: delete one event, recompute the chain with the old unkeyed SHA-256 script."""
    anchored.execute("DELETE FROM audit_event WHERE id = 4")
    attacker.rechain_unkeyed(anchored, from_id=5)
    report = _verify()
    assert not report.ok and report.broken_id == 5 and "does not match its hash" in report.problem


def test_rechained_events_marked_unkeyed_are_a_downgrade(anchored):
    """Marking re-chained events as scheme 1 (unkeyed) after keyed ones is refused as a downgrade, even
    after the newest anchor."""
    anchored.execute("DELETE FROM audit_event WHERE id = 9")
    attacker.rechain_unkeyed(anchored, scheme=1, from_id=10)
    report = _verify()
    assert not report.ok and report.broken_id == 10 and "downgrade" in report.problem


def test_whole_chain_rewritten_as_unkeyed_is_found_by_the_anchor(anchored):
    """Re-chaining every event as scheme 1 leaves no keyed event to break, but the anchor's hash is gone."""
    anchored.execute("DELETE FROM audit_event WHERE id = 4")
    attacker.rechain_unkeyed(anchored, scheme=1)
    report = _verify()
    assert not report.ok and report.broken_id == 9 and "anchor of" in report.problem and "re-chained" in report.problem


def test_an_inserted_event_is_found(anchored):
    """Insertion: a forged event slipped in after the third, later events renumbered and re-chained."""
    events = attacker.rows(anchored)
    anchored.execute("DELETE FROM audit_event WHERE id > 3")
    forged = {**events[3], "action": "payment.approve", "remote_addr": "10.9.9.9", "prev_hash": "p", "hash": "h"}
    for event in [forged, *events[3:]]:
        attacker.insert_event(anchored, {key: value for key, value in event.items() if key != "id"})
    attacker.rechain_unkeyed(anchored, from_id=4)
    report = _verify()
    assert not report.ok and report.broken_id == 4 and "does not match its hash" in report.problem


def test_an_event_appended_without_the_key_is_found(anchored):
    """An event added after the newest one, hashed with anything but the key, does not verify."""
    last = attacker.rows(anchored)[-1]
    forged = {**last, "action": "login", "prev_hash": last["hash"], "at": last["at"] + timedelta(minutes=1)}
    forged["hash"] = AuditKey("a-guessed-key-that-is-long-enough-to-use").event_mac(b"anything")
    attacker.insert_event(anchored, {key: value for key, value in forged.items() if key != "id"})
    report = _verify()
    assert not report.ok and "does not match its hash" in report.problem


def test_an_altered_anchor_line_is_found(anchored):
    """Editing the anchor log (here: lowering the anchored count to hide a truncation) is found."""
    anchored.execute("DELETE FROM audit_event WHERE id > 5")
    path = log_path()
    path.write_text(path.read_text().replace('"count":8', '"count":5'))
    report = _verify()
    assert not report.ok and "anchor log line 1 has been altered" in report.problem


def test_a_removed_anchor_line_is_found(app):
    """Removing a line from the middle of the anchor log breaks the next line's link."""
    for number in range(3):
        _record(1, first=number)
        anchor_now("test")
    lines = log_path().read_text().splitlines()
    log_path().write_text("\n".join([lines[0], lines[2]]) + "\n")
    report = _verify()
    assert not report.ok and "line 2 has been altered" in report.problem and "removed" in report.problem


def test_the_key_holder_can_rewrite_only_what_came_after_the_newest_anchor(anchored):
    """The documented limit: with the key, events after the newest anchor can be altered, re-chained or
    deleted unseen; the same done to an anchored event is found."""
    anchored.execute("UPDATE audit_event SET remote_addr = '10.9.9.9' WHERE id = 9")
    attacker.rechain_with_key(anchored, audit_key())
    anchored.execute("DELETE FROM audit_event WHERE id = 10")
    assert _verify().ok  # after the newest anchor: undetectable by design

    anchored.execute("UPDATE audit_event SET remote_addr = '10.9.9.9' WHERE id = 2")
    attacker.rechain_with_key(anchored, audit_key())
    report = _verify()
    assert not report.ok and report.broken_id == 8 and "anchor of" in report.problem


def test_legacy_unkeyed_events_verify_and_cannot_be_changed_unseen(app):
    """Events written before the keyed scheme (scheme 1) still verify the old way; keyed events follow
    them; changing a legacy event and re-chaining it breaks the first keyed event's hash."""
    db.session.remove()
    connection = attacker.open_without_triggers(db.engine.url.database)
    prev_hash = "0" * 64
    for number in range(3):
        event = {"at": START, "user_id": None, "username": None, "action": "old.event", "object_type": None,
                 "object_id": str(number), "before": None, "after": {"n": number}, "outcome": "ok",
                 "remote_addr": "10.0.0.1", "prev_hash": prev_hash}
        event["hash"] = prev_hash = attacker.unkeyed_hash(event, prev_hash)
        attacker.insert_event(connection, event)  # no scheme given: the migration's default, 1
    _record(2)
    assert [row["scheme"] for row in attacker.rows(connection)] == [1, 1, 1, 2, 2]
    assert _verify().ok

    connection.execute("UPDATE audit_event SET after = '{\"n\": 9}' WHERE id = 2")
    attacker.rechain_unkeyed(connection)  # the keyed events keep scheme 2 but get unkeyed hashes
    report = _verify()
    connection.close()
    assert not report.ok and report.broken_id == 4
