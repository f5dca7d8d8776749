"""Run a unit of work as one transaction, retrying when the database says "try again".

Each attempt is a write transaction from its first read (core.database: BEGIN IMMEDIATE on SQLite),
so what the work checks still holds when it commits. PostgreSQL may abort a transaction that lost a
race (serialization failure, deadlock), SQLite may give up waiting for the writer lock, a row kept
under optimistic locking may have changed since it was read (the retry then sees the change and the
service says so), and two people saving the same unique value at once make one of them fail a
UNIQUE constraint. Either way
nothing of the failed attempt is stored; we retry a couple of times and otherwise report a
conflict the user can act on.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from core.database import take_write_lock, writing
from extensions import db

T = TypeVar("T")
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class ConflictError(RuntimeError):
    """The work could not be stored because of a concurrent change; nothing was stored."""


def is_lock_timeout(error: BaseException) -> bool:
    """SQLite's writer lock was not free within the busy timeout ("database is locked")."""
    return isinstance(error, OperationalError) and "locked" in str(error.orig).lower()


def _retryable(error: DBAPIError) -> bool:
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    if code in RETRYABLE_SQLSTATES:
        return True
    return is_lock_timeout(error)


def commit_with_retry(work: Callable[[], T], attempts: int = 3) -> T:
    """Call `work()` and commit; on a retryable failure roll back and try again (at most `attempts`)."""
    for attempt in range(1, attempts + 1):
        try:
            with writing():
                take_write_lock(db.session)  # an open reader becomes a writer, or fails and is retried
                result = work()
                db.session.commit()
            return result
        except IntegrityError as error:
            db.session.rollback()
            raise ConflictError(str(error.orig)) from error
        except StaleDataError as error:  # a row changed under us (optimistic locking): look again
            db.session.rollback()
            if attempt == attempts:
                raise ConflictError(str(error)) from error
        except DBAPIError as error:
            db.session.rollback()
            if not _retryable(error) or attempt == attempts:
                raise ConflictError(str(error.orig)) from error
    raise AssertionError("unreachable")  # pragma: no cover
