"""Idempotent writes: a retried request records nothing twice.

Every write takes an `Idempotency-Key` header (1 to 200 characters, chosen by the client, e.g. a
UUID). In the write's own transaction the key is claimed first — a row (user, key) under a UNIQUE
constraint, with the request's hash — then the service runs, then the answer is stored on the row,
all committed together. A retry finds the row and gets the stored answer; the same key with another
body is refused 422. Two copies sent at once: on SQLite the write transactions run one after the
other (BEGIN IMMEDIATE), so the second finds the row; on PostgreSQL the second's INSERT of the same
key waits for the first to commit and then fails the UNIQUE constraint, its whole transaction (the
service's work with it) rolls back, and it answers what the first stored. A refused write stores
nothing, so it may be retried once corrected.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api.models import IdempotentRequest
from api.problems import problem
from core.errors import Refused
from core.transactions import ConflictError, commit_with_retry
from extensions import db

HEADER = "Idempotency-Key"


class KeyHeader(Schema):
    """The header every write needs."""

    idempotency_key = fields.String(required=True, data_key=HEADER, validate=validate.Length(min=1, max=200),
                                    metadata={"description": "a key of the client's choosing; a retry with the "
                                                             "same key and body returns the first answer"})


class _KeyReused(Exception):
    pass


def request_hash() -> str:
    """A digest of what the request asks: method, path and the JSON body in canonical form."""
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _stored(row: IdempotentRequest, wanted_hash: str) -> Response:
    if row.request_hash != wanted_hash:
        return problem(422, "This Idempotency-Key was used with another request.",
                       [{"field": HEADER, "message": "key reused with a different body"}])
    response = Response(row.body, status=row.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _find(user_id: int, key: str):
    return db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.user_id == user_id,
                                                             IdempotentRequest.key == key))


def refused(error: Refused) -> Response:
    """A service's refusal as problem JSON naming each field."""
    return problem(422, "", [{"field": field, "message": str(message)} for field, message in error.errors.items()])


def run(actor, work: Callable[[], tuple[int, Any]]) -> Response:
    """Run `work` (which calls a service and returns the status and body) once per (user, key)."""
    key = request.headers.get(HEADER, "").strip()
    wanted = request_hash()
    user_id = actor.id

    def claim_and_work() -> Response:
        existing = _find(user_id, key)
        if existing is not None:
            raise _KeyReused(existing.id)
        row = IdempotentRequest(user_id=user_id, key=key, request_hash=wanted, status_code=0, body="")
        db.session.add(row)
        db.session.flush()  # PostgreSQL: a concurrent twin waits here for us, then fails the UNIQUE key
        status, body = work()
        row.status_code, row.body = status, json.dumps(body, ensure_ascii=False)
        return Response(row.body, status=status, mimetype="application/json")

    try:
        return commit_with_retry(claim_and_work)
    except Refused as error:
        db.session.rollback()
        return refused(error)
    except (_KeyReused, ConflictError):
        db.session.rollback()
        existing = _find(user_id, key)
        if existing is None:  # a conflict of another kind
            return problem(409, "The request conflicted with another; retry it.")
        return _stored(existing, wanted)
