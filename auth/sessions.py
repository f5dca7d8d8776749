"""Per-request session rules: idle and absolute expiry, and the forced password change.

Timestamps live in the signed session cookie; the server-side session token on the user (rotated on
sign-out, disable and password change) is what makes an old copied cookie useless.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from auth.models import User
from auth.services import password_expired
from core.clock import utcnow
from core.i18n import _l
from extensions import db, login_manager

# Pages a user who must change their password may still open.
ALWAYS_ALLOWED = {"auth.change_password", "auth.logout", "auth.login", "auth.set_language", "static"}


def start_session() -> None:
    """Stamp a fresh session at sign-in."""
    now = int(time.time())
    session["started"] = now
    session["seen"] = now
    session.permanent = True


def signed_in_user() -> User:
    """The signed-in user behind Flask-Login's `current_user` proxy, for code that runs only for
    one (pages behind role_required, hooks that checked `is_authenticated`).

    The User itself: typed, and the same object after the request's context is gone (a unit of
    work retried by commit_with_retry keeps it).
    """
    user = current_user._get_current_object()
    if not isinstance(user, User):
        raise RuntimeError("no user is signed in: this code needs role_required or an is_authenticated check")
    return user


def _expired(now: int) -> bool:
    config = current_app.config
    started, seen = session.get("started", 0), session.get("seen", 0)
    return (now - seen > config["SESSION_IDLE_MINUTES"] * 60
            or now - started > config["SESSION_ABSOLUTE_HOURS"] * 3600)


def enforce_session_rules():
    """before_request hook: end expired sessions; send users whose password must change to that page."""
    if request.endpoint == "static" or g.get("api_request") or not current_user.is_authenticated:
        return None  # the API authenticates each request by its token, never by a session (api.auth)
    now = int(time.time())
    if _expired(now):
        logout_user()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Your session has expired. Please sign in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen"] = now
    if request.endpoint not in ALWAYS_ALLOWED and password_expired(
            signed_in_user(), current_app.config["PASSWORD_MAX_AGE_DAYS"], utcnow()):
        flash(_("Please choose a new password before you continue."), "info")
        return redirect(url_for("auth.change_password"))
    return None


def init_login(app: Flask) -> None:
    """Flask-Login: load users by id and session token; send strangers to the sign-in page; apply the
    session rules before every request."""
    login_manager.init_app(app)
    # Flask-Login's untyped LoginManager starts it as None, which the checker takes for its type.
    login_manager.login_view = "auth.login"  # pyright: ignore[reportAttributeAccessIssue]
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(enforce_session_rules)


def load_user(identity: str) -> User | None:
    """The user a session cookie names ("id:token"), when the account is active and the token current."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user
