"""What the audit trail calls rosters, payrolls and their exports; a payroll links to its page."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from audit.vocabulary import describe
from core.i18n import _l
from payroll.models import HOUSEHOLDS

ACTIONS = {"worker.create": _l("Worker put on a roster"), "roster.import": _l("Roster imported"),
           "worker.reveal": _l("Worker's full numbers shown"), "payroll.create": _l("Payroll entered"),
           "payroll.post": _l("Payroll posted (wages paid)"),
           "payroll.submit": _l("Payroll submitted for approval (payment request)"),
           "payroll.reopen": _l("Payroll back to draft (request rejected or payment reversed)"),
           "payroll.bank_file": _l("Bank batch file exported"),
           "payroll.export": _l("Payroll ledger exported"),
           "personal_data.rotate": _l("Personal-data key rotated")}
FIELDS = {"id_number": _l("Identity number"), "card_number": _l("Bank card"), "village": _l("Village"),
          "household": _l("Household"), "workers": _l("Workers"), "month": _l("Month"), "total_fen": _l("Total"),
          "payment": _l("Payment"), "keys": _l("Keys"), "format": _l("Format"), "name": _l("Name"),
          "request": _l("Payment request"), "status": _l("Status")}


def payroll_links(ids: list[str]) -> Mapping[str, str]:
    """Each payroll's page."""
    return {text: url_for("payroll.payroll", payroll_id=int(text)) for text in ids
            if text.isdigit() and len(text) < 19}


def install(app: Flask) -> None:
    """Tell the trail the payroll's words and links."""
    describe(app, actions=ACTIONS, objects={"worker": _l("Worker"), "payroll": _l("Payroll")}, fields=FIELDS,
             values={"household": HOUSEHOLDS}, links={"payroll": payroll_links})
