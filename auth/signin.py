"""Signing in, in three steps so that no lock is held while a password hash is computed:

    attempt = commit_with_retry(lambda: begin(name, address, now, policy))   # count it first
    accepted = password_matches(attempt, password)                            # outside any transaction
    user = commit_with_retry(lambda: finish(attempt, accepted, now))          # audit; None unless accepted

An unknown account, a disabled one, a wrong password and a locked account get the same answer and
(but for a locked one, which is refused unchecked) the same hash work, so neither the answer nor its
time tells which it was. auth.throttle says how attempts are counted and locked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from audit.services import record
from auth import throttle
from auth.models import User
from extensions import db

_DUMMY_HASH = generate_password_hash("no account has this password")


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt after it was counted: who it names, from where, and what may be checked."""

    name: str
    address: str
    user_id: Optional[int]
    password_hash: Optional[str]  # None for an unknown or disabled account
    reservation: throttle.Reservation


def begin(name: str, address: str, now: datetime, policy: throttle.Policy) -> Attempt:
    """Find the account named and count the attempt against its limits (the caller commits at once)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    reservation = throttle.reserve(getattr(user, "id", None), address, now, policy)
    usable = user is not None and user.active
    return Attempt(name, address, getattr(user, "id", None), user.password_hash if usable else None, reservation)


def password_matches(attempt: Attempt, password: str) -> bool:
    """True when the attempt may be checked and its password is the account's."""
    if not attempt.reservation.allowed:
        return False
    if attempt.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work as for a real account
        return False
    return check_password_hash(attempt.password_hash, password)


def finish(attempt: Attempt, accepted: bool, now: datetime) -> Optional[User]:
    """Record the outcome; for an accepted attempt give its count back and return the user."""
    where = {"object_type": "user", "object_id": attempt.user_id, "remote_addr": attempt.address}
    named = {"username": attempt.name[:64]}
    if not attempt.reservation.allowed:
        record("login.locked", after={**named, "scope": attempt.reservation.refused_by,
                                      "until": attempt.reservation.until}, outcome="denied", **where)
        return None
    if not accepted:
        record("login.failed", after=named, outcome="denied", **where)
        for scope in attempt.reservation.locked:
            record("account.lockout", after={**named, "scope": scope, "until": attempt.reservation.until},
                   outcome="denied", **where)
        return None
    user = db.session.get(User, attempt.user_id)
    throttle.succeeded(attempt.reservation)
    user.last_login_at = now
    record("login", user=user, **where)
    return user
