"""Remembering what a spreadsheet value means, and forgetting it: audited, per kind of column.

    remembered(["category", "status"])            # {kind: {value key: code}}, read once per import
    remember("category", key, "宽带进村", "telecom", actor=user)
    forget(value, actor=user)

The caller commits (the value-mapping step through core.saving.save, the CLI with the import it
maps for). A value remembered again for another code replaces the mapping, recorded with both.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from audit.services import record
from core.clock import utcnow
from core.errors import Refused
from core.i18n import _l
from extensions import db
from import_values.kinds import registered
from import_values.models import ImportValue

MAX_KEY, MAX_VALUE = 240, 300


def remembered(kinds: Iterable[str]) -> dict[str, dict[str, str]]:
    """{kind: {value key: code}} of every remembered value of these kinds (each kind present)."""
    wanted = list(kinds)
    found: dict[str, dict[str, str]] = {kind: {} for kind in wanted}
    rows = db.session.execute(select(ImportValue.kind, ImportValue.value_key, ImportValue.code)
                              .where(ImportValue.kind.in_(wanted)))
    for kind, key, code in rows:
        found[kind][key] = code
    return found


def remember(kind: str, key: str, value: str, code: str, *, actor=None) -> ImportValue:
    """Remember that `value` (stored under `key`) means `code` in columns of `kind`; Refused for an
    unknown kind or code, or an empty or overlong value."""
    kinds = registered()
    if kind not in kinds:
        raise Refused("kind", _l("Values of this kind of column cannot be mapped."))
    if not key or len(key) > MAX_KEY or len(value) > MAX_VALUE:
        raise Refused("value", _l("Only a value of 1 to %(n)d characters can be remembered.", n=MAX_KEY))
    if code not in kinds[kind].choices():
        raise Refused("code", _l("%(code)s is not one of the values this column accepts.", code=code))
    stored = db.session.scalar(select(ImportValue).where(ImportValue.kind == kind, ImportValue.value_key == key))
    if stored is not None and stored.code == code:
        return stored
    before = {"means": stored.code} if stored is not None else None
    if stored is None:
        stored = ImportValue(kind=kind, value_key=key, value=value.strip()[:MAX_VALUE],
                             created_by_id=getattr(actor, "id", None))
        db.session.add(stored)
    stored.code, stored.created_by_id = code, getattr(actor, "id", None)
    if before is not None:
        stored.created_at = utcnow()
    db.session.flush()
    record("import_value.remember", user=actor, object_type="import_value", object_id=stored.id, before=before,
           after={"column": kind, "written": stored.value, "means": code})
    return stored


def forget(value: ImportValue, *, actor=None) -> None:
    """Forget a remembered value: later imports ask again what it means."""
    before = {"column": value.kind, "written": value.value, "means": value.code}
    value_id = value.id
    db.session.delete(value)
    db.session.flush()
    record("import_value.forget", user=actor, object_type="import_value", object_id=value_id, before=before)


def all_values() -> list[ImportValue]:
    """Every remembered value, by kind, then as written."""
    return list(db.session.scalars(select(ImportValue).order_by(ImportValue.kind, ImportValue.value,
                                                                ImportValue.id)))
