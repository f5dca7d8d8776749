"""Every refused request is written to the audit trail (core.access calls this through its hook)."""
from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, request
from flask_login import current_user

from audit.services import record
from core.transactions import ConflictError, commit_with_retry
from extensions import db


def record_denial(reason: str, endpoint: str, path: str) -> None:
    """Keep a record of a refused request, in its own small write transaction (retried when other
    writers are busy; the refusal is answered even if it could not be written)."""
    # Plain values: the signed-in user's row is expired by the rollback that ends the request's work.
    who = SimpleNamespace(id=current_user.id, username=current_user.username) if current_user.is_authenticated else None
    db.session.rollback()
    try:
        commit_with_retry(lambda: record(
            "access.denied", user=who, object_type="route", object_id=path[:64],
            after={"endpoint": endpoint, "reason": reason}, outcome="denied", remote_addr=request.remote_addr))
    except ConflictError:
        current_app.logger.exception("could not record a refused request to %s", path)
