"""Writing and verifying the audit chain.

`record` adds an event to the current transaction, so the event commits or rolls back with the
change it describes. On PostgreSQL a transaction-scoped advisory lock serialises writers of the
chain; on SQLite the single writer lock does; on both, UNIQUE(prev_hash) makes a fork impossible.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from sqlalchemy import select, text

from audit.models import AuditEvent
from extensions import db

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 7_351_002  # arbitrary constant naming the audit chain's advisory lock
SECRET_FIELDS = {"password", "password_hash", "token", "csrf_token", "session_token"}


def _clean(values: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """Drop secrets and make values JSON-safe (dates and decimals as text)."""
    if values is None:
        return None
    return {
        key: (value if isinstance(value, (int, str, bool, type(None), float)) else str(value))
        for key, value in values.items()
        if key not in SECRET_FIELDS
    }


def event_digest(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an event's content and the previous hash."""
    payload = json.dumps({**fields, "prev_hash": prev_hash}, sort_keys=True, ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _content(event: AuditEvent) -> dict[str, Any]:
    """The hashed fields of an event."""
    return {
        "at": event.at.isoformat(timespec="microseconds"),
        "user_id": event.user_id,
        "username": event.username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "outcome": event.outcome,
    }


def _last_hash() -> str:
    """Hash of the newest event, after taking the chain lock where the database has one."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return last or GENESIS


def record(action: str, *, user=None, object_type: str | None = None, object_id: Any = None,
           before: dict | None = None, after: dict | None = None, outcome: str = "ok",
           remote_addr: str | None = None, now: datetime | None = None) -> AuditEvent:
    """Append an event to the session's transaction (the caller commits) and return it."""
    event = AuditEvent(
        at=(now or datetime.now(timezone.utc)).replace(tzinfo=None),
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=_clean(before),
        after=_clean(after),
        outcome=outcome,
        remote_addr=remote_addr,
    )
    event.prev_hash = _last_hash()
    event.hash = event_digest(_content(event), event.prev_hash)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass
class ChainReport:
    """What `verify_chain` found: how many events were checked and the first broken one, if any."""

    checked: int
    broken_id: Optional[int] = None
    problem: Optional[str] = None

    @property
    def ok(self) -> bool:
        """True when every link holds."""
        return self.broken_id is None


def verify_chain(events: Iterable[AuditEvent]) -> ChainReport:
    """Walk events in id order; report the first whose prev_hash or own hash does not hold."""
    expected_prev = GENESIS
    checked = 0
    for event in events:
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "prev_hash does not match the previous event")
        if event_digest(_content(event), event.prev_hash) != event.hash:
            return ChainReport(checked, event.id, "content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)


def verify_database() -> ChainReport:
    """Verify the whole chain stored in the database, streaming in id order."""
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    return verify_chain(events)
