"""One access rule per route: `role_required(...)` for signed-in roles, `public` for open pages.

Each decorator stamps the view with `access_rule`, so a test can walk `app.url_map` and fail the
build when a route has none.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, request
from flask_login import current_user

ROLES = ("admin", "planner", "finance", "leader", "auditor")
ANY_ROLE = ROLES

# Who may do what, in one table. Separation of duties (GB/T 22239): finance staff record money; the
# administrator manages accounts, planning data and fund rules and reopens closed months, but records
# no money; leaders and auditors read (auditors also the audit trail).
READERS = ANY_ROLE
PLANNERS = ("admin", "planner")  # enter and change projects, milestones, progress; import and export
MONEY_WRITERS = ("finance",)
RULE_EDITORS = ("admin", "finance")
REOPENERS = ("admin",)
ACCOUNT_ADMINS = ("admin",)
AUDIT_READERS = ("auditor", "admin")
# Attach and withdraw documents: whoever enters the records they are evidence for (planning's projects
# and milestones, finance's payments); each owner kind narrows it (documents.owners).
DOCUMENT_WRITERS = ("admin", "planner", "finance")
# Register and change contractors: planning (who enters contracts) and finance (who pays them); only
# finance sees a contractor's whole bank account (BANK_ACCOUNT_READERS), others its last four digits.
CONTRACTOR_EDITORS = ("admin", "planner", "finance")
BANK_ACCOUNT_READERS = ("finance",)
# Work-for-relief rosters and payroll sheets: entered by planning (the township's roster) or finance;
# posting a payroll pays it (MONEY_WRITERS); full identity and card numbers only to finance, audited.
PAYROLL_WRITERS = ("planner", "finance")
PERSONAL_DATA_READERS = ("finance",)
# Assets of accepted projects (资产移交): planning (who accepts the works) and finance (who keeps the
# value in the accounts) correct and hand them over; everyone reads the register.
ASSET_WRITERS = ("planner", "finance")


def deny(reason: str):
    """Refuse the request as role_required does (audited when an audit hook is installed, 403): for a
    rule that depends on the record, such as an object outside the account's area."""
    hook = _DENIED_HOOKS[0] if _DENIED_HOOKS else None
    if hook is not None:
        hook(reason, request.endpoint or "", request.path)
    abort(403)


_DENIED_HOOKS: list[Callable[[str, str, str], None]] = []


def on_denied(hook: Callable[[str, str, str], None]) -> None:
    """Install the function called with (reason, endpoint, path) whenever access is refused."""
    _DENIED_HOOKS[:] = [hook]


def role_required(*roles: str, scoped: bool = False):
    """Allow the view only to signed-in, active users whose role is in `roles`.

    An account scoped to an area (a township's staff: `area_id` set) is let in only where `scoped` is
    true, i.e. on views that narrow what they read and check every object they reach to that area.
    """
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            from extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                deny(f"role {current_user.role} not in {','.join(roles)}")
            if not scoped and getattr(current_user, "area_id", None) is not None:
                deny("account scoped to an area: page of the whole county")
            return view(*args, **kwargs)

        return _with_rule(wrapper, "roles", tuple(roles), scoped)

    return decorate


def public(view):
    """Mark a view as open to everyone, signed in or not (login page, public disclosure)."""
    return _with_rule(view, "public", (), True)


def _with_rule(view, kind: str, roles: tuple[str, ...], scope_aware: bool):
    """`view` stamped with its access rule and whether accounts scoped to an area may use it
    (attributes types cannot declare on a function)."""
    view.access_rule = (kind, roles)
    view.scope_aware = scope_aware
    return view
