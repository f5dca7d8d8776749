"""Which figures kept in step have had their one full build.

Tables that the services keep in step with the data (the standing fund-rule breaches, say) start
empty when a migration adds them to a database that already holds data, and a migration cannot
compute them (it must not run the application's code). Such a table is "built" once something has
filled it for the whole database; until then its readers compute the long way. A migration marks a
table built at once when the database has nothing to build it from.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from extensions import Model, db


class KeptState(Model):
    """One row per table of kept figures that has been built for the whole database."""

    __tablename__ = "kept_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)


def _known() -> set[str]:
    return current_app.extensions.setdefault("kept_built", set())


def is_built(name: str) -> bool:
    """True when the kept figures `name` were built (remembered by this process once true)."""
    known = _known()
    if name in known:
        return True
    if db.session.get(KeptState, name) is not None:
        known.add(name)
        return True
    return False


def mark_built(name: str) -> None:
    """Record, in the caller's transaction, that the kept figures `name` are complete."""
    if db.session.get(KeptState, name) is None:
        db.session.add(KeptState(name=name))
        db.session.flush()


def built_names() -> list[str]:
    """The kept figures built so far."""
    return list(db.session.scalars(select(KeptState.name).order_by(KeptState.name)))
