"""How Liandong's connections behave: SQLite made to keep the promises PostgreSQL keeps, and write
transactions that hold their lock from their first read.

SQLite allows one writer at a time. Python's sqlite3 driver starts a transaction only at the first
INSERT/UPDATE/DELETE (a deferred BEGIN); the SELECTs before it run on their own and see the database
as it is at that moment. That is right for pages that only read (each read sees the newest data and
nobody waits), but wrong for a unit of work that checks and then writes: between "is the month
closed?" and the INSERT of a payment, another request could close the month and commit.

So a **write transaction** starts with `BEGIN IMMEDIATE`, which takes the writer lock before its
first read (waiting, up to the busy timeout, for the writer before it): everything it checks stays
true until it commits. Requests that change something (POST, PUT, PATCH, DELETE) and every unit of
work run by `core.transactions.commit_with_retry` are write transactions, and `take_write_lock()`
makes the current one a writer where other code must write (the audit chain does, before reading
its head). Other work keeps the driver's behaviour. On PostgreSQL nothing changes here: the services
lock the rows they check (`SELECT ... FOR UPDATE`).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from flask import has_request_context, request
from sqlalchemy import Executable, event
from sqlalchemy.engine import Connection, CursorResult, Engine

from extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 10_000
_write_intent: ContextVar[bool] = ContextVar("liandong_write_intent", default=False)


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    """Foreign keys on, a busy timeout, and WAL (readers never wait for the writer, nor it for them)."""
    if not _is_sqlite(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")  # in-memory databases refuse it and stay as they are
    cursor.close()


def wants_write() -> bool:
    """True when the transaction about to start will write: inside `writing()`, or in a request
    whose method changes something."""
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


@event.listens_for(Engine, "begin")
def _begin(connection: Connection) -> None:
    """Start a write transaction on SQLite with the writer lock (module docstring)."""
    if connection.dialect.name == "sqlite" and wants_write():
        _begin_immediate(connection)


def _begin_immediate(connection: Connection) -> None:
    driver_connection = connection.connection.dbapi_connection
    # None only once the pool has invalidated it; a connection that is beginning is live.
    assert driver_connection is not None
    if not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def writing() -> Iterator[None]:
    """Transactions started inside the block are write transactions (BEGIN IMMEDIATE on SQLite)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def take_write_lock(session) -> None:
    """Make the session's transaction hold SQLite's writer lock from here on (a no-op when it holds
    it already, having begun as a writer or written something). PostgreSQL: nothing to do."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _begin_immediate(connection)


def rows_changed(statement: Executable) -> int:
    """How many rows an UPDATE or DELETE, run in the app's session, changed: 0 when no row met
    its WHERE guard, which the caller turns into a refusal.

    `Session.execute` is typed as returning a `Result`, which has no `rowcount`; for a DML
    statement it returns a `CursorResult`, which has.
    """
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount
