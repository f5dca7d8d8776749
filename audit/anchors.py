"""The anchor log: the chain's head written down outside the database, so that deleting the newest
events or re-chaining the trail shows.

The log is `anchors.jsonl` in `AUDIT_ANCHOR_DIR` (default `instance/audit-anchors/`, made 0700; the
file 0600), never inside the database nor its backups. Each line is one JSON object:

    {"at": "2026-05-01T08:00:00Z", "count": 1234, "head_hash": "<64 hex>", "head_id": 5678,
     "kind": "anchor", "mac": "<64 hex>", "prev": "<64 hex>", "reason": "daily", "v": 1}

`count` is the number of events in the chain and `head_id`/`head_hash` its newest event (none and
the genesis hash for an empty chain); `kind` is "anchor", or "restore" when `flask restore` has just
put an older copy of the database back (then the head is the restored one). `prev` is the SHA-256
of the previous line's text (zeros for the first), so removing or reordering lines breaks the next
one; `mac` is an HMAC of all the other fields with the audit key, so a line cannot be altered or
made up without it. Lines are appended under an exclusive `flock`, so server processes and the
command line can anchor at the same moment. Every anchor also gives a short line to copy into a
paper register or another system: nothing on this machine can change that copy.

Verification (`plan_checks`) turns the lines into checkpoints for the chain's walk. A restore puts
history back to an older state, so the anchors written before a restore line are judged against it:
- an anchor whose count is above the restored count ran past the restored head: not checked;
- one within the restored history must hold, unless it was itself written after an earlier restore
  (then this restore may have brought back a backup from before that one, another branch of the
  history): such an anchor is checked, but a mismatch is only a note. The restore line itself pins
  that history instead.
Restore lines and anchors written after the newest restore must all hold.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Optional, overload

from flask import current_app
from sqlalchemy import func, select

from audit.chain import GENESIS, Checkpoint
from audit.keys import AuditKey, audit_key
from audit.models import AuditEvent
from extensions import db

log = logging.getLogger(__name__)

LOG_FILE_NAME = "anchors.jsonl"
FORMAT_VERSION = 1
NO_PREVIOUS_LINE = "0" * 64
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
KINDS = ("anchor", "restore")
LINE_FIELDS = {"v", "kind", "at", "count", "head_id", "head_hash", "reason", "prev", "mac"}
TAIL_BYTES = 4096  # more than any line: enough to find the last one without reading the whole log


class AnchorLogError(RuntimeError):
    """The anchor log cannot be trusted (a line altered, removed or damaged) or written."""


@dataclass(frozen=True)
class AnchorLine:
    """One line of the log, authenticated."""

    number: int
    kind: str
    at: datetime
    count: int
    head_id: Optional[int]
    head_hash: str
    reason: str

    @property
    def label(self) -> str:
        """How verification names this line."""
        return f"{self.kind} of {self.at:%Y-%m-%d %H:%M:%S} UTC (anchor log line {self.number})"

    def paper_line(self) -> str:
        """A short line to copy by hand: time, count, head and the hash's first 16 digits in fours."""
        short = " ".join(self.head_hash[i:i + 4] for i in range(0, 16, 4))
        head = f"#{self.head_id}" if self.head_id is not None else "none"
        return f"{self.at:%Y-%m-%d %H:%M} UTC | {self.kind} | {self.count} events | head {head} | hash {short}"


def anchor_folder() -> Path:
    """The configured folder of the anchor log (default: instance/audit-anchors)."""
    configured = current_app.config.get("AUDIT_ANCHOR_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-anchors"


def log_path() -> Path:
    """The anchor log of the current app."""
    return anchor_folder() / LOG_FILE_NAME


def current_head() -> tuple[int, Optional[int], str]:
    """Count, id and hash of the chain's newest committed event, read in one statement (one snapshot).

    A connection of its own sees only committed events, whatever the caller's session holds."""
    table = AuditEvent.__table__
    count = select(func.count()).select_from(table).scalar_subquery()
    with db.engine.connect() as connection:
        row = connection.execute(select(count, table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)).first()
    return (row[0], row[1], row[2]) if row else (0, None, GENESIS)


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _line_digest(text: Optional[str]) -> str:
    """What the next line's `prev` holds for a line of this text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else NO_PREVIOUS_LINE


def _parse(number: int, text: str, prev: str, key: AuditKey) -> AnchorLine:
    """The line, after checking its fields, its HMAC and its link to the line before."""
    def refuse(why: str) -> AnchorLogError:
        return AnchorLogError(f"anchor log line {number} has been altered or damaged: {why}")

    try:
        fields = json.loads(text)
    except ValueError:
        raise refuse("not JSON") from None
    if not isinstance(fields, dict) or set(fields) != LINE_FIELDS:
        raise refuse("unexpected fields")
    mac = fields.pop("mac")
    if mac != key.line_mac(_canonical(fields)):
        raise refuse("its HMAC does not match (changed, or written without the audit key)")
    if fields["prev"] != prev:
        raise refuse("it does not follow the line before it (a line was removed, inserted or reordered)")
    if fields["v"] != FORMAT_VERSION or fields["kind"] not in KINDS:
        raise refuse("unknown version or kind")
    return AnchorLine(number, fields["kind"], datetime.strptime(fields["at"], TIME_FORMAT).replace(tzinfo=UTC),
                      fields["count"], fields["head_id"], fields["head_hash"], fields["reason"])


def read_log(path: Optional[Path] = None) -> list[AnchorLine]:
    """Every line of the anchor log, authenticated and linked; [] when there is no log yet."""
    path = path or log_path()
    if not path.exists():
        return []
    key, lines, prev = audit_key(), [], NO_PREVIOUS_LINE
    for number, text in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if text == "":
            continue  # the end of the file; a blank line carries nothing to check
        lines.append(_parse(number, text, prev, key))
        prev = _line_digest(text)
    return lines


def _last_line(path: Path) -> Optional[str]:
    """The text of the log's last line, or None when it is empty."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - TAIL_BYTES))
        tail = handle.read().decode("utf-8", errors="replace").rstrip("\n")
    return tail.rsplit("\n", 1)[-1] if tail else None


def _last_time(text: Optional[str]) -> Optional[datetime]:
    """When the line was written (for deciding whether an anchor is due), or None."""
    if text is None:
        return None
    try:
        return datetime.strptime(json.loads(text)["at"], TIME_FORMAT).replace(tzinfo=UTC)
    except (ValueError, KeyError, TypeError):
        raise AnchorLogError("the anchor log's last line is damaged; run `flask audit verify`") from None


@overload
def _append(build: Callable[[Optional[str]], dict[str, Any]]) -> AnchorLine: ...


@overload
def _append(build: Callable[[Optional[str]], Optional[dict[str, Any]]]) -> Optional[AnchorLine]: ...


def _append(build: Callable[[Optional[str]], Optional[dict[str, Any]]]) -> Optional[AnchorLine]:
    """Append the line `build` makes from the last line's text (None: append nothing), holding the
    log's lock from reading the last line to the end of writing the new one."""
    path, key = log_path(), audit_key()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(path)
        fields = build(last)
        if fields is None:
            return None
        fields = {"v": FORMAT_VERSION, **fields, "prev": _line_digest(last)}
        text = json.dumps({**fields, "mac": key.line_mac(_canonical(fields))}, sort_keys=True, ensure_ascii=False,
                          separators=(",", ":"))
        number = path.read_bytes().count(b"\n") + 1
        os.write(fd, (text + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # and with it the lock
    return _parse(number, text, fields["prev"], key)


def _head_fields(kind: str, reason: str, now: Optional[datetime]) -> dict[str, Any]:
    """A new line's fields: the current head, the time and why."""
    count, head_id, head_hash = current_head()
    at = (now or datetime.now(UTC)).astimezone(UTC)
    return {"kind": kind, "at": at.strftime(TIME_FORMAT), "count": count, "head_id": head_id,
            "head_hash": head_hash, "reason": reason[:200]}


def anchor_now(reason: str = "manual", *, now: Optional[datetime] = None) -> AnchorLine:
    """Write the chain's current head (committed events only) to the anchor log and return the line.

    The month close calls it after its commit; `flask audit anchor` and the daily anchoring too.
    Raises (AnchorLogError, OSError) when the log cannot be written: see `try_anchor`."""
    return _append(lambda last: _head_fields("anchor", reason, now))


def try_anchor(reason: str, *, now: Optional[datetime] = None) -> Optional[AnchorLine]:
    """`anchor_now`, logging a failure instead of raising it: for callers whose own work must not
    fail because of the anchor (the month close in a request)."""
    try:
        return anchor_now(reason, now=now)
    except Exception:  # the next anchor (daily) will do; the log says what went wrong
        log.exception("anchoring the audit chain failed")
        return None


def anchor_if_due(every: timedelta, now: datetime) -> Optional[AnchorLine]:
    """Anchor when the newest line of the log is older than `every` (or there is none); the check
    and the anchor are made under the log's lock, so several processes anchor once between them."""
    def build(last: Optional[str]) -> Optional[dict[str, Any]]:
        newest = _last_time(last)
        if newest is not None and now - newest < every:
            return None
        return _head_fields("anchor", "daily", now)

    return _append(build)


def record_restore(source: str, *, now: Optional[datetime] = None) -> AnchorLine:
    """Write a restore line: the database now holds the copy `source` (its head is the restored one)."""
    return _append(lambda last: _head_fields("restore", f"restored from {source}", now))


def plan_checks(lines: list[AnchorLine]) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints the chain must pass, by the restore rules in this module's docstring, and notes
    on the anchors a restore excused."""
    points, notes = [], []
    first_restore = next((line.number for line in lines if line.kind == "restore"), None)
    next_restore: Optional[AnchorLine] = None
    for line in reversed(lines):
        if next_restore is not None and line.count > next_restore.count:
            notes.append(f"the {line.label} runs past the head restored at line {next_restore.number}: not checked")
        else:
            after_a_restore = first_restore is not None and line.number > first_restore
            strict = next_restore is None or not after_a_restore
            points.append(Checkpoint(line.count, line.head_id, line.head_hash, line.label, strict))
        if line.kind == "restore":
            next_restore = line
    return points[::-1], notes[::-1]
