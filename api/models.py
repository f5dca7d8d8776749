"""Personal access tokens for the JSON API, and the stored answers of idempotent writes.

A token is shown once, when it is made; the database keeps only its SHA-256 (the token is 32 random
bytes, so a plain digest is enough: there is nothing to guess), a prefix to recognise it by, its
owner, scope (read or write), expiry, last use and revocation.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from extensions import Model

SCOPES = ("read", "write")


class ApiToken(Model):
    """A user's personal access token: the API acts as that user, with their role and area."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    scope: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to tell tokens apart in lists
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("scope IN ('read','write')", name="scope_known"),
        CheckConstraint("length(token_hash) = 64", name="hash_length"),
    )


class IdempotentRequest(Model):
    """A write sent with an `Idempotency-Key`: the request's hash and the answer given, so a retry gets
    the same answer and records nothing twice. Keyed by the user and the key (UNIQUE), so two copies
    sent at once cannot both be recorded."""

    __tablename__ = "api_idempotent_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "key"),)
