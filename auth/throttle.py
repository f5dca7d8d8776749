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

An attempt takes the rows of its account's counters under lock (`SELECT ... FOR UPDATE` on
PostgreSQL; on SQLite its write transaction holds the writer lock), is refused unchecked when one is
locked, and keeps them locked while its password is checked and its outcome counted, in one
transaction: parallel guesses at one account queue on its rows, so a burst is checked no faster than
one guess after another and the sixth never reaches the password. A correct password clears the
account's counter at that address. The address's own counter is not held during the check (that
would make everyone behind one office router wait for each other): it is locked only for the moment
a failure is added to it.
Which address a request comes from: `request.remote_addr`, set from X-Forwarded-For only for the
number of trusted proxies configured (`LIANDONG_PROXY_HOPS`, app.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

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
    def from_config(cls, config: Mapping) -> Policy:
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
class Gate:
    """An attempt's counters, taken: whether the password may be checked, and what refused it."""

    keys: tuple[tuple[str, str], ...]
    refused_by: Optional[str] = None  # the locked counter that refuses the attempt unchecked
    until: Optional[datetime] = None  # when that lock ends

    @property
    def allowed(self) -> bool:
        """True when no counter of the attempt is locked."""
        return self.refused_by is None


def _keys(user_id: Optional[int], address: str) -> list[tuple[str, str]]:
    keys = [(ADDRESS, address[:64] or "-")]
    if user_id is not None:
        keys += [(ACCOUNT, str(user_id)), (ACCOUNT_ADDRESS, f"{user_id}|{address}"[:200])]
    return sorted(keys)  # one order everywhere: two attempts never wait for each other in a circle


def _row(scope: str, key: str, lock: bool) -> SignInThrottle:
    """The counter's row, created when missing; locked until the transaction ends when `lock`."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SignInThrottle)
    db.session.execute(insert.values(scope=scope, key=key, failures=0, lockouts=0).on_conflict_do_nothing())
    query = select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
    if lock and dialect == "postgresql":
        query = query.with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def _limit(policy: Policy, scope: str) -> int:
    return {ACCOUNT_ADDRESS: policy.max_failures, ACCOUNT: policy.account_max_failures,
            ADDRESS: policy.address_max_failures}[scope]


def open_gate(user_id: Optional[int], address: str, now: datetime) -> Gate:
    """Take the attempt's counters (the account's ones locked until the transaction ends) and say
    whether its password may be checked. Call it first in the attempt's write transaction."""
    take_write_lock(db.session)
    keys = _keys(user_id, address)
    for scope, key in keys:
        row = _row(scope, key, lock=scope != ADDRESS)
        if row.locked_until is not None and row.locked_until > now:
            return Gate(tuple(keys), scope, row.locked_until)
    return Gate(tuple(keys))


def failed(gate: Gate, now: datetime, policy: Policy) -> tuple[tuple[str, ...], Optional[datetime]]:
    """Count a wrong password on each counter of the attempt; the counters it brought to their
    limit (now locked) and until when."""
    locked, until = [], None
    for scope, key in gate.keys:
        row = _row(scope, key, lock=True)  # the address's row only now, for this one update
        row_until = _count(row, now, policy)
        if row_until is not None:
            locked.append(scope)
            until = row_until if until is None else max(until, row_until)
    db.session.flush()
    return tuple(locked), until


def _count(row: SignInThrottle, now: datetime, policy: Policy) -> Optional[datetime]:
    """Add a failure to a counter (starting a new window when the last one ended or a lock expired);
    lock it when it reaches its limit and say until when (None: not locked)."""
    window = timedelta(minutes=policy.window_minutes)
    started = row.window_started
    if started is not None and started <= now - timedelta(days=1):
        row.lockouts = 0  # a quiet day: the next lockout is a first one again
    if started is None or started <= now - window or row.locked_until is not None:
        started, row.failures = now, 1
    else:
        row.failures += 1
    row.window_started = started
    row.locked_until = None
    if row.failures < _limit(policy, row.scope):
        return None
    row.lockouts += 1
    length = policy.lock_length(row.lockouts) if row.scope == ACCOUNT_ADDRESS else started + window - now
    row.locked_until = now + max(length, timedelta(minutes=1))
    return row.locked_until


def succeeded(gate: Gate) -> None:
    """The password was right: the account's counter at this address starts again from nothing."""
    for scope, key in gate.keys:
        if scope == ACCOUNT_ADDRESS:
            db.session.execute(update(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
                               .values(failures=0, locked_until=None, lockouts=0, window_started=None))


def forget_account(user_id: int) -> None:
    """Clear every counter of an account (an administrator set a new password)."""
    db.session.execute(update(SignInThrottle).where(
        (SignInThrottle.scope == ACCOUNT) & (SignInThrottle.key == str(user_id))
        | (SignInThrottle.scope == ACCOUNT_ADDRESS) & SignInThrottle.key.startswith(f"{user_id}|", autoescape=True))
        .values(failures=0, locked_until=None, lockouts=0))
