"""User accounts. Passwords are stored only as Werkzeug hashes."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from core.access import ROLES
from core.clock import utcnow
from extensions import Model


class User(UserMixin, Model):
    """A person who signs in. `session_token` changes on logout and disable, killing old cookies."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[Optional[str]] = mapped_column(String(8))
    money_unit: Mapped[Optional[str]] = mapped_column(String(8))  # lists in 'yuan' or 'wan'; None: not chosen
    # The town or township a township's staff work in: they see and propose only projects there
    # (projects.scope). None: the county's offices, who see everything. The table belongs to planning.
    area_id: Mapped[Optional[int]] = mapped_column(ForeignKey("area.id"))
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    password_changed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Approves payment requests others prepared (funds.requests): a finance lead's right, given by the
    # administrator to finance accounts only, so that the approver is never the person who prepared.
    can_approve: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint("role IN ('" + "','".join(ROLES) + "')", name="role_known"),
        CheckConstraint("length(username) > 0", name="username_present"),
        CheckConstraint("money_unit IS NULL OR money_unit IN ('yuan','wan')", name="money_unit_known"),
        CheckConstraint("NOT can_approve OR role = 'finance'", name="approver_in_finance"),
    )

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password` (Werkzeug's default method) and date the change."""
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Invalidate every session cookie issued before now."""
        self.session_token = secrets.token_hex(16)

    # Flask-Login's untyped UserMixin answers a constant True, which the checker reads as Literal[True];
    # overriding it with the account's state is how Flask-Login means it to be used.
    @property
    def is_active(self) -> bool:  # pyright: ignore[reportIncompatibleMethodOverride]
        """Disabled accounts cannot sign in and lose their sessions."""
        return bool(self.active)

    def get_id(self) -> str:
        """Session identity: the id plus the current token, so a rotated token logs the cookie out."""
        return f"{self.id}:{self.session_token}"


def shown_name():
    """SQL: an account's name as people know it, its full name, else its username (for columns such
    as 录入人 / "entered by"; outer-join User and it is NULL for rows nobody entered)."""
    return func.coalesce(func.nullif(User.display_name, ""), User.username)


class SignInThrottle(Model):
    """A counter of failed sign-ins for an account from one address, an account, or an address
    (auth.throttle says how they are counted and what they lock)."""

    __tablename__ = "sign_in_throttle"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started: Mapped[Optional[datetime]] = mapped_column(DateTime)
    locked_until: Mapped[Optional[datetime]] = mapped_column(DateTime)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint("scope IN ('account_address','account','address')", name="scope_known"),
        CheckConstraint("failures >= 0 AND lockouts >= 0", name="counts_not_negative"),
    )
