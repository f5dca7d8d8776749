"""AuditEvent: one row per attributable action; the database refuses UPDATE and DELETE on it."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import DDL, JSON, DateTime, ForeignKey, Index, SmallInteger, String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model


class AuditEvent(Model):
    """An event in the chain; `hash` covers every column and `prev_hash`, the hash of the one before."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    username: Mapped[Optional[str]] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[Optional[str]] = mapped_column(String(64))
    object_id: Mapped[Optional[str]] = mapped_column(String(64))
    before: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    after: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    remote_addr: Mapped[Optional[str]] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # How `hash` was computed (audit/chain.py). Rows older than migration 0007 are 1 (unkeyed SHA-256,
    # the server default the migration gave them); every row inserted since is 2 (keyed HMAC): the
    # Python default covers any insert that does not say.
    scheme: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"), default=2)

    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_at", "at"),
    )


# The same triggers are created by the migration; these make `create_all` (used by nothing in
# production) build an identical, append-only table.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()",
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
