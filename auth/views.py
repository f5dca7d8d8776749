"""Sign in, sign out, language choice and the landing page."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from audit.services import record
from auth.forms import LoginForm, PasswordChangeForm
from auth.models import User, utcnow
from auth.services import AccountError, change_own_password
from auth.sessions import start_session
from core.access import ANY_ROLE, public, role_required
from extensions import db

bp = Blueprint("auth", __name__)

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
    if form.validate_on_submit():
        name = form.username.data.strip()
        user = db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))
        if not _credentials_accepted(user, name, form.password.data):
            db.session.commit()
            flash(_("Wrong username or password, or the account is disabled."), "error")
            return render_template("auth/login.html", form=form), 401
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        user.last_login_at = utcnow()
        user.failed_logins = 0
        login_user(user)
        start_session()
        record("login", user=user, object_type="user", object_id=user.id, remote_addr=request.remote_addr)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
    return render_template("auth/login.html", form=form)


_DUMMY_HASH = generate_password_hash("no account has this password")


def _credentials_accepted(user: User | None, name: str, password: str) -> bool:
    """Check a sign-in attempt, counting failures and locking the account after too many (audited)."""
    config = current_app.config
    now = utcnow()
    where = {"object_type": "user", "object_id": getattr(user, "id", None), "remote_addr": request.remote_addr}
    if user is not None and user.locked_until and user.locked_until > now:
        record("login.locked", after={"username": name[:64]}, outcome="denied", **where)
        return False
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)  # same work as for a real account: timing tells nothing
    elif user.check_password(password):
        return True
    record("login.failed", after={"username": name[:64]}, outcome="denied", **where)
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            record("account.lockout", after={"username": user.username, "until": user.locked_until},
                   outcome="denied", **where)
    return False


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*ANY_ROLE)
def change_password():
    """Choose a new password (forced at first sign-in and when the old one has expired)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            login_user(user)  # the session token changed: keep this session, end every other one
            start_session()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/logout", methods=["POST"])
@role_required(*ANY_ROLE)
def logout():
    """End the session everywhere by rotating the user's session token."""
    user = current_user._get_current_object()
    user.rotate_session_token()
    record("logout", user=user, object_type="user", object_id=user.id, remote_addr=request.remote_addr)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    """Switch the interface language for this session (and remember it for a signed-in user)."""
    if code in ("zh_CN", "en"):
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
