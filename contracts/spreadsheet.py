"""Contracts in the project spreadsheet (projects.imports.handlers): what contract rows mean for the
contractors and contracts stored, writing them, and the export's contracts sheet.

A row names its contract by number. A new contract needs its contractor, procurement method, signing
day and value (what it covers defaults to works, the retention to none); a stored one is matched by
number and must be on the same project with the same contractor. A different value is a variation
(增减变更): it needs the row's reason, and is refused below what is already paid or into the retention
before it is released (contract_services' rules and words). The contract's other facts are what was
signed: a row that says otherwise is refused. A contractor is found by its credit code, then by name:
a new one is registered (the code checked by contracts.uscc), a carried-over one without a code gets
the row's, and one found by code under another name takes the row's name. Every problem names the
row and column; nothing is written unless the whole file passes (the import's rule).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Optional

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select

from contracts import uscc as credit_codes
from contracts.contract_services import ContractInput, add_variation, create_contract
from contracts.models import METHODS, SUBJECTS, Contract, Contractor
from contracts.services import USCC_PROBLEMS, ContractorInput, register_contractor, update_contractor
from core.dates import PAST, window
from core.i18n import _l
from core.money import MAX_FEN, format_yuan
from core.sheets.cells import CellError
from core.sheets.choices import ChoiceIndex
from extensions import db
from projects.imports.handlers import ContractHandler, register_contract_handler
from projects.imports.plan import CHANGED, NEW, UNCHANGED, ContractRow, ImportPlan, Problem
from projects.models import Project

CHUNK = 500
SUBJECT_NAMES = {"works": ("工程", "施工", "工程类"), "goods": ("货物", "物资", "采购"), "services": ("服务",),
                 "design": ("设计", "勘察设计"), "supervision": ("监理", "工程监理")}
METHOD_NAMES = {"public_tender": ("公开招标", "招标"), "invitation": ("邀请招标",),
                "competitive_negotiation": ("竞争性谈判",),
                "competitive_consultation": ("竞争性磋商",), "single_source": ("单一来源", "单一来源采购"),
                "small_direct": ("小额直接发包", "直接发包", "直接委托", "小额采购"),
                "work_for_relief_village": ("以工代赈", "村集体自建", "以工代赈（村组织）")}


def _choices() -> tuple[ChoiceIndex, ChoiceIndex]:
    subjects = ChoiceIndex.build("contract_subject", SUBJECTS, what=_l("what the contract covers"),
                                 names=SUBJECT_NAMES, synonyms={})
    methods = ChoiceIndex.build("procurement_method", METHODS, what=_l("procurement method"), names=METHOD_NAMES,
                                synonyms={})
    return subjects, methods


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _contracts_by_number(numbers: Iterable[str]) -> dict[str, Contract]:
    found: dict[str, Contract] = {}
    for chunk in _chunks(sorted(set(numbers))):
        found.update((c.contract_no, c) for c in db.session.scalars(select(Contract).where(
            Contract.contract_no.in_(chunk))))
    return found


def _project_codes(ids: Iterable[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(ids))):
        found.update((project_id, code) for project_id, code in db.session.execute(
            select(Project.id, Project.code).where(Project.id.in_(chunk))))
    return found


class _Contractors:
    """The contractors the file names, by credit code and by name (folded), read once."""

    def __init__(self, rows: Sequence[ContractRow]):
        codes = sorted({credit_codes.normalise(row.uscc) for row in rows if row.uscc})
        names = sorted({row.contractor.strip().lower() for row in rows if row.contractor.strip()})
        self.by_code: dict[str, Contractor] = {}
        self.by_name: dict[str, Contractor] = {}
        for chunk in _chunks(codes):
            self.by_code.update((c.uscc, c) for c in db.session.scalars(select(Contractor).where(
                Contractor.uscc.in_(chunk))) if c.uscc)
        for chunk in _chunks(names):
            self.by_name.update((c.name.lower(), c) for c in db.session.scalars(select(Contractor).where(
                func.lower(Contractor.name).in_(chunk))))

    def find(self, name: str, code: str) -> tuple[Optional[Contractor], Optional[Contractor]]:
        """(the contractor with this code, the one with this name), either None."""
        by_name = self.by_name.get(name.strip().lower()) if name.strip() else None
        return self.by_code.get(code) if code else None, by_name


def _read_choice(index: ChoiceIndex, text: str) -> tuple[Optional[str], Any]:
    try:
        return index.read(text), None
    except CellError as error:
        return None, error.message


def check(plan: ImportPlan) -> None:
    """Set each contract row's action; a Problem for each that cannot be imported (module docstring)."""
    rows = plan.contracts
    subjects, methods = _choices()
    stored = _contracts_by_number(row.contract_no for row in rows)
    codes = _project_codes(contract.project_id for contract in stored.values())
    statuses = {row.code: row.final_status for row in plan.projects}
    contractors = _Contractors(rows)
    in_file: dict[str, tuple[str, ContractRow]] = {}  # credit code -> the name the file gives it first
    for row in rows:
        found: list[tuple[str, Any]] = []
        code = credit_codes.normalise(row.uscc)
        if code and (problem := credit_codes.problem(code)) is not None:
            found.append(("uscc", USCC_PROBLEMS[problem]))
            code = ""
        subject, message = _read_choice(subjects, row.subject) if row.subject else (None, None)
        if message:
            found.append(("subject", message))
        method, message = _read_choice(methods, row.method) if row.method else (None, None)
        if message:
            found.append(("method", message))
        if code and row.contractor:
            first = in_file.setdefault(code, (row.contractor.strip(), row))
            if first[0].lower() != row.contractor.strip().lower():
                found.append(("contractor", _l("Row %(row)d gives this credit code to %(name)s.", row=first[1].row,
                                               name=first[0])))
        by_code, by_name = contractors.find(row.contractor, code)
        contract = stored.get(row.contract_no)
        if contract is None:
            found += _check_new(row, code, subject, method, by_code, by_name, statuses.get(row.project_code))
            row.action = NEW
        else:
            found += _check_stored(row, contract, codes.get(contract.project_id, ""), code, subject, method,
                                   by_code, by_name)
        for key, text in found:
            column = row.header(key) or row.header("contract_no")
            plan.problems.append(Problem(row.sheet, row.row, column, text))


def _contractor_problems(row: ContractRow, code: str, by_code: Optional[Contractor],
                         by_name: Optional[Contractor]) -> list[tuple[str, Any]]:
    """Whether the row's contractor can be found, completed or registered."""
    if by_code is not None:
        if by_name is not None and by_name.id != by_code.id:
            return [("contractor", _l("%(name)s is registered with another credit code (%(code)s).",
                                      name=by_name.name, code=by_name.uscc or "—"))]
        return []
    if by_name is not None:
        if by_name.uscc and code and by_name.uscc != code:
            return [("uscc", _l("%(name)s is registered with another credit code (%(code)s).", name=by_name.name,
                                code=by_name.uscc))]
        if not by_name.uscc and not code:
            return [("uscc", _l("Complete the contractor's unified social credit code first."))]
        return []
    found: list[tuple[str, Any]] = []
    if not row.contractor.strip():
        found.append(("contractor", _l("Name the contractor: no contractor is registered with this credit code.")
                      if code else _l("Name the contractor.")))
    elif len(row.contractor.strip()) > 200:
        found.append(("contractor", _l("At most %(n)d characters.", n=200)))
    if not code and "uscc" not in {key for key, _ in found}:
        found.append(("uscc", _l("%(name)s is not registered yet: give its unified social credit code.",
                                 name=row.contractor.strip() or "—")))
    return found


def _check_new(row: ContractRow, code: str, subject: Optional[str], method: Optional[str],
               by_code: Optional[Contractor], by_name: Optional[Contractor],
               status: Optional[str]) -> list[tuple[str, Any]]:
    """A contract not yet entered: everything contract_services.create_contract asks of it."""
    found = [item for item in _contractor_problems(row, code, by_code, by_name) if not (
        item[0] == "uscc" and row.uscc and credit_codes.problem(credit_codes.normalise(row.uscc)))]
    if status == "cancelled":
        found.append(("project_code", _l("The project is cancelled: no contract can be entered on it.")))
    if method is None and not row.method:
        found.append(("method", _l("Choose the procurement method.")))
    if row.signed_on is None:
        found.append(("signed_on", _l("Enter the day the contract was signed.")))
    elif (problem := window().problem(row.signed_on, today=date.today(), kind=PAST)) is not None:
        found.append(("signed_on", problem))
    if not row.value_fen or not 0 < row.value_fen <= MAX_FEN:
        found.append(("value", _l("Enter the contract value (more than 0).")))
    del subject
    return found


def _check_stored(row: ContractRow, contract: Contract, project_code: str, code: str, subject: Optional[str],
                  method: Optional[str], by_code: Optional[Contractor],
                  by_name: Optional[Contractor]) -> list[tuple[str, Any]]:
    """A contract already entered: the same project and contractor; another value is a variation."""
    found: list[tuple[str, Any]] = []
    if project_code != row.project_code:
        return [("contract_no", _l("Contract %(number)s is on project %(code)s.", number=contract.contract_no,
                                   code=project_code))]
    signed_with = contract.contractor
    named = by_code or by_name
    completes = False
    if row.contractor.strip() or code:
        if named is None and code and not row.contractor.strip() and not signed_with.uscc:
            completes = True  # the code of a contractor carried over without one
        elif named is None or named.id != signed_with.id:
            found.append(("contractor" if row.contractor.strip() else "uscc",
                          _l("Contract %(number)s was signed with %(name)s: its contractor does not change.",
                             number=contract.contract_no, name=signed_with.name)))
        elif by_code is not None and by_name is not None and by_name.id != by_code.id:
            found.append(("contractor", _l("%(name)s is registered with another credit code (%(code)s).",
                                           name=by_name.name, code=by_name.uscc or "—")))
        elif by_code is None and code and signed_with.uscc and signed_with.uscc != code:
            found.append(("uscc", _l("%(name)s is registered with another credit code (%(code)s).",
                                     name=signed_with.name, code=signed_with.uscc)))
        else:
            completes = bool(code) and not signed_with.uscc
    signed = {"subject": (subject, contract.subject, SUBJECTS.get(contract.subject, contract.subject)),
              "method": (method, contract.method, METHODS.get(contract.method, contract.method)),
              "signed_on": (row.signed_on, contract.signed_on, contract.signed_on),
              "retention": (row.retention_bp, contract.retention_bp, f"{contract.retention_bp / 100:g}%"),
              "defects_months": (row.defects_months, contract.defects_liability_months,
                                 contract.defects_liability_months)}
    for key, (given, stored, shown) in signed.items():
        if given is not None and given != stored:
            found.append((key, _l("Contract %(number)s was signed with %(value)s in this column: an import does not "
                                  "change what was signed.", number=contract.contract_no, value=str(shown))))
    renames = by_code is not None and by_code.id == signed_with.id and bool(row.contractor.strip()) and \
        row.contractor.strip() != signed_with.name
    varied = row.value_fen is not None and row.value_fen != contract.value_fen
    if varied:
        assert row.value_fen is not None
        found += _variation_problems(row, contract, row.value_fen)
    row.action = CHANGED if varied or completes or renames else UNCHANGED
    return found


def _variation_problems(row: ContractRow, contract: Contract, value_fen: int) -> list[tuple[str, Any]]:
    """contract_services' rules on a new value, in its words, on the value column."""
    if not row.reason:
        return [("reason" if row.header("reason") else "value", _l(
            "The value of contract %(number)s changes from %(before)s to %(after)s yuan: a variation needs its "
            "reason (变更原因).", number=contract.contract_no, before=format_yuan(contract.value_fen),
            after=format_yuan(value_fen)))]
    if not 0 < value_fen <= MAX_FEN:
        return [("value", _l("Enter the contract value (more than 0)."))]
    if value_fen < contract.paid_fen:
        return [("value", _l("The contract's value would be %(value)s yuan, below the %(paid)s yuan already paid "
                             "under it.", value=format_yuan(value_fen), paid=format_yuan(contract.paid_fen)))]
    if not contract.retention_released and contract.paid_fen * 10000 > value_fen * (10000 - contract.retention_bp):
        return [("value", _l("The contract's value would be %(value)s yuan: the %(paid)s yuan already paid would "
                             "reach into the retention, which is not yet released.", value=format_yuan(value_fen),
                             paid=format_yuan(contract.paid_fen)))]
    return []


def _contractor(row: ContractRow, actor, signed_with: Optional[Contractor]) -> Contractor:
    """The row's contractor: found, completed or renamed, or registered (the plan checked it can be);
    a stored contract's own when the row names it by a code it did not have yet."""
    code = credit_codes.normalise(row.uscc)
    name = row.contractor.strip()
    by_code = db.session.scalar(select(Contractor).where(Contractor.uscc == code)) if code else None
    by_name = db.session.scalar(select(Contractor).where(func.lower(Contractor.name) == name.lower())) if name else None
    found = by_code or by_name or signed_with
    if found is None:
        return register_contractor(ContractorInput(name=name, uscc=code), actor=actor)
    wanted_name = name if by_code is not None and name else found.name
    wanted_code = found.uscc or code
    if (wanted_name, wanted_code) != (found.name, found.uscc):
        update_contractor(found, ContractorInput(
            name=wanted_name, uscc=wanted_code or "", legal_representative=found.legal_representative or "",
            contact_person=found.contact_person or "", contact_phone=found.contact_phone or "",
            bank_name=found.bank_name or "", bank_account=found.bank_account or ""), actor=actor)
    return found


def write(rows: list[ContractRow], project_ids: dict[str, int], actor, day: date) -> None:
    """Store the contract rows of a plan without problems (contractors first, through their services)."""
    subjects, methods = _choices()
    for row in rows:
        if row.action == UNCHANGED:
            continue
        contract = db.session.scalar(select(Contract).where(Contract.contract_no == row.contract_no))
        contractor = _contractor(row, actor, contract.contractor if contract is not None else None)
        if contract is None:
            assert row.value_fen is not None
            create_contract(ContractInput(
                contract_no=row.contract_no, project_id=project_ids[row.project_code], contractor_id=contractor.id,
                subject=(subjects.read(row.subject) if row.subject else None) or "works",
                method=methods.read(row.method) or "", signed_on=row.signed_on, value_fen=row.value_fen,
                retention_bp=row.retention_bp or 0, defects_liability_months=row.defects_months or 0),
                actor=actor, today=day)
        elif row.value_fen is not None and row.value_fen != contract.value_fen:
            add_variation(contract, delta_fen=row.value_fen - contract.value_fen, reason=row.reason, varied_on=day,
                          actor=actor, today=day)


def export_rows(project_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The contracts of these projects as the contracts sheet shows them (handlers.ContractHandler)."""
    found: list[tuple[Contract, str, Contractor]] = []
    for chunk in _chunks(list(project_ids)):
        found += [(contract, code, contractor) for contract, code, contractor in db.session.execute(
            select(Contract, Project.code, Contractor).join(Project, Project.id == Contract.project_id)
            .join(Contractor, Contractor.id == Contract.contractor_id).where(Contract.project_id.in_(chunk)))]
    found.sort(key=lambda item: (item[1], item[0].signed_on, item[0].contract_no))
    with force_locale("zh_CN"):
        subjects = {code: str(label) for code, label in SUBJECTS.items()}
        methods = {code: str(label) for code, label in METHODS.items()}
    return [{"project_code": code, "contract_no": contract.contract_no, "contractor": contractor.name,
             "uscc": contractor.uscc or "", "subject": subjects[contract.subject], "method": methods[contract.method],
             "signed_on": contract.signed_on, "value_fen": contract.value_fen, "retention_bp": contract.retention_bp,
             "defects_months": contract.defects_liability_months} for contract, code, contractor in found]


def install(app: Flask) -> None:
    """Let the project spreadsheet carry contracts."""
    register_contract_handler(app, ContractHandler(check=check, write=write, export_rows=export_rows))
