"""Signing in: one write transaction that takes the account's sign-in counters, checks the password
and counts the outcome (auth.throttle says how).

An unknown account, a disabled one, a wrong password and a locked account get the same answer, and
all but a locked one (refused unchecked) the same hash work, so neither the answer nor its time tells
which it was.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from audit.services import record
from auth import throttle
from auth.models import User
from extensions import db

_DUMMY_HASH = generate_password_hash("no account has this password")


def sign_in(name: str, password: str, address: str, now: datetime, policy: throttle.Policy) -> Optional[User]:
    """The account named, when `password` is its password and nothing locks it; else None. Audited;
    run it as one write transaction (core.transactions.commit_with_retry)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    user_id = getattr(user, "id", None)
    where = {"object_type": "user", "object_id": user_id, "remote_addr": address}
    named = {"username": name[:64]}
    gate = throttle.open_gate(user_id, address, now)
    if not gate.allowed:
        record("login.locked", after={**named, "scope": gate.refused_by, "until": gate.until}, outcome="denied",
               **where)
        return None
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)  # the same work as for a real account
    elif user.check_password(password):
        throttle.succeeded(gate)
        user.last_login_at = now
        record("login", user=user, **where)
        return user
    record("login.failed", after=named, outcome="denied", **where)
    locked, until = throttle.failed(gate, now, policy)
    for scope in locked:
        record("account.lockout", after={**named, "scope": scope, "until": until}, outcome="denied", **where)
    return None
