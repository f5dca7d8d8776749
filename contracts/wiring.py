"""What contracting adds to others: a contracts section on every project page (projects.sections)
and contracts as records documents attach to (documents.owners: everyone reads, planning attaches
the signed contract, the notice of award and the like)."""
from __future__ import annotations

from typing import Any, Optional

from flask import Flask, url_for
from sqlalchemy import select

from contracts.contract_services import contracts_of_project
from contracts.models import METHODS, SUBJECTS, Contract
from core.access import PLANNERS, READERS
from core.i18n import _l
from documents import owners
from extensions import db
from projects.sections import register_section


def _project_section(project, user) -> dict[str, Any]:
    return {"contracts": contracts_of_project(project.id), "subjects": SUBJECTS, "methods": METHODS,
            "project_id": project.id,
            "can_enter": getattr(user, "role", None) in PLANNERS and project.status != "cancelled"}


def _contract_id_by_number(number: str) -> Optional[int]:
    return db.session.scalar(select(Contract.id).where(Contract.contract_no == number.strip()))


def install(app: Flask) -> None:
    """The project section, the document owner kind and contracts in the project spreadsheet."""
    from contracts.spreadsheet import install as install_spreadsheet

    install_spreadsheet(app)
    register_section(app, "contracts/_project_contracts.html", _project_section)
    owners.register(app, "contract", label=_l("Contract"), read_roles=READERS, write_roles=PLANNERS,
                    find=lambda owner_id: db.session.get(Contract, owner_id),
                    title=lambda contract: contract.contract_no,
                    url=lambda contract: url_for("contracts.contract", contract_id=contract.id),
                    by_code=_contract_id_by_number)
