"""What the import does with rows that belong to features above planning: contracts.

Planning sits below contracting (a contract is on a project), so the import cannot call contracting;
contracting tells it, in its init_app, how to check contract rows against what is stored, write them
and export them, as documents.owners and projects.sections let features above register what they add:

    register_contract_handler(app, ContractHandler(check=..., write=..., export_rows=...))

The import reads the contract columns itself (projects.imports.contract_rows: plain cells into
ContractRows); the handler says what they mean. Without a handler (an app without contracting), a
file that names contracts is refused, row by row, and the export has no contracts sheet.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from flask import Flask, current_app

from core.i18n import _l
from projects.imports.plan import ContractRow, ImportPlan, Problem

EXTENSION = "project_import_contracts"


@dataclass(frozen=True)
class ContractHandler:
    """Contracting's part of the import and export.

    check(plan): read what is stored once, set each ContractRow's action (new, changed, unchanged) and
    append a Problem (sheet, row, column) for every row that cannot be imported; no write.
    write(rows, project_ids, actor, day): store the rows of a plan without problems, in the caller's
    transaction ({project code: id} of every project the file names, new ones included).
    export_rows(project_ids): the contracts of these projects, each a dict of the contracts sheet's fields
    (projects.imports.columns.CONTRACT_COLUMNS' keys; amounts as value_fen, the rate as retention_bp;
    choices as the Chinese words the sheet shows), ordered by project and signing day.
    """

    check: Callable[[ImportPlan], None]
    write: Callable[[list[ContractRow], dict[str, int], Any, date], None]
    export_rows: Callable[[Sequence[int]], list[dict[str, Any]]]


def register_contract_handler(app: Flask, handler: ContractHandler) -> None:
    """Let the import and export of `app` carry contracts."""
    app.extensions[EXTENSION] = handler


def contract_handler() -> Optional[ContractHandler]:
    """The current app's contract handler, or None."""
    return current_app.extensions.get(EXTENSION)


def check_contracts(plan: ImportPlan) -> None:
    """The handler's checks of the plan's contract rows (each refused when there is no handler)."""
    if not plan.contracts:
        return
    handler = contract_handler()
    if handler is None:
        for row in plan.contracts:
            plan.problems.append(Problem(row.sheet, row.row, row.header("contract_no"),
                                         _l("Contracts cannot be imported here.")))
        return
    handler.check(plan)


def write_contracts(rows: list[ContractRow], project_ids: dict[str, int], actor, day: date) -> None:
    """The handler's writing of a checked plan's contract rows."""
    handler = contract_handler()
    if rows and handler is not None:
        handler.write(rows, project_ids, actor, day)
