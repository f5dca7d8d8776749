"""The audit key, the anchor log, daily anchoring and restores: the chain's head kept outside the database."""
from __future__ import annotations

import json
import logging
import stat
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from audit.anchors import AnchorLine, anchor_now, log_path, plan_checks, read_log
from audit.daily import DailyAnchor
from audit.keys import AuditKey, AuditKeyError, instance_audit_key
from audit.services import record, verify_database
from extensions import db

NOON = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _record(count: int) -> None:
    for number in range(count):
        record("thing.create", object_type="thing", object_id=number, remote_addr="10.0.0.1")
    db.session.commit()


def test_key_file_is_made_once_private_and_kept(tmp_path):
    """Without LIANDONG_AUDIT_KEY the key is generated into the instance folder (0600) and reused."""
    first = instance_audit_key(str(tmp_path))
    assert len(first) == 64 and instance_audit_key(str(tmp_path)) == first
    assert stat.S_IMODE((tmp_path / "audit_key").stat().st_mode) == 0o600


def test_key_never_shows_and_short_keys_are_refused():
    """The key's repr says nothing of it; a key shorter than 32 characters is refused."""
    secret = "s" * 40
    assert secret not in repr(AuditKey(secret))
    with pytest.raises(AuditKeyError):
        AuditKey("short")


def test_cli_anchor_appends_a_line_and_prints_it_for_paper(app, runner):
    """`flask audit anchor` writes the count, head and hash to a private log and prints a short line."""
    _record(3)
    result = runner.invoke(args=["audit", "anchor"])
    assert result.exit_code == 0, result.output
    (line,) = read_log()
    assert (line.kind, line.count, line.reason) == ("anchor", 3, "manual")
    assert f"3 events | head #{line.head_id}" in result.output and line.head_hash in result.output
    assert stat.S_IMODE(log_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path().parent.stat().st_mode) == 0o700
    fields = json.loads(log_path().read_text())
    assert set(fields) == {"v", "kind", "at", "count", "head_id", "head_hash", "reason", "prev", "mac"}


def test_anchor_now_records_only_committed_events(app):
    """anchor_now (called by the month close after its commit) reads the head on its own connection,
    so an event still in the caller's open transaction is not anchored."""
    _record(2)
    record("thing.pending", object_type="thing", object_id=9)  # not committed
    line = anchor_now("month-close")
    db.session.rollback()
    assert (line.count, line.reason) == (2, "month-close")
    assert verify_database().ok


def test_anchors_written_at_once_by_many_writers_all_link(app):
    """Appends under the log's lock: eight threads anchoring together leave eight linked, valid lines."""
    _record(1)

    def anchor():
        with app.app_context():
            anchor_now("concurrent")

    threads = [threading.Thread(target=anchor) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(read_log()) == 8 and verify_database().anchors_checked == 8


def test_verify_without_anchors_says_so(app, runner):
    """An untouched database without anchors verifies, and says nothing outside vouches for its length."""
    _record(2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 2 events" in result.output and "no anchors yet" in result.output


def test_verify_cli_fails_naming_the_problem(app, runner):
    """`flask audit verify` exits 1 and names the problem (here an altered anchor line)."""
    _record(2)
    anchor_now()
    log_path().write_text(log_path().read_text().replace('"reason":"manual"', '"reason":"other"'))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "anchor log line 1 has been altered" in result.output


def test_daily_anchor_follows_the_clock(app):
    """The daily check anchors an empty log at once, not again within 24 h, and again after 24 h;
    another process looking at the same moment does not anchor twice."""
    clock = [NOON]
    daily = DailyAnchor(app, timedelta(hours=24), clock=lambda: clock[0])
    other_process = DailyAnchor(app, timedelta(hours=24), clock=lambda: clock[0])
    _record(1)
    assert daily.tick().reason == "daily"
    clock[0] = NOON + timedelta(hours=23)
    assert daily.tick() is None
    clock[0] = NOON + timedelta(hours=24, minutes=5)
    assert daily.tick() is not None and other_process.tick() is None
    assert [line.at for line in read_log()] == [NOON, NOON + timedelta(hours=24, minutes=5)]


def test_daily_anchor_thread_looks_at_once_then_periodically(app):
    """The thread a server process starts makes its first look at once (a new installation is anchored
    within moments), keeps looking, and ends when stopped."""
    _record(1)
    daily = DailyAnchor(app, timedelta(hours=24), check_seconds=0.05)
    daily.ensure_started()
    daily.ensure_started()  # a second request of the same process starts nothing more
    deadline = time.monotonic() + 10
    while not read_log() and time.monotonic() < deadline:
        time.sleep(0.05)
    daily.stop()
    daily.thread.join(5)
    assert len(read_log()) == 1 and not daily.thread.is_alive()


def test_daily_anchor_failure_is_logged_not_raised(app, caplog):
    """When the log cannot be written the check logs the failure and returns; nothing is raised."""
    blocker = log_path().parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    with caplog.at_level(logging.ERROR):
        assert DailyAnchor(app, timedelta(hours=24), clock=lambda: NOON).tick() is None
    assert "daily audit anchor failed" in caplog.text


def test_restore_from_backup_verifies_and_later_tampering_does_not(app, runner, tmp_path):
    """Backup, more events, anchor, restore: the restore is written to the log and the chain verifies
    (the anchor past the restored head is excused); deleting restored events afterwards is found."""
    _record(4)
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    _record(3)
    anchor_now()
    db.session.remove()
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "restore recorded" in result.output and "4 events" in result.output
    report = verify_database()
    assert report.ok and report.checked == 4 and "runs past the head restored" in report.notes[0]

    _record(1)
    anchor_now()
    db.session.execute(text("DROP TRIGGER audit_event_no_delete" if db.engine.dialect.name == "sqlite"
                            else "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update"))
    db.session.execute(text("DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event)"))
    db.session.commit()
    try:
        report = verify_database()
        assert not report.ok and "were deleted" in report.problem
    finally:
        if db.engine.dialect.name == "postgresql":  # the schema outlives this test there
            db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update"))
            db.session.commit()


def _line(number: int, kind: str, count: int, head: str) -> AnchorLine:
    return AnchorLine(number, kind, NOON + timedelta(days=number), count, count, head, "test")


def test_restore_rules_for_anchors_written_before_a_restore():
    """Before a restore: an anchor past the restored head is excused, one within it must hold; an anchor
    on the branch an earlier restore began is only checked softly; the newest restore and all after it
    must hold."""
    lines = [_line(1, "anchor", 50, "a"), _line(2, "anchor", 100, "b"), _line(3, "restore", 80, "c"),
             _line(4, "anchor", 90, "d"), _line(5, "restore", 95, "e"), _line(6, "anchor", 97, "f")]
    points, notes = plan_checks(lines)
    assert [(point.head_hash, point.strict) for point in points] == [
        ("a", True), ("c", True), ("d", False), ("e", True), ("f", True)]
    assert len(notes) == 1 and "line 2" in notes[0]


def test_the_table_stays_append_only_after_the_migration(app):
    """Migration 0007 added a column without rebuilding the table: the triggers still refuse changes."""
    _record(1)
    for statement in ("UPDATE audit_event SET outcome = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
