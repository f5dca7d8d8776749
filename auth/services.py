"""Account management used by both the web pages and the CLI, with its rules and audit events."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import func, select

from audit.services import record
from auth import throttle
from auth.models import User
from auth.passwords import password_problem
from core.access import ROLES
from core.errors import Refused
from core.i18n import _l
from extensions import db

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "planner": _l("Planning office"),
    "finance": _l("Finance staff"),
    "leader": _l("Leadership"),
    "auditor": _l("Auditor (read-only)"),
}
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")


class AccountError(Refused):
    """A refused account change: `field` names the form field, `message` says why (translatable)."""


def create_user(username: str, role: str, password: str, actor: Optional[User] = None,
                display_name: str = "", must_change_password: bool = True) -> User:
    """Create an active account; its owner must choose their own password at first sign-in.

    Raises AccountError naming the field at fault."""
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("username", _l("Use 2-64 letters, digits, dot, dash or underscore."))
    if role not in ROLES:
        raise AccountError("role", _l("Unknown role."))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AccountError("username", _l("This username is already taken."))
    problem = password_problem(password, username)
    if problem:
        raise AccountError("password", problem)
    user = User(username=username, role=role, display_name=display_name.strip(), active=True,
                must_change_password=must_change_password)
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
                new_password: str = "", can_approve: Optional[bool] = None) -> None:
    """Change role, name, optionally password and the right to approve payment requests (finance
    accounts only; None keeps it, and an account leaving finance loses it); the last active admin
    cannot be demoted."""
    if role not in ROLES:
        raise AccountError("role", _l("Unknown role."))
    if user.role == "admin" and role != "admin" and user.active and active_admin_count() <= 1:
        raise AccountError("role", _l("The last active administrator cannot lose that role."))
    approves = bool(user.can_approve if can_approve is None else can_approve) and role == "finance"
    if can_approve and role != "finance":
        raise AccountError("can_approve", _l("Only a finance account may approve payment requests."))
    before = {"role": user.role, "display_name": user.display_name, "can_approve": bool(user.can_approve)}
    if new_password:
        problem = password_problem(new_password, user.username)
        if problem:
            raise AccountError("password", problem)
        user.set_password(new_password)
        user.must_change_password = True  # a password set by someone else is changed at next sign-in
        user.rotate_session_token()
        throttle.forget_account(user.id)  # the owner can sign in with it at once, wherever they are
    user.role, user.display_name, user.can_approve = role, display_name.strip(), approves
    after = {"role": role, "display_name": user.display_name, "password_changed": bool(new_password),
             "can_approve": approves}
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


def confirm_current_password(user: User, password: str, remote_addr: str, now: datetime,
                             policy: throttle.Policy) -> Optional[bool]:
    """Check the password a signed-in user typed to prove it is them (before changing it), counted
    against the sign-in limits (auth.throttle) like a sign-in: True when right; False when wrong (and
    audited); None when the limits refuse it, or this failure reached them."""
    gate = throttle.open_gate(user.id, remote_addr, now)
    if gate.allowed and user.check_password(password):
        throttle.succeeded(gate)
        return True
    record("user.password_change", user=user, object_type="user", object_id=user.id, outcome="denied",
           after={"reason": "wrong current password" if gate.allowed else "locked"}, remote_addr=remote_addr)
    if not gate.allowed:
        return None
    locked, _until = throttle.failed(gate, now, policy)
    return None if locked else False


def change_own_password(user: User, new: str) -> None:
    """Give the user (who has just confirmed their current password) a new one, acceptable and different."""
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError("new_password", problem)
    if user.check_password(new):
        raise AccountError("new_password", _l("Choose a password different from the current one."))
    user.set_password(new)
    user.must_change_password = False
    user.rotate_session_token()
    record("user.password_change", user=user, object_type="user", object_id=user.id)


def password_expired(user: User, max_age_days: int, now: datetime) -> bool:
    """True when the user must change their password: required, or older than `max_age_days`."""
    if user.must_change_password:
        return True
    changed = user.password_changed_at
    return max_age_days > 0 and (changed is None or now - changed > timedelta(days=max_age_days))
