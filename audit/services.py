"""Writing and verifying the audit chain.

`record` adds an event to the current transaction, so the event commits or rolls back with the
change it describes. On PostgreSQL a transaction-scoped advisory lock serialises writers of the
chain; on SQLite the single writer lock does; on both, UNIQUE(prev_hash) makes a fork impossible.

Bulk writers (the spreadsheet import) append many events at once: inside `with deferred():` each
`record` only collects its event, and at the end of the block `record_many` takes the lock and reads
the last hash once, chains the events in Python in the order they were recorded and inserts them
with one executemany. The chain is the same as if each had been recorded alone.

How each event is hashed (keyed, over every column) and how the chain is verified against the anchors
kept outside the database are audit/chain.py's, audit/anchors.py's and audit/verification.py's.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import select, text

from audit.chain import KEYED_SCHEME, event_content, keyed_digest, stored_content
from audit.chain import GENESIS, ChainReport, verify_chain  # noqa: F401  (callers import them from here)
from audit.models import AuditEvent
from audit.verification import verify_database  # noqa: F401  (likewise)
from core.bulk import insert_with_ids
from extensions import db

_CHAIN_LOCK_KEY = 7_351_002  # arbitrary constant naming the audit chain's advisory lock
SECRET_FIELDS = {"password", "password_hash", "token", "csrf_token", "session_token"}
# Stored columns of an event, in table order (the id is the database's).
EVENT_COLUMNS = ("at", "user_id", "username", "action", "object_type", "object_id", "before", "after", "outcome",
                 "remote_addr", "prev_hash", "hash", "scheme")
# The events collected by `deferred()`, or None when each event is written as it is recorded.
_pending: ContextVar[list | None] = ContextVar("audit_pending", default=None)


def _clean(values: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """Drop secrets and make values JSON-safe (dates and decimals as text)."""
    if values is None:
        return None
    return {
        key: (value if isinstance(value, (int, str, bool, type(None), float)) else str(value))
        for key, value in values.items()
        if key not in SECRET_FIELDS
    }


def _content(event: AuditEvent) -> dict[str, Any]:
    """The hashed fields of an event (`_content_of` gives the same for an event held as a dict)."""
    return stored_content(event)


def _last_hash() -> str:
    """Hash of the newest event, after taking the chain lock where the database has one."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return last or GENESIS


def new_event(action: str, *, user=None, object_type: str | None = None, object_id: Any = None,
              before: dict | None = None, after: dict | None = None, outcome: str = "ok",
              remote_addr: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """An event's content as a plain dict, as `record` stores it, for `collect` and `record_many`
    (lighter than an AuditEvent when thousands are written at once). Its "object_id" may be filled
    in later, until the event is written."""
    return {
        "at": (now or datetime.now(timezone.utc)).replace(tzinfo=None),
        "user_id": getattr(user, "id", None),
        "username": getattr(user, "username", None),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "before": _clean(before),
        "after": _clean(after),
        "outcome": outcome,
        "remote_addr": remote_addr,
    }


def record(action: str, *, user=None, object_type: str | None = None, object_id: Any = None,
           before: dict | None = None, after: dict | None = None, outcome: str = "ok",
           remote_addr: str | None = None, now: datetime | None = None) -> AuditEvent:
    """Append an event to the session's transaction (the caller commits) and return it.

    Inside `deferred()` the event is only collected (and returned without id or hash); it is
    written, in order, when the block ends."""
    event = AuditEvent(**new_event(action, user=user, object_type=object_type, object_id=object_id, before=before,
                                   after=after, outcome=outcome, remote_addr=remote_addr, now=now))
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
        return event
    event.prev_hash = _last_hash()
    event.scheme, event.hash = KEYED_SCHEME, keyed_digest(_content(event), event.prev_hash)
    db.session.add(event)
    db.session.flush()
    return event


def _content_of(fields: dict[str, Any]) -> dict[str, Any]:
    """The hashed fields of an event given as a dict (as `_content` gives them for a stored event)."""
    return event_content(fields)


def record_many(events: list) -> None:
    """Append events (AuditEvent objects not yet added, or `new_event` dicts) to the chain in the
    given order: the chain lock is taken and the last hash read once, each event's hash chains on
    the previous one, and all are inserted with one executemany in the caller's transaction."""
    if not events:
        return
    rows = []
    prev_hash = _last_hash()
    for event in events:
        fields = event if isinstance(event, dict) else {key: getattr(event, key) for key in EVENT_COLUMNS[:10]}
        if fields["object_id"] is not None and not isinstance(fields["object_id"], str):
            fields = {**fields, "object_id": str(fields["object_id"])}
        digest = keyed_digest(_content_of(fields), prev_hash)
        rows.append({**fields, "prev_hash": prev_hash, "hash": digest, "scheme": KEYED_SCHEME})
        if not isinstance(event, dict):
            event.prev_hash, event.hash, event.scheme = prev_hash, digest, KEYED_SCHEME
        prev_hash = digest
    ids = insert_with_ids(AuditEvent.__table__, rows, key=("hash",))
    # verify_chain walks the events in id order: the ids must follow the chain's order.
    if any(later <= earlier for earlier, later in zip(ids, ids[1:])):
        raise RuntimeError("audit events were not numbered in the order of the chain")


def collect(event: dict[str, Any]) -> None:
    """Write a `new_event` dict: inside `deferred()` with the block's other events, in the order
    they were recorded or collected; outside one at once."""
    pending = _pending.get()
    if pending is None:
        record_many([event])
    else:
        pending.append(event)


@contextmanager
def deferred():
    """Collect the events `record` is given inside the block and write them with `record_many` when
    the block ends; nothing is written when the block raises (the caller rolls back). Nested blocks
    share the outermost one's events."""
    if _pending.get() is not None:
        yield
        return
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    record_many(pending)
