"""Writing and verifying the audit chain.

`record` adds an event to the current transaction, so the event commits or rolls back with the
change it describes. The events of a transaction are chained and inserted when it commits (a
`before_commit` listener), after the transaction's own rows are flushed: the chain's head is read
and extended while holding the chain's lock — on PostgreSQL a transaction-scoped advisory lock, on
SQLite the writer lock — and that lock is always the last one a transaction takes, so writers of the
chain never deadlock with each other over rows they lock in different orders. UNIQUE(prev_hash)
makes a fork impossible whatever happens.

Bulk writers (the spreadsheet import) record thousands of events: they are chained in Python and
inserted with one executemany. Inside `with deferred():` events are held by the block and handed to
the transaction only when the block ends without an error. Reading audit events in a transaction
writes its pending events first, so a reader sees what it recorded.

How each event is hashed (keyed, over every column) and how the chain is verified against the anchors
kept outside the database are audit/chain.py's, audit/anchors.py's and audit/verification.py's.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any, Optional

from sqlalchemy import Executable, Select, select, text
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import ORMExecuteState, Session

# GENESIS, ChainReport, verify_chain and verify_database are offered here too: callers import them from here.
from audit.chain import GENESIS as GENESIS
from audit.chain import KEYED_SCHEME, event_content, keyed_digest, stored_content
from audit.chain import ChainReport as ChainReport
from audit.chain import verify_chain as verify_chain
from audit.models import AuditEvent
from audit.verification import verify_database as verify_database
from core.bulk import insert_with_ids
from core.database import take_write_lock
from extensions import db

_CHAIN_LOCK_KEY = 7_351_002  # arbitrary constant naming the audit chain's advisory lock
SECRET_FIELDS = {"password", "password_hash", "token", "csrf_token", "session_token"}
# Stored columns of an event, in table order (the id is the database's).
EVENT_COLUMNS = ("at", "user_id", "username", "action", "object_type", "object_id", "before", "after", "outcome",
                 "remote_addr", "prev_hash", "hash", "scheme")
# The events collected by `deferred()`, or None outside such a block.
_pending: ContextVar[list | None] = ContextVar("audit_pending", default=None)
_SESSION_PENDING = "audit_pending"  # key in Session.info: the transaction's events not yet written


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
    """Hash of the newest event, read under the chain's lock: the writer lock on SQLite, an advisory
    lock on PostgreSQL, both held until the transaction ends."""
    take_write_lock(db.session)
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
        "at": (now or datetime.now(UTC)).replace(tzinfo=None),
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
    """Add an event to the session's transaction and return it (without id or hash: it is chained
    and written when the transaction commits; the caller commits)."""
    event = AuditEvent(**new_event(action, user=user, object_type=object_type, object_id=object_id, before=before,
                                   after=after, outcome=outcome, remote_addr=remote_addr, now=now))
    _hold(event)
    return event


def _hold(event) -> None:
    """Keep an event for the `deferred()` block around us, else for the transaction's commit."""
    pending = _pending.get()
    if pending is None:
        pending = db.session.info.setdefault(_SESSION_PENDING, [])
    pending.append(event)


def write_pending(session: Session) -> None:
    """Chain and insert the transaction's events now (commit does this by itself)."""
    pending = session.info.pop(_SESSION_PENDING, None)
    if pending:
        session.flush()  # the transaction's own rows first: the chain's lock is the last one taken
        record_many(pending)


@sqlalchemy_event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    write_pending(session)


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _forget_at_rollback(session: Session, _previous_transaction) -> None:
    session.info.pop(_SESSION_PENDING, None)


@sqlalchemy_event.listens_for(Session, "do_orm_execute")
def _write_before_reading_events(state: ORMExecuteState) -> None:
    """A transaction that reads audit events sees the ones it recorded."""
    if state.session.info.get(_SESSION_PENDING) and state.is_select and _may_read_events(state.statement):
        write_pending(state.session)


def _may_read_events(statement: Executable) -> bool:
    """True when a SELECT may read audit events: a plain select from their table, or a SELECT of
    another kind (a UNION, a textual select), whose tables cannot be read off it."""
    if not isinstance(statement, Select):
        return True
    return any(source is AuditEvent.__table__ for source in statement.get_final_froms())


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
    if any(later <= earlier for earlier, later in pairwise(ids)):
        raise RuntimeError("audit events were not numbered in the order of the chain")


def collect(event: dict[str, Any]) -> None:
    """Add a `new_event` dict to the transaction's events (or the `deferred()` block's), in order
    with those `record` is given."""
    _hold(event)


@contextmanager
def deferred():
    """Hold the events recorded inside the block and hand them to the transaction, in order, when the
    block ends; none when the block raises (the caller rolls back). Nested blocks share the
    outermost one's events."""
    if _pending.get() is not None:
        yield
        return
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    db.session.info.setdefault(_SESSION_PENDING, []).extend(pending)


@contextmanager
def discarded():
    """Drop the events recorded inside the block and keep the transaction's earlier ones: for a trial
    run undone by rolling back to a savepoint (a rollback, even to a savepoint, otherwise forgets
    every event the transaction holds)."""
    held = list(db.session.info.get(_SESSION_PENDING, []))
    token = _pending.set([])
    try:
        yield
    finally:
        _pending.reset(token)
        if held:
            db.session.info[_SESSION_PENDING] = held
