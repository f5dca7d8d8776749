"""What the audit trail calls the accounts' actions and fields; an account links to the trail's own
events about it (an auditor may not open the administrator's pages) (audit/vocabulary.py)."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from audit.vocabulary import describe
from auth.services import ROLE_LABELS
from auth.throttle import ACCOUNT, ACCOUNT_ADDRESS, ADDRESS
from core.i18n import _l

ACTIONS = {
    "login": _l("Signed in"), "login.failed": _l("Sign-in failed"), "login.locked": _l("Sign-in refused while locked"),
    "account.lockout": _l("Sign-in locked"), "logout": _l("Signed out"), "user.create": _l("Account created"),
    "user.update": _l("Account changed"), "user.enable": _l("Account re-enabled"),
    "user.disable": _l("Account disabled"), "user.password_change": _l("Password changed"),
}
FIELDS = {"username": _l("Username"), "role": _l("Role"), "display_name": _l("Display name"),
          "active": _l("Active"), "password_changed": _l("Password set by the administrator"),
          "can_approve": _l("May approve payment requests"), "scope": _l("Locked for"), "until": _l("Locked until")}
VALUES = {
    "role": ROLE_LABELS,
    "scope": {ACCOUNT_ADDRESS: _l("this account from this address"), ACCOUNT: _l("this account"),
              ADDRESS: _l("this address")},
    # The words auth.services records for a refused password change.
    "reason": {"wrong current password": _l("wrong current password"), "locked": _l("locked")},
}


def user_links(ids: list[str]) -> Mapping[str, str]:
    """The trail's events about each account."""
    return {text: url_for("audit.index", object="user", object_id=text) for text in ids if text.isdigit()}


def install(app: Flask) -> None:
    """Tell the trail the accounts' words and links."""
    describe(app, actions=ACTIONS, objects={"user": _l("Account")}, fields=FIELDS, values=VALUES,
             links={"user": user_links}, times=("until",))
