"""Counting failed sign-ins so that guessing a password cannot succeed and locking someone out is hard.

Three counters, each a row of `sign_in_throttle`, in the database so that every server process
(gunicorn workers, several machines) counts the same failures:

- **account from one address** (`account_address`): after `LOGIN_MAX_FAILURES` (5) failures the
  account is locked *for that address* for `LOGIN_LOCK_MINUTES` (5), doubling with each lockout in a
  row up to `LOGIN_LOCK_MAX_MINUTES` (60). This is what stops a guesser; the account's owner, at
  another address, can still sign in.
- **account from any address** (`account`): `LOGIN_ACCOUNT_MAX_FAILURES` (30) failures within
  `LOGIN_WINDOW_MINUTES` (60) lock the account everywhere until the window ends: a guesser using many
  addresses gets at most 30 guesses an hour (OWASP ASVS 2.2.1 allows no more than 100), and locking
  the owner out takes failures from at least six addresses, not five anonymous requests.
- **address, any account** (`address`): `LOGIN_ADDRESS_MAX_FAILURES` (50) failures within the window
  refuse that address everything: password spraying over many accounts from one place.

An attempt is counted **before** its password is checked (`reserve`), under the counter rows' locks
(the writer lock on SQLite, `SELECT ... FOR UPDATE` on PostgreSQL), in a short transaction of its
own: a burst of parallel guesses queues on the rows, and only the first ones within the limit get a
password check; the others are refused unchecked. An attempt that fails stays counted whatever
happens after (even a crash); one that succeeds gives its reservation back (`succeeded`).
Which address a request comes from: `request.remote_addr`, set from X-Forwarded-For only for the
number of trusted proxies configured (`LIANDONG_PROXY_HOPS`, app.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping, Optional

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from auth.models import SignInThrottle
from core.database import take_write_lock
from extensions import db

ACCOUNT_ADDRESS, ACCOUNT, ADDRESS = "account_address", "account", "address"


@dataclass(frozen=True)
class Policy:
    """The limits, from the app's configuration (module docstring)."""

    max_failures: int = 5
    lock_minutes: int = 5
    lock_max_minutes: int = 60
    account_max_failures: int = 30
    address_max_failures: int = 50
    window_minutes: int = 60

    @classmethod
    def from_config(cls, config: Mapping) -> "Policy":
        """The policy set in the app's configuration (LOGIN_* keys), defaults for what is missing."""
        keys = {"max_failures": "LOGIN_MAX_FAILURES", "lock_minutes": "LOGIN_LOCK_MINUTES",
                "lock_max_minutes": "LOGIN_LOCK_MAX_MINUTES", "account_max_failures": "LOGIN_ACCOUNT_MAX_FAILURES",
                "address_max_failures": "LOGIN_ADDRESS_MAX_FAILURES", "window_minutes": "LOGIN_WINDOW_MINUTES"}
        return cls(**{name: int(config[key]) for name, key in keys.items() if key in config})

    def lock_length(self, lockouts: int) -> timedelta:
        """How long the `lockouts`-th lockout in a row of an account at one address lasts."""
        minutes = self.lock_minutes * 2 ** min(max(lockouts - 1, 0), 16)
        return timedelta(minutes=min(minutes, self.lock_max_minutes))


@dataclass(frozen=True)
class Reservation:
    """What `reserve` decided: may the password be checked, and which counters it moved."""

    allowed: bool
    refused_by: Optional[str] = None  # the locked counter that refused the attempt unchecked
    locked: tuple[str, ...] = ()  # counters this attempt brought to their limit: if it fails, they stay locked
    keys: tuple[tuple[str, str], ...] = ()
    until: Optional[datetime] = None  # when the lock that refused it, or that it set, ends


def _keys(user_id: Optional[int], address: str) -> list[tuple[str, str]]:
    keys = [(ADDRESS, address[:64])]
    if user_id is not None:
        keys += [(ACCOUNT, str(user_id)), (ACCOUNT_ADDRESS, f"{user_id}|{address}"[:200])]
    return keys


def _locked_row(scope: str, key: str) -> SignInThrottle:
    """The counter's row, created when missing, with its lock held until the transaction ends."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SignInThrottle)
    db.session.execute(insert.values(scope=scope, key=key, failures=0, lockouts=0).on_conflict_do_nothing())
    query = select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
    if dialect == "postgresql":
        query = query.with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def _limit(policy: Policy, scope: str) -> int:
    return {ACCOUNT_ADDRESS: policy.max_failures, ACCOUNT: policy.account_max_failures,
            ADDRESS: policy.address_max_failures}[scope]


def reserve(user_id: Optional[int], address: str, now: datetime, policy: Policy) -> Reservation:
    """Count one attempt against each counter of the account and address, or refuse it unchecked when
    a counter is locked (the caller commits at once, before checking the password)."""
    take_write_lock(db.session)
    keys = _keys(user_id, address or "-")
    rows = [_locked_row(scope, key) for scope, key in sorted(keys)]  # one order everywhere: no deadlock
    for row in rows:
        if row.locked_until is not None and row.locked_until > now:
            return Reservation(False, refused_by=row.scope, until=row.locked_until)
    locked, until = [], None
    for row in rows:
        if _count(row, now, policy):
            locked.append(row.scope)
            until = max(until or row.locked_until, row.locked_until)
    db.session.flush()
    return Reservation(True, locked=tuple(locked), keys=tuple(keys), until=until)


def _count(row: SignInThrottle, now: datetime, policy: Policy) -> bool:
    """Add a failure to an unlocked counter (starting a new window when the last one ended or a lock
    expired); lock it when it reaches its limit and say so."""
    window = timedelta(minutes=policy.window_minutes)
    if row.window_started is not None and row.window_started <= now - timedelta(days=1):
        row.lockouts = 0  # a quiet day: the next lockout is a first one again
    restart = row.window_started is None or row.window_started <= now - window or row.locked_until is not None
    row.failures = 1 if restart else row.failures + 1
    row.window_started = now if restart else row.window_started
    row.locked_until = None
    if row.failures < _limit(policy, row.scope):
        return False
    row.lockouts += 1
    length = policy.lock_length(row.lockouts) if row.scope == ACCOUNT_ADDRESS else row.window_started + window - now
    row.locked_until = now + max(length, timedelta(minutes=1))
    return True


def succeeded(reservation: Reservation) -> None:
    """The password was right: give the attempt back, lift any lock it set, and clear the account's
    counter at this address (lockouts in a row start again from one)."""
    take_write_lock(db.session)
    for scope, key in sorted(reservation.keys):
        values: dict = {"failures": 0, "lockouts": 0} if scope == ACCOUNT_ADDRESS else {
            "failures": SignInThrottle.failures - 1}
        if scope == ACCOUNT_ADDRESS or scope in reservation.locked:
            values["locked_until"] = None
        db.session.execute(update(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key,
                                                        SignInThrottle.failures > 0).values(**values))


def forget_account(user_id: int) -> None:
    """Clear every counter of an account (an administrator set a new password)."""
    db.session.execute(update(SignInThrottle).where(
        (SignInThrottle.scope == ACCOUNT) & (SignInThrottle.key == str(user_id))
        | (SignInThrottle.scope == ACCOUNT_ADDRESS) & SignInThrottle.key.startswith(f"{user_id}|", autoescape=True))
        .values(failures=0, locked_until=None, lockouts=0))
