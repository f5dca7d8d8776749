"""What the audit trail calls contractors and their changes; a contractor links to its page."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from audit.vocabulary import describe
from contracts.models import METHODS, SUBJECTS
from core.i18n import _l

ACTIONS = {"contractor.create": _l("Contractor registered"), "contractor.update": _l("Contractor changed"),
           "contract.create": _l("Contract entered"), "contract.vary": _l("Contract value varied"),
           "contract.export": _l("Contracts exported")}
FIELDS = {"uscc": _l("Unified social credit code"), "legal_representative": _l("Legal representative"),
          "contact_person": _l("Contact person"), "contact_phone": _l("Phone"), "bank_name": _l("Bank"),
          "bank_account": _l("Bank account"), "contract_no": _l("Contract number"), "contractor_id": _l("Contractor"),
          "subject": _l("Covers"), "procurement_method": _l("Procurement method"), "signed_on": _l("Signed on"),
          "value_fen": _l("Contract value"), "retention_bp": _l("Retention"),
          "defects_liability_months": _l("Defects-liability period (months)"), "milestones": _l("Milestones covered"),
          "delta_fen": _l("Change of value"), "varied_on": _l("Day of the variation"), "project_id": _l("Project"),
          "contract": _l("Contract"), "retention_release": _l("Releases the retention")}


def contractor_links(ids: list[str]) -> Mapping[str, str]:
    """Each contractor's page."""
    return {text: url_for("contracts.contractor", contractor_id=int(text)) for text in ids
            if text.isdigit() and len(text) < 19}


def contract_links(ids: list[str]) -> Mapping[str, str]:
    """Each contract's page."""
    return {text: url_for("contracts.contract", contract_id=int(text)) for text in ids
            if text.isdigit() and len(text) < 19}


def install(app: Flask) -> None:
    """Tell the trail contracting's words and links."""
    describe(app, actions=ACTIONS, objects={"contractor": _l("Contractor"), "contract": _l("Contract")}, fields=FIELDS,
             values={"subject": SUBJECTS, "procurement_method": METHODS},
             links={"contractor": contractor_links, "contract": contract_links})
