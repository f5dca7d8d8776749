"""The audit key: the secret that makes the chain's hashes and the anchor lines unforgeable.

It lives outside the database, so that whoever can write the database (or holds one of its
backups) still cannot recompute a hash: `LIANDONG_AUDIT_KEY` in the environment, else
`instance/audit_key`, generated once (64 hex digits, mode 0600). Each process reads it once and
keeps it in `app.extensions`; it is never logged, printed or written to the database. Losing it
means the keyed events can no longer be verified: keep a copy apart from the database backups.

Two subkeys are derived from it, one for event hashes and one for anchor lines, so that a value
computed for one purpose can never be passed off as the other.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import Flask, current_app

ENVIRONMENT_VARIABLE = "LIANDONG_AUDIT_KEY"
KEY_FILE_NAME = "audit_key"
MINIMUM_LENGTH = 32  # characters: a shorter key is a mistake (a password, a placeholder), refused


class AuditKeyError(RuntimeError):
    """The audit key is missing or unusable; the message says where it was looked for."""


class AuditKey:
    """The key, held so that it cannot leak by accident: its repr says nothing about it."""

    def __init__(self, secret: str):
        if len(secret) < MINIMUM_LENGTH:
            raise AuditKeyError(f"the audit key must be at least {MINIMUM_LENGTH} characters long")
        master = secret.encode("utf-8")
        self._event_key = hmac.new(master, b"liandong audit event v2", hashlib.sha256).digest()
        self._line_key = hmac.new(master, b"liandong audit anchor line v1", hashlib.sha256).digest()

    def __repr__(self) -> str:
        return "<AuditKey (hidden)>"

    def event_mac(self, payload: bytes) -> str:
        """HMAC-SHA256 of an event's canonical form, as 64 hex digits."""
        return hmac.new(self._event_key, payload, hashlib.sha256).hexdigest()

    def line_mac(self, payload: bytes) -> str:
        """HMAC-SHA256 of an anchor line's canonical form, as 64 hex digits."""
        return hmac.new(self._line_key, payload, hashlib.sha256).hexdigest()


def instance_audit_key(instance_path: str) -> str:
    """The key kept in the instance folder, created (mode 0600) on first use."""
    path = Path(instance_path) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: a process starting at the same moment never reads a
        # half-written key, and exactly one new key wins.
        draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: its key is the key
        finally:
            draft.unlink()
    return path.read_text().strip()


def _secret(app: Flask) -> str:
    """The configured key (tests), else the environment's, else the instance file's."""
    return (app.config.get("AUDIT_KEY") or os.environ.get(ENVIRONMENT_VARIABLE)
            or instance_audit_key(app.instance_path))


def audit_key() -> AuditKey:
    """The current app's audit key, read on first use and kept for the life of the process."""
    app = current_app  # Flask types the proxy as the app it stands for; it reads the same extensions
    key = app.extensions.get("audit_key")
    if key is None:
        key = app.extensions["audit_key"] = AuditKey(_secret(app))
    return key
