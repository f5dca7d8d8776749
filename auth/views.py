"""Sign in, sign out, language choice and the landing page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from audit.services import record
from auth import signin, throttle
from auth.blueprint import bp
from auth.forms import LoginForm, PasswordChangeForm
from auth.models import User
from auth.services import change_own_password, confirm_current_password
from auth.sessions import signed_in_user, start_session
from core.access import ANY_ROLE, public, role_required
from core.clock import utcnow
from core.errors import add_field_error
from core.forms import required
from core.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_SECONDS, LANGUAGES
from core.saving import save
from core.transactions import ConflictError, commit_with_retry
from core.units import UNIT_NAMES
from extensions import db

LANDING = {"admin": "admin.users", "planner": "projects.index", "finance": "funds.index",
           "leader": "reports.index", "auditor": "audit.index"}


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in or a language switch."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/")
@public
def home():
    """Send signed-in users to their role's landing page, others to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(LANDING[current_user.role]))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Check the password; unknown user, wrong password, disabled or locked get the same answer."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    name, address, now = required(form.username.data).strip(), request.remote_addr or "", utcnow()
    password, policy = required(form.password.data), throttle.Policy.from_config(current_app.config)
    def attempt() -> User | None:
        user = signin.sign_in(name, password, address, now, policy)
        if user is not None:
            # Keep its columns loaded past the commit: otherwise signing the session in below reads the
            # account again in a second write transaction (a POST's), queueing once more for SQLite's
            # writer lock behind every other sign-in, under load for longer than the busy timeout.
            db.session.flush()
            db.session.expunge(user)
        return user

    try:
        user = commit_with_retry(attempt)
    except ConflictError:
        flash(_("The server is busy; nothing was decided. Please try again in a moment."), "error")
        return render_template("auth/login.html", form=form), 503
    if user is None:
        flash(_("Wrong username or password, or the account is disabled."), "error")
        return render_template("auth/login.html", form=form), 401
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    start_session()
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*ANY_ROLE, scoped=True)
def change_password():
    """Choose a new password (forced at first sign-in and when the old one has expired). Wrong current
    passwords count against the sign-in limits: after too many the session ends."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form)
    user, address = signed_in_user(), request.remote_addr or ""
    policy = throttle.Policy.from_config(current_app.config)
    confirmed = commit_with_retry(lambda: confirm_current_password(
        user, required(form.current_password.data), address, utcnow(), policy))
    if confirmed is None:
        return _signed_out(_("Too many wrong passwords: you have been signed out. Try again later."))
    if not confirmed:
        add_field_error(form.current_password, _("The current password is wrong."))
        return render_template("auth/password.html", form=form)
    if not save(lambda: change_own_password(user, required(form.new_password.data)), form).ok:
        return render_template("auth/password.html", form=form)
    login_user(user)  # the session token changed: keep this session, end every other one
    start_session()
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("auth.home"))


def _signed_out(message: str):
    """End the session (its user's token is rotated) and send the browser to the sign-in page."""
    user = signed_in_user()
    commit_with_retry(user.rotate_session_token)
    logout_user()
    flash(message, "error")
    return redirect(url_for("auth.login"))


@bp.route("/logout", methods=["POST"])
@role_required(*ANY_ROLE, scoped=True)
def logout():
    """End the session everywhere by rotating the user's session token."""
    user = signed_in_user()
    user.rotate_session_token()
    record("logout", user=user, object_type="user", object_id=user.id, remote_addr=request.remote_addr)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/money-unit", methods=["POST"])
@role_required(*ANY_ROLE, scoped=True)
def set_money_unit():
    """Remember the unit (元 or 万元) the user reads money in on lists, then go back to the list."""
    unit = request.form.get("unit")
    if unit in UNIT_NAMES:
        user = signed_in_user()
        commit_with_retry(lambda: setattr(user, "money_unit", unit))
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    """Switch the interface language in this browser (core.i18n: a cookie, not the account)."""
    response = redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
    if code in LANGUAGES:
        session["lang"] = code
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=LANGUAGE_COOKIE_SECONDS, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
