"""Audit events as an auditor reads them: named actions, outcomes and fields, money in 元, coded values
as their labels, times in the county's zone, and a link to each object that can be shown.

`present(events)` turns a page of stored events into `EventRow`s for the trail's page and its export;
what each code is called comes from the features (audit/vocabulary.py). A code no feature named is
shown as stored, so nothing is ever hidden by a missing word.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from flask_babel import gettext as _

from audit.models import AuditEvent
from audit.vocabulary import Vocabulary, vocabulary
from core.clock import format_time
from core.i18n import _l
from core.units import with_unit

OUTCOMES = {"ok": _l("Done"), "denied": _l("Refused")}
DASH = "—"
_DENIAL = re.compile(r"^role (\w+) not in ([\w,]+)$")  # core.access's words for a refused role


@dataclass(frozen=True)
class Change:
    """One field of an event: its name, and its value before and after ('' when not recorded)."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    """An event as shown: every text already in the reader's language."""

    id: int
    at: datetime
    time: str
    username: str
    action: str
    action_code: str
    object_kind: str
    object_id: str
    object_url: Optional[str]
    changes: tuple[Change, ...]
    outcome: str
    outcome_code: str
    remote_addr: str

    def change_text(self) -> str:
        """The changes on one line each, for an export cell: 'Amount: 1.00 元 → 2.00 元'."""
        return "\n".join(_change_line(change) for change in self.changes)


def _change_line(change: Change) -> str:
    if change.before and change.after:
        return f"{change.field}: {change.before} → {change.after}"
    return f"{change.field}: {change.after or change.before}"


def action_label(code: str, words: Optional[Vocabulary] = None) -> str:
    """The action's name (its code when no feature named it)."""
    return str((words or vocabulary()).actions.get(code, code))


def outcome_label(code: str) -> str:
    """'Done' or 'Refused' in the reader's language."""
    return str(OUTCOMES.get(code, code))


def object_label(code: Optional[str], words: Optional[Vocabulary] = None) -> str:
    """The kind of object's name ('' for an event about no object)."""
    if not code:
        return ""
    return str((words or vocabulary()).objects.get(code, code))


def value_text(key: str, value: Any, words: Optional[Vocabulary] = None) -> str:
    """A recorded value as people read it: 元 for fen, labels for codes, local times, yes/no; a
    structure (a rule's parameters, kept as JSON text) field by field in the same words."""
    words = words or vocabulary()
    if value is None or value == "":
        return DASH
    if isinstance(value, str) and value[:1] in ("{", "["):
        value = _parsed(value)
    if isinstance(value, dict):
        return str(_("; ")).join(f"{field_label(name, words)}: {value_text(name, item, words)}"
                                 for name, item in value.items()) or DASH
    if isinstance(value, list):
        return str(_(", ")).join(value_text(key, item, words) for item in value) or DASH
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_fen") and _is_integer(value):
        return with_unit(int(value))
    labels = words.values.get(key)
    if labels is not None and str(value) in labels:
        return str(labels[str(value)])
    if key in words.times:
        return _time_text(value)
    if key.endswith("_pct") and _is_integer(value):
        return f"{int(value)}%"
    if key == "period" and _is_integer(value) and 190001 <= int(value) <= 999912:
        return f"{int(value) // 100}-{int(value) % 100:02d}"
    if key == "reason" and isinstance(value, str) and (denial := _DENIAL.match(value)):
        return _("the role %(role)s may not do this (only %(roles)s)", role=_role(denial.group(1), words),
                 roles="、".join(_role(role, words) for role in denial.group(2).split(",")))
    return str(value)


def _parsed(text: str) -> Any:
    """JSON text as its structure (the text itself when it is not JSON)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _role(code: str, words: Vocabulary) -> str:
    return str(words.values.get("role", {}).get(code, code))


def _is_integer(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value) is not None


def _time_text(value: Any) -> str:
    """A moment kept as text in a before/after (naive UTC, as `str(datetime)` wrote it) in local time."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_time(moment, seconds=True)


def field_label(key: str, words: Optional[Vocabulary] = None) -> str:
    """The field's name (its code when no feature named it)."""
    return str((words or vocabulary()).fields.get(key, key))


def changes(before: Optional[Mapping[str, Any]], after: Optional[Mapping[str, Any]],
            words: Optional[Vocabulary] = None) -> tuple[Change, ...]:
    """Each recorded field, in the order recorded (after's first), with both values as text."""
    words = words or vocabulary()
    before, after = before or {}, after or {}
    keys = list(after) + [key for key in before if key not in after]
    return tuple(Change(field_label(key, words), value_text(key, before[key], words) if key in before else "",
                        value_text(key, after[key], words) if key in after else "") for key in keys)


def object_urls(events: Iterable[AuditEvent], words: Optional[Vocabulary] = None) -> dict[tuple[str, str], str]:
    """{(object type, object id): url} for the events' objects that can be shown, one query per type."""
    words = words or vocabulary()
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type in words.links and event.object_id:
            wanted[event.object_type].add(event.object_id)
    urls: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        for object_id, url in words.links[kind](sorted(ids)).items():
            urls[(kind, object_id)] = url
    return urls


def present(events: Iterable[AuditEvent], with_links: bool = True) -> list[EventRow]:
    """Stored events as rows for a page or an export, in the order given."""
    events, words = list(events), vocabulary()
    urls = object_urls(events, words) if with_links else {}
    return [EventRow(
        id=event.id, at=event.at, time=format_time(event.at, seconds=True), username=event.username or DASH,
        action=action_label(event.action, words), action_code=event.action,
        object_kind=object_label(event.object_type, words), object_id=event.object_id or "",
        object_url=urls.get((event.object_type or "", event.object_id or "")),
        changes=changes(event.before, event.after, words), outcome=outcome_label(event.outcome),
        outcome_code=event.outcome, remote_addr=event.remote_addr or "") for event in events]
