"""The chain's hashes and its verification: what is hashed, how, and what a verifier must find.

Scheme 2 (every event written since migration 0007): HMAC-SHA256, with the audit key
(audit/keys.py), over the canonical JSON of every stored column of the event (`HASHED_COLUMNS`),
its `prev_hash` and its scheme number. The surrogate `id` is not hashed: the chain's order is its
`prev_hash` links, and ids only let the verifier walk them in order.

Scheme 1 (events written before): plain SHA-256 over the same JSON without `remote_addr` and without
the scheme. Those events stay as they are (the table is append-only) and are verified the old way;
the first keyed event's hash covers their last hash, so changing them means forging a keyed hash.
A scheme-1 event after a scheme-2 one is a downgrade, refused: it could only have been written by
someone recomputing the chain without the key.

Anchors (audit/anchors.py) reach the walk as checkpoints: "the N-th event of the chain is #id with
this hash". They catch what the keyed chain alone cannot: the newest events deleted, and a chain
re-computed by someone holding the key, up to the newest anchor.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from audit.keys import AuditKey, audit_key

GENESIS = "0" * 64
LEGACY_SCHEME = 1
KEYED_SCHEME = 2
# Every stored column but the surrogate id and the chain's own columns (prev_hash, hash, scheme).
HASHED_COLUMNS = ("at", "user_id", "username", "action", "object_type", "object_id", "before", "after", "outcome",
                  "remote_addr")


def event_content(values: Mapping[str, Any]) -> dict[str, Any]:
    """An event's hashed columns in canonical form (the time as ISO text with microseconds)."""
    content = {name: values[name] for name in HASHED_COLUMNS}
    content["at"] = values["at"].isoformat(timespec="microseconds")
    return content


def stored_content(event: Any) -> dict[str, Any]:
    """`event_content` of a stored event (an AuditEvent or any object with its columns)."""
    return event_content({name: getattr(event, name) for name in HASHED_COLUMNS})


def _canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def keyed_digest(content: Mapping[str, Any], prev_hash: str, key: Optional[AuditKey] = None) -> str:
    """The scheme-2 hash of an event: HMAC-SHA256 over its content, prev_hash and scheme."""
    payload = _canonical({**content, "prev_hash": prev_hash, "scheme": KEYED_SCHEME})
    return (key or audit_key()).event_mac(payload)


def legacy_digest(content: Mapping[str, Any], prev_hash: str) -> str:
    """The scheme-1 hash: SHA-256 over the content of those days (no remote_addr) and prev_hash."""
    old_fields = {name: content[name] for name in HASHED_COLUMNS if name != "remote_addr"}
    return hashlib.sha256(_canonical({**old_fields, "prev_hash": prev_hash})).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """An anchored position: the chain's `count`-th event must be #`head_id` with `head_hash`.

    A strict checkpoint that fails is a failure; a soft one only a note (a restore since may have
    replaced the history it describes, see audit/anchors.py)."""

    count: int
    head_id: Optional[int]
    head_hash: str
    label: str
    strict: bool = True


@dataclass
class ChainReport:
    """What verification found: events checked, the first problem (and its event, if any), notes."""

    checked: int
    broken_id: Optional[int] = None
    problem: Optional[str] = None
    anchors_checked: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every link, hash and strict anchor holds."""
        return self.problem is None


def _event_problem(event: Any, expected_prev: str, keyed_seen: bool, key: Optional[AuditKey]) -> Optional[str]:
    """Why `event` does not belong where it stands in the chain, or None."""
    if event.prev_hash != expected_prev:
        return "prev_hash does not match the previous event (an event was deleted or inserted)"
    if event.scheme == LEGACY_SCHEME:
        if keyed_seen:
            return "scheme downgrade: an unkeyed (scheme 1) event after keyed ones"
        if legacy_digest(stored_content(event), event.prev_hash) != event.hash:
            return "content does not match its hash"
        return None
    if event.scheme != KEYED_SCHEME:
        return f"unknown hash scheme {event.scheme!r}"
    if keyed_digest(stored_content(event), event.prev_hash, key) != event.hash:
        return "content does not match its hash (a column was altered, or the chain re-computed without the key)"
    return None


def _checkpoint_problem(point: Checkpoint, event: Any) -> Optional[str]:
    """Why the event at the checkpoint's position is not the anchored one, or None."""
    if event.id == point.head_id and event.hash == point.head_hash:
        return None
    return (f"the {point.label} recorded event #{point.head_id} (hash {point.head_hash[:16]}…) as event number "
            f"{point.count}, but the chain has #{event.id} (hash {event.hash[:16]}…) there: events before it "
            f"were deleted, inserted or re-chained")


def _past_the_end(point: Checkpoint, length: int) -> str:
    return (f"the chain has {length} events but the {point.label} recorded {point.count}: "
            f"the newest {point.count - length} or more were deleted")


def verify_chain(events: Iterable[Any], checkpoints: Iterable[Checkpoint] = (),
                 key: Optional[AuditKey] = None) -> ChainReport:
    """Walk `events` in id order (streaming): each must link to the one before, match its hash under
    its scheme and never downgrade; each checkpoint must find its event at its position."""
    waiting: dict[int, list[Checkpoint]] = {}
    for point in checkpoints:
        waiting.setdefault(point.count, []).append(point)
    report = ChainReport(0, anchors_checked=len(waiting.pop(0, ())))  # an empty chain's anchor always holds
    expected_prev, keyed_seen = GENESIS, False
    for event in events:
        if event.scheme == KEYED_SCHEME and key is None:
            key = audit_key()
        problem = _event_problem(event, expected_prev, keyed_seen, key)
        if problem:
            report.broken_id, report.problem = event.id, problem
            return report
        report.checked += 1
        keyed_seen = keyed_seen or event.scheme == KEYED_SCHEME
        for point in waiting.pop(report.checked, ()):
            if _note_or_fail(report, point, _checkpoint_problem(point, event)):
                report.broken_id = event.id
                return report
        expected_prev = event.hash
    for count in sorted(waiting):
        for point in waiting[count]:
            if _note_or_fail(report, point, _past_the_end(point, report.checked)):
                return report
    return report


def _note_or_fail(report: ChainReport, point: Checkpoint, problem: Optional[str]) -> bool:
    """Count the checkpoint; put its problem in the report (as the failure when strict). True on failure."""
    report.anchors_checked += 1
    if problem is None:
        return False
    if point.strict:
        report.problem = problem
        return True
    report.notes.append(f"{problem} (the history it describes was replaced by a later restore)")
    return False
