"""What the audit trail calls contractors and their changes; a contractor links to its page."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from audit.vocabulary import describe
from core.i18n import _l

ACTIONS = {"contractor.create": _l("Contractor registered"), "contractor.update": _l("Contractor changed")}
FIELDS = {"uscc": _l("Unified social credit code"), "legal_representative": _l("Legal representative"),
          "contact_person": _l("Contact person"), "contact_phone": _l("Phone"), "bank_name": _l("Bank"),
          "bank_account": _l("Bank account")}


def contractor_links(ids: list[str]) -> Mapping[str, str]:
    """Each contractor's page."""
    return {text: url_for("contracts.contractor", contractor_id=int(text)) for text in ids
            if text.isdigit() and len(text) < 19}


def install(app: Flask) -> None:
    """Tell the trail contracting's words and links."""
    describe(app, actions=ACTIONS, objects={"contractor": _l("Contractor")}, fields=FIELDS,
             links={"contractor": contractor_links})
