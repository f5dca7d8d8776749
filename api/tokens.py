"""Making, checking and revoking personal access tokens.

A token reads `ld_` + 43 URL-safe characters (32 random bytes); the `ld_` marks it as Liandong's, so
secret scanners and people recognise one pasted where it should not be. Only its SHA-256 is stored.
Making and revoking are audited (`api_token.create`, `api_token.revoke`); each use is audited by the
API itself (api.auth). None of these is a change of the data the reports show: the events name the
object type `api_token`, which reports.cache.store does not count.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from api.models import SCOPES, ApiToken
from audit.services import record
from auth.models import User
from core.clock import utcnow
from core.errors import Refused
from core.i18n import _l
from extensions import db

PREFIX = "ld_"
MAX_DAYS = 366


def digest(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the secret shown once."""

    token: ApiToken
    secret: str


def create_token(user: User, scope: str, days: int, name: str = "", actor: Optional[User] = None,
                 now: Optional[datetime] = None) -> NewToken:
    """Make a token for `user` lasting `days` days (1 to 366); the caller commits and shows `secret` once."""
    if scope not in SCOPES:
        raise Refused("scope", _l("Choose read or write."))
    if not 1 <= days <= MAX_DAYS:
        raise Refused("days", _l("A token lasts from 1 to 366 days."))
    if not user.active:
        raise Refused("user", _l("This account is disabled."))
    now = now or utcnow()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:100], scope=scope, token_hash=digest(secret),
                     prefix=secret[:10], created_at=now, expires_at=now + timedelta(days=days),
                     created_by_id=getattr(actor, "id", None))
    db.session.add(token)
    db.session.flush()
    record("api_token.create", user=actor, object_type="api_token", object_id=token.id,
           after={"username": user.username, "scope": scope, "name": token.name,
                  "expires_at": token.expires_at.isoformat(timespec="minutes")})
    return NewToken(token, secret)


def revoke_token(token: ApiToken, actor: Optional[User] = None, now: Optional[datetime] = None) -> None:
    """Revoke `token` from now on (a token revoked already stays as it was)."""
    if token.revoked_at is not None:
        raise Refused("token", _l("This token is revoked already."))
    token.revoked_at = now or utcnow()
    record("api_token.revoke", user=actor, object_type="api_token", object_id=token.id,
           after={"username": token.user.username, "name": token.name})


def find_token(raw: str) -> Optional[ApiToken]:
    """The token row a presented secret names, whatever its state (None when unknown)."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    return db.session.query(ApiToken).filter_by(token_hash=digest(raw)).one_or_none()


def refusal(token: Optional[ApiToken], now: datetime) -> Optional[str]:
    """Why a presented token may not be used (None when it may)."""
    if token is None:
        return "unknown token"
    if token.revoked_at is not None:
        return "token revoked"
    if token.expires_at <= now:
        return "token expired"
    if not token.user.active:
        return "account disabled"
    return None
