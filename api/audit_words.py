"""What the audit trail calls the API's actions and fields (audit/vocabulary.py)."""
from __future__ import annotations

from flask import Flask

from audit.vocabulary import describe
from core.i18n import _l

ACTIONS = {"api_token.create": _l("API token made"), "api_token.revoke": _l("API token revoked"),
           "api.use": _l("API used"), "api.refused": _l("API request refused")}
FIELDS = {"method": _l("Method"), "path": _l("Path"), "scope": _l("Scope"), "name": _l("Name"),
          "expires_at": _l("Expires"), "reason": _l("Reason")}


def install(app: Flask) -> None:
    """Tell the trail the API's words."""
    describe(app, actions=ACTIONS, objects={"api_token": _l("API token")}, fields=FIELDS)
