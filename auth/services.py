"""Account management used by both the web pages and the CLI, with its rules and audit events."""
from __future__ import annotations

import re
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from audit.services import record
from auth.models import User
from core.access import ROLES
from extensions import db

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "planner": _l("Planning office"),
    "finance": _l("Finance staff"),
    "leader": _l("Leadership"),
    "auditor": _l("Auditor (read-only)"),
}
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A refused account change; `field` names the form field, `message` says why (translatable)."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def password_problem(password: str) -> Optional[str]:
    """A translatable reason the password is too weak, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    kinds = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    if kinds < 3:
        return _l("Password must mix at least three of: lower case, upper case, digits, symbols.")
    return None


def create_user(username: str, role: str, password: str, actor: Optional[User] = None,
                display_name: str = "") -> User:
    """Create an active account; raises AccountError naming the field at fault."""
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("username", _l("Use 2-64 letters, digits, dot, dash or underscore."))
    if role not in ROLES:
        raise AccountError("role", _l("Unknown role."))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AccountError("username", _l("This username is already taken."))
    problem = password_problem(password)
    if problem:
        raise AccountError("password", problem)
    user = User(username=username, role=role, display_name=display_name.strip(), active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", user=actor, object_type="user", object_id=user.id,
           after={"username": username, "role": role, "display_name": user.display_name})
    return user


def active_admin_count() -> int:
    """How many enabled administrator accounts exist."""
    return int(db.session.scalar(
        select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))) or 0)


def update_user(user: User, *, role: str, display_name: str, actor: Optional[User],
                new_password: str = "") -> None:
    """Change role, name and optionally password; the last active admin cannot be demoted."""
    if role not in ROLES:
        raise AccountError("role", _l("Unknown role."))
    if user.role == "admin" and role != "admin" and user.active and active_admin_count() <= 1:
        raise AccountError("role", _l("The last active administrator cannot lose that role."))
    before = {"role": user.role, "display_name": user.display_name}
    if new_password:
        problem = password_problem(new_password)
        if problem:
            raise AccountError("password", problem)
        user.set_password(new_password)
        user.rotate_session_token()
    user.role, user.display_name = role, display_name.strip()
    after = {"role": role, "display_name": user.display_name, "password_changed": bool(new_password)}
    record("user.update", user=actor, object_type="user", object_id=user.id, before=before, after=after)


def set_active(user: User, active: bool, actor: Optional[User]) -> None:
    """Disable or re-enable an account; disabling kills its sessions; the last admin stays enabled."""
    if not active and user.role == "admin" and user.active and active_admin_count() <= 1:
        raise AccountError("active", _l("The last active administrator cannot be disabled."))
    before = {"active": user.active}
    user.active = active
    if not active:
        user.rotate_session_token()
    record("user.enable" if active else "user.disable", user=actor, object_type="user",
           object_id=user.id, before=before, after={"active": active})
