"""Reading contracts from a sheet: a contracts sheet (one contract a row, keyed by contract number) or
the contract columns of a projects sheet (a county's one contract on the project's row, its contractor
the 施工单位 column). Each good row becomes a ContractRow; what the cells mean for contractors and
contracts stored is contracting's to say (projects.imports.handlers). Plain Python, no database.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from core.i18n import _l
from core.sheets.cells import CellError, amount_value, date_value, is_blank, text_value, whole_number
from core.sheets.tables import Sheet
from core.text import fold_width
from projects.imports.columns import CONTRACT_KEYS
from projects.imports.plan import (
    MISSING,
    ContractRow,
    ImportPlan,
    Lookups,
    Problem,
    ProjectRow,
    SheetMapping,
    SheetReader,
    missing_columns,
)

# A projects sheet's contract columns, by the field each stands for on a contracts sheet.
ON_PROJECT = {"contract_no": "contract_no", "uscc": "uscc", "value": "contract_value",
              "value_wan": "contract_value_wan", "method": "method", "subject": "subject", "signed_on": "signed_on",
              "retention": "retention", "defects_months": "defects_months"}


def retention_value(value: Any) -> Optional[int]:
    """A retention rate in percent ("3", "3%", "2.5") as basis points. A rate between 0 and 1 is refused:
    it is a percentage cell's fraction (0.03 for 3%) as often as a rate below one percent, and the two
    cannot be told apart."""
    if is_blank(value):
        return None
    try:
        number = Decimal(fold_width(str(value)).strip().rstrip("%").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= 100 or number != number.quantize(Decimal("0.01")):
        raise CellError(_l("A percentage from 0 to 100, at most two decimals (3 for 3%)."))
    if 0 < number < 1:
        raise CellError(_l("Write the rate in percent: 3 for 3%."))
    return int(number * 100)


def _read(reader: SheetReader, fields: dict[str, str], project_code: str, contractor: str, reason: str,
          plan: ImportPlan) -> Optional[ContractRow]:
    """The contract of the row, read from the columns `fields` ({contract field: the sheet's key}); None
    when the row names no contract or a cell is unreadable (a problem recorded)."""
    def read(name: str, reader_function, *args) -> Any:
        key = fields.get(name)
        return MISSING if key is None else reader.read(key, reader_function, *args)

    number = read("contract_no", text_value, 64)
    failed_before = reader.failed
    uscc = read("uscc", text_value, 40)
    subject = read("subject", text_value, 100)
    method = read("method", text_value, 100)
    signed_on = read("signed_on", date_value)
    value_fen = read("value", amount_value, "yuan")
    if value_fen is MISSING:
        value_fen = read("value_wan", amount_value, "wan")
    retention_bp = read("retention", retention_value)
    months = read("defects_months", whole_number, 0, 120)
    cells = (uscc, subject, method, signed_on, value_fen, retention_bp, months)
    if not number:
        if any(cell not in (MISSING, None, "") for cell in cells):
            reader.problem(fields.get("contract_no", "code"),
                           _l("Enter the contract number: the row gives a contract's details."))
        return None
    if reader.failed and not failed_before:
        return None
    headers = {name: reader.header(key) for name, key in fields.items() if reader.has(key)}
    if "contractor" not in headers:
        headers["contractor"] = reader.header(fields.get("contractor", "contractor"))
    headers["project_code"] = reader.header(fields.get("project_code", "code"))
    if "reason" in fields and reader.has(fields["reason"]):
        headers["reason"] = reader.header(fields["reason"])
    given = frozenset(name for name, key in fields.items() if reader.has(key))

    def text(cell: Any) -> str:
        return "" if cell in (MISSING, None) else str(cell)

    return ContractRow(reader.sheet.title, reader.row, project_code, number, contractor, text(uscc), text(subject),
                       text(method), None if signed_on is MISSING else signed_on,
                       None if value_fen is MISSING else value_fen,
                       None if retention_bp is MISSING else retention_bp, None if months is MISSING else months,
                       reason, headers, given)


def read_contract_on_project(reader: SheetReader, code: str, contractor: str, reason: str, plan: ImportPlan) -> None:
    """The contract a projects sheet's row carries in its contract columns, if any."""
    fields = {name: key for name, key in ON_PROJECT.items() if reader.has(key)}
    if not fields:
        return
    if reader.has("contractor"):
        fields["contractor"] = "contractor"
    if reader.has("change_reason"):
        fields["reason"] = "change_reason"
    if not code:
        return
    row = _read(reader, fields, code, contractor, reason, plan)
    if row is not None and not reader.failed:
        plan.contracts.append(row)


def read_contract_sheet(sheet: Sheet, mapping: SheetMapping, plan: ImportPlan) -> None:
    """A ContractRow for each good row of a contracts sheet, a Problem for each bad cell."""
    reader = SheetReader(sheet, mapping, plan.problems)
    fields = {name: name for name in ("contract_no", "contractor", "uscc", "subject", "method", "signed_on", "value",
                                      "value_wan", "retention", "defects_months", "project_code")}
    fields["reason"] = "change_reason"
    for number, values in sheet.rows:
        reader.start(number, values)
        code = reader.read("project_code", text_value, 32, required=_l("Enter the project code."))
        contractor = reader.read("contractor", text_value, 200)
        reason = reader.read("change_reason", text_value, 1000)
        row = _read(reader, fields, code or "", "" if contractor in (MISSING, None) else contractor,
                    "" if reason in (MISSING, None) else reason, plan)
        if row is None and not reader.failed:
            reader.problem("contract_no", _l("Enter the contract number."))
        if row is None or reader.failed:
            continue
        plan.contracts.append(row)
    missing_columns(sheet, mapping, False, plan.problems)


def check_contract_projects(plan: ImportPlan, lookups: Lookups, project_rows: dict[str, ProjectRow]) -> None:
    """A contract's project must be in the file or stored; a contract named twice in the file is refused."""
    seen: dict[str, ContractRow] = {}
    kept = []
    for row in plan.contracts:
        first = seen.get(row.contract_no)
        if first is not None:
            message = (_l("Contract %(number)s is also on row %(row)d.", number=row.contract_no, row=first.row)
                       if first.sheet == row.sheet else
                       _l("Contract %(number)s is also on sheet %(sheet)s, row %(row)d.", number=row.contract_no,
                          sheet=first.sheet, row=first.row))
            plan.problems.append(Problem(row.sheet, row.row, row.header("contract_no"), message))
            continue
        seen.setdefault(row.contract_no, row)
        if row.project_code not in project_rows and row.project_code not in lookups.projects:
            if row.project_code not in plan.codes_in_file:  # else its project's row has problems, reported there
                plan.problems.append(Problem(row.sheet, row.row, row.header("project_code"), _l(
                    "No project has the code %(code)s, in this file or stored.", code=row.project_code)))
            continue
        kept.append(row)
    plan.contracts = kept


__all__ = ["CONTRACT_KEYS", "check_contract_projects", "read_contract_on_project", "read_contract_sheet",
           "retention_value"]
