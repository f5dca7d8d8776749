"""Who is calling the API: a personal access token in `Authorization: Bearer ...`, nothing else.

This hook runs first of the app's before-request hooks for every path under /api/v1/ (except the
public OpenAPI document and its page). Session cookies are not read there: a request without a valid
token is answered 401 whoever's browser sent it, so CSRF cannot matter on the API (the API's
blueprint is exempt from CSRF for that reason alone). A valid token makes its user the request's
`current_user` (Flask-Login's per-request slot), so `role_required` and the area checks
(projects.scope) apply exactly as on the web; a read-scope token is refused every method that
changes something. Every use — refused or not — is audited under the object type `api_token`, which
the reports' data version does not count (reports.cache.store): a read changes no report.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Optional

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from api.models import ApiToken
from api.problems import from_http_exception, problem
from api.tokens import find_token, refusal
from audit.services import record
from core.clock import utcnow
from core.database import SAFE_METHODS
from core.limits import RateLimiter, app_limiter
from core.transactions import commit_with_retry
from extensions import db

PREFIX = "/api/v1/"
OPEN_ENDPOINTS = {"api_docs.openapi", "api_docs.docs"}


def _limiter() -> RateLimiter:
    """Per token; its window counts in each server process (core.limits)."""
    return app_limiter("api_limiter", "API_RATE_PER_MINUTE", 120)


def _audit(action: str, token: Optional[ApiToken], outcome: str, reason: str = "") -> None:
    """Record a use of the API in its own small transaction (with the token's last use)."""
    who = SimpleNamespace(id=token.user.id, username=token.user.username) if token is not None else None
    token_id = token.id if token is not None else None
    after = {"method": request.method, "path": request.path[:200]}
    if reason:
        after["reason"] = reason

    def work():
        if token_id is not None and outcome == "ok":
            db.session.query(ApiToken).filter_by(id=token_id).update({"last_used_at": utcnow()})
        record(action, user=who, object_type="api_token", object_id=token_id, after=after, outcome=outcome,
               remote_addr=request.remote_addr)

    commit_with_retry(work)


def _refusals_limited() -> Optional[Response]:
    """429 (not audited) when this address was refused a token too often this minute."""
    allowed, retry_after = app_limiter("api_refusals", "API_REFUSALS_PER_MINUTE", 30).allow(request.remote_addr or "-")
    if allowed:
        return None
    return problem(429, "Too many refused requests from this address; wait and retry.",
                   headers={"Retry-After": str(retry_after)})


def authenticate() -> Optional[Response]:
    """before_request: let a request under /api/v1/ through only with a usable token of the right scope."""
    if not request.path.startswith(PREFIX) or request.endpoint in OPEN_ENDPOINTS:
        return None
    g.api_request = True
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="liandong"'}
    # Refusals are audited, each a write: at most API_REFUSALS_PER_MINUTE of them per address.
    if scheme.lower() != "bearer" or not raw.strip():
        if (limited := _refusals_limited()) is not None:
            return limited
        _audit("api.refused", None, "denied", "no token")
        return problem(401, "Send a personal access token: Authorization: Bearer ld_...", headers=challenge)
    token = find_token(raw.strip())
    reason = refusal(token, utcnow())
    if reason is not None:
        if (limited := _refusals_limited()) is not None:
            return limited
        _audit("api.refused", token if token is not None and reason != "unknown token" else None, "denied", reason)
        return problem(401, f"The token is not valid: {reason}.",
                       headers={"WWW-Authenticate": 'Bearer realm="liandong", error="invalid_token"'})
    assert token is not None
    allowed, retry_after = _limiter().allow(token.id)
    if not allowed:
        return problem(429, "Too many requests with this token; wait and retry.",
                       headers={"Retry-After": str(retry_after)})
    if request.method not in SAFE_METHODS and token.scope != "write":
        _audit("api.refused", token, "denied", "read-only token")
        return problem(403, "This token may only read.", [{"field": "scope", "message": "write scope needed"}])
    _audit("api.use", token, "ok")
    routing = request.routing_exception
    if isinstance(routing, HTTPException) and not isinstance(routing, RequestRedirect):
        return from_http_exception(routing)  # no such route (404) or method (405): problem JSON too
    user = token.user
    g._login_user = user  # Flask-Login's current_user for this request only: no session is read or written
    g.api_token_id = token.id
    return None


def install(app: Flask) -> None:
    """Run `authenticate` before every other before-request hook (the session rules among them)."""
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate)
