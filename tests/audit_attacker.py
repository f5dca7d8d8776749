"""Someone who can write the SQLite file, tampering with the audit trail as the security review did:
drop the append-only triggers with raw SQL, delete, insert and update rows, and recompute the chain.

`rechain_unkeyed` is the review's "20-line script": it uses nothing of Liandong's, only the
plain SHA-256 chain as the code of migration 0006 wrote it. `rechain_with_key` is the same done by
someone who also holds the audit key (and so can use Liandong's own keyed digest).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, Optional

from audit.chain import event_content, keyed_digest

COLUMNS = ("id", "at", "user_id", "username", "action", "object_type", "object_id", "before", "after", "outcome",
           "remote_addr", "prev_hash", "hash", "scheme")


def open_without_triggers(path: str) -> sqlite3.Connection:
    """A connection to the database file with the append-only triggers dropped."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    connection.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    return connection


def rows(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every event as stored, oldest first, with JSON and times parsed."""
    found = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_event ORDER BY id").fetchall()
    events = [dict(zip(COLUMNS, row)) for row in found]
    for event in events:
        event["at"] = datetime.fromisoformat(event["at"])
        for name in ("before", "after"):
            event[name] = json.loads(event[name]) if event[name] else None
    return events


def unkeyed_hash(event: dict[str, Any], prev_hash: str) -> str:
    """The review's script: SHA-256 over the canonical JSON of the event and the previous hash."""
    fields = {name: event[name] for name in ("user_id", "username", "action", "object_type", "object_id", "before",
                                              "after", "outcome")}
    fields["at"] = event["at"].isoformat(timespec="microseconds")
    payload = json.dumps({**fields, "prev_hash": prev_hash}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _rechain(connection: sqlite3.Connection, digest: Callable[[dict, str], str], scheme: Optional[int],
             from_id: int) -> None:
    """Recompute the links and hashes of the events from `from_id` on, in id order; give them `scheme`
    when it is not None."""
    # Placeholders first: UNIQUE(prev_hash, hash) would refuse a value another row still holds.
    connection.execute("UPDATE audit_event SET prev_hash = 'p' || id, hash = 'h' || id WHERE id >= ?", (from_id,))
    prev_hash = "0" * 64
    for event in rows(connection):
        if event["id"] < from_id:
            prev_hash = event["hash"]
            continue
        new_hash = digest(event, prev_hash)
        connection.execute("UPDATE audit_event SET prev_hash = ?, hash = ?, scheme = ? WHERE id = ?",
                           (prev_hash, new_hash, event["scheme"] if scheme is None else scheme, event["id"]))
        prev_hash = new_hash


def rechain_unkeyed(connection: sqlite3.Connection, scheme: Optional[int] = None, from_id: int = 0) -> None:
    """Recompute the chain from `from_id` on with plain SHA-256 (keeping each event's scheme unless told)."""
    _rechain(connection, unkeyed_hash, scheme, from_id)


def rechain_with_key(connection: sqlite3.Connection, key) -> None:
    """Recompute the whole chain with the real audit key (an insider holding it)."""
    _rechain(connection, lambda event, prev_hash: keyed_digest(event_content(event), prev_hash, key), None, 0)


def insert_event(connection: sqlite3.Connection, event: dict[str, Any]) -> None:
    """Insert a row (times and JSON given as Python values)."""
    values = {**event, "at": event["at"].isoformat(sep=" "),
              "before": json.dumps(event["before"]) if event["before"] is not None else None,
              "after": json.dumps(event["after"]) if event["after"] is not None else None}
    names = [name for name in COLUMNS if name in values]
    connection.execute(f"INSERT INTO audit_event ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                       [values[name] for name in names])
