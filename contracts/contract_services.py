"""Every rule on contracts and their variations, whatever door it comes through:

    create_contract(ContractInput(contract_no="SPJT-2026-011", project_id=5, contractor_id=2, subject="works",
                                  method="public_tender", signed_on=day, value_fen=52_000_000_00,
                                  retention_bp=300, defects_liability_months=24, milestone_ids=[12, 13]),
                    actor=user)
    add_variation(contract, delta_fen=-1_200_000_00, reason="设计变更：取消一座涵洞", varied_on=day, actor=user)

A variation moves the contract's current value by a guarded UPDATE under the contract's row lock;
the database's CHECKs refuse a value below what is already paid (or into the retention before it is
released) whatever path the write came by; the service says so first, naming the field. Lock order,
as the ledger's: source → allocation → contract → project. The caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import select, update

from audit.services import record
from contracts.models import METHODS, SUBJECTS, Contract, ContractMilestone, Contractor, ContractVariation
from core.database import take_write_lock
from core.dates import PAST, PLAN, window
from core.errors import Refused
from core.i18n import _l
from core.money import MAX_FEN, format_yuan
from extensions import db
from projects.models import Milestone, Project

MAX_REASON = 1000


@dataclass
class ContractInput:
    """What planning enters about a contract (amounts in fen, the retention rate in basis points)."""

    contract_no: str
    project_id: int
    contractor_id: Optional[int]
    subject: str
    method: str
    signed_on: Optional[date]
    value_fen: Optional[int]
    retention_bp: int = 0
    defects_liability_months: int = 0
    starts_on: Optional[date] = None
    ends_on: Optional[date] = None
    milestone_ids: list[int] = field(default_factory=list)


def lock_contract(contract_id: int) -> None:
    """Hold the contract's row lock until the transaction ends (after any source and allocation lock)."""
    take_write_lock(db.session)
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Contract.id).where(Contract.id == contract_id).with_for_update())


def _check(data: ContractInput, today: date) -> dict[str, object]:
    errors: dict[str, object] = {}
    number = data.contract_no.strip()
    if not number or len(number) > 64:
        errors["contract_no"] = _l("Enter the contract number (at most 64 characters).")
    elif db.session.scalar(select(Contract.id).where(Contract.contract_no == number)) is not None:
        errors["contract_no"] = _l("Contract %(number)s is already entered.", number=number)
    project = db.session.get(Project, data.project_id)
    if project is None:
        errors["project_id"] = _l("No such project.")
    elif project.status == "cancelled":
        errors["project_id"] = _l("The project is cancelled: no contract can be entered on it.")
    contractor = db.session.get(Contractor, data.contractor_id) if data.contractor_id else None
    if contractor is None:
        errors["contractor_id"] = _l("Choose a registered contractor.")
    elif not contractor.uscc:
        errors["contractor_id"] = _l("Complete the contractor's unified social credit code first.")
    if data.subject not in SUBJECTS:
        errors["subject"] = _l("Choose what the contract covers.")
    if data.method not in METHODS:
        errors["method"] = _l("Choose the procurement method.")
    errors.update(_check_dates(data, today))
    if not data.value_fen or not 0 < data.value_fen <= MAX_FEN:
        errors["value_fen"] = _l("Enter the contract value (more than 0).")
    if not 0 <= data.retention_bp <= 10000:
        errors["retention_bp"] = _l("Between 0 and 100 percent.")
    if not 0 <= data.defects_liability_months <= 120:
        errors["defects_liability_months"] = _l("Between 0 and 120 months.")
    if data.milestone_ids and project is not None:
        own = set(db.session.scalars(select(Milestone.id).where(Milestone.project_id == project.id)))
        if not set(data.milestone_ids) <= own:
            errors["milestone_ids"] = _l("Only the project's own milestones can be covered.")
    return errors


def _check_dates(data: ContractInput, today: date) -> dict[str, object]:
    errors: dict[str, object] = {}
    if data.signed_on is None:
        errors["signed_on"] = _l("Enter the day the contract was signed.")
    elif (problem := window().problem(data.signed_on, today=today, kind=PAST)) is not None:
        errors["signed_on"] = problem
    for key, day in (("starts_on", data.starts_on), ("ends_on", data.ends_on)):
        if (problem := window().problem(day, today=today, kind=PLAN)) is not None:
            errors[key] = problem
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = _l("The period cannot end before it starts.")
    return errors


def create_contract(data: ContractInput, *, actor=None, today: Optional[date] = None) -> Contract:
    """Enter a signed contract on a project (module docstring); Refused naming every field at fault."""
    errors = _check(data, today or date.today())
    if errors:
        raise Refused(errors)
    contract = Contract(contract_no=data.contract_no.strip(), project_id=data.project_id,
                        contractor_id=data.contractor_id, subject=data.subject, method=data.method,
                        signed_on=data.signed_on, starts_on=data.starts_on, ends_on=data.ends_on,
                        original_value_fen=data.value_fen, value_fen=data.value_fen, paid_fen=0,
                        retention_bp=data.retention_bp, defects_liability_months=data.defects_liability_months,
                        retention_released=False, variation_count=0, created_by_id=getattr(actor, "id", None))
    db.session.add(contract)
    db.session.flush()
    for milestone_id in sorted(set(data.milestone_ids)):
        db.session.add(ContractMilestone(contract_id=contract.id, milestone_id=milestone_id,
                                         project_id=data.project_id))
    db.session.flush()
    record("contract.create", user=actor, object_type="contract", object_id=contract.id,
           after={"contract_no": contract.contract_no, "project_id": data.project_id,
                  "contractor_id": data.contractor_id, "subject": data.subject, "procurement_method": data.method,
                  "signed_on": data.signed_on.isoformat() if data.signed_on else None, "value_fen": data.value_fen,
                  "retention_bp": data.retention_bp, "defects_liability_months": data.defects_liability_months,
                  "milestones": sorted(set(data.milestone_ids))})
    return contract


def add_variation(contract: Contract, *, delta_fen: Optional[int], reason: str, varied_on: Optional[date],
                  actor=None, today: Optional[date] = None) -> ContractVariation:
    """Change the contract's value by `delta_fen` (negative: a decrease) for `reason`; the history keeps
    the value before and after."""
    reason = (reason or "").strip()
    errors: dict[str, object] = {}
    if not reason:
        errors["reason"] = _l("Say why the value changes: a variation needs its reason.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = _l("At most %(n)d characters.", n=MAX_REASON)
    if not delta_fen:
        errors["delta_fen"] = _l("Enter the change of value.")
    if varied_on is None:
        errors["varied_on"] = _l("Enter the day of the variation.")
    elif (problem := window().problem(varied_on, today=today or date.today(), kind=PAST)) is not None:
        errors["varied_on"] = problem
    if errors:
        raise Refused(errors)
    assert delta_fen is not None and varied_on is not None
    lock_contract(contract.id)
    db.session.refresh(contract)
    before, after = contract.value_fen, contract.value_fen + delta_fen
    _check_new_value(contract, after)
    moved = db.session.execute(
        update(Contract).where(Contract.id == contract.id, Contract.value_fen == before)
        .values(value_fen=after, variation_count=Contract.variation_count + 1))
    if getattr(moved, "rowcount", 1) != 1:
        raise Refused("delta_fen", _l("The contract changed meanwhile; reload it and try again."))
    db.session.refresh(contract)
    variation = ContractVariation(contract_id=contract.id, sequence=contract.variation_count, delta_fen=delta_fen,
                                  value_before_fen=before, value_after_fen=after, reason=reason, varied_on=varied_on,
                                  created_by_id=getattr(actor, "id", None))
    db.session.add(variation)
    db.session.flush()
    record("contract.vary", user=actor, object_type="contract", object_id=contract.id,
           before={"value_fen": before}, after={"value_fen": after, "delta_fen": delta_fen, "reason": reason,
                                                "varied_on": varied_on.isoformat()})
    return variation


def _check_new_value(contract: Contract, value_fen: int) -> None:
    """Refused when the new value is not positive, over the cap, below what is paid, or leaves the
    payments inside the retention before it is released (the CHECKs would refuse it too)."""
    if not 0 < value_fen <= MAX_FEN:
        raise Refused("delta_fen", _l("The contract's value would be %(value)s yuan: it must stay above 0.",
                                      value=format_yuan(value_fen)))
    if value_fen < contract.paid_fen:
        raise Refused("delta_fen", _l("The contract's value would be %(value)s yuan, below the %(paid)s yuan "
                                      "already paid under it.", value=format_yuan(value_fen),
                                      paid=format_yuan(contract.paid_fen)))
    if not contract.retention_released and contract.paid_fen * 10000 > value_fen * (10000 - contract.retention_bp):
        raise Refused("delta_fen", _l("The contract's value would be %(value)s yuan: the %(paid)s yuan already "
                                      "paid would reach into the retention, which is not yet released.",
                                      value=format_yuan(value_fen), paid=format_yuan(contract.paid_fen)))


def contracts_of_project(project_id: int) -> list[Contract]:
    """A project's contracts, by signing day."""
    return list(db.session.scalars(select(Contract).where(Contract.project_id == project_id)
                                   .order_by(Contract.signed_on, Contract.id)))


def contracts_of_contractor(contractor_id: int) -> list[tuple[Contract, Project]]:
    """A contractor's contracts across projects, newest first, each with its project."""
    return [(contract, project) for contract, project in db.session.execute(
        select(Contract, Project).join(Project, Project.id == Contract.project_id)
        .where(Contract.contractor_id == contractor_id).order_by(Contract.signed_on.desc(), Contract.id.desc()))]


def variations_of(contract_id: int) -> list[ContractVariation]:
    """A contract's variations in order."""
    return list(db.session.scalars(select(ContractVariation).where(ContractVariation.contract_id == contract_id)
                                   .order_by(ContractVariation.sequence)))


def covered_milestones(contract_id: int) -> list[Milestone]:
    """The milestones the contract covers."""
    return list(db.session.scalars(select(Milestone).join(ContractMilestone, ContractMilestone.milestone_id ==
                                                          Milestone.id)
                                   .where(ContractMilestone.contract_id == contract_id).order_by(Milestone.sequence)))


def liability_ends_on(contract: Contract, completed_on: Optional[date]) -> Optional[date]:
    """The day the defects-liability period ends: so many months after the works were completed
    (the project's actual end); None while they are not."""
    if completed_on is None:
        return None
    month = completed_on.month - 1 + contract.defects_liability_months
    year, month = completed_on.year + month // 12, month % 12 + 1
    day = min(completed_on.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
                                 30, 31, 31, 30, 31, 30, 31][month - 1])
    return date(year, month, day)


def move_paid(contract_id: int, project_id: int, amount_fen: int, *, paid_on: date,
              completed_on: Optional[date] = None, retention_release: bool = False) -> Contract:
    """Move what was paid under the contract by `amount_fen` (negative: a reversal), under its row lock,
    taken after the source's and the allocation's. A payment beyond the current value, into the
    retention before it is released, or releasing it before the defects-liability period ends is
    refused naming the field; the CHECKs refuse the same whatever path the write came by. Reversing
    the release payment holds the retention again."""
    lock_contract(contract_id)
    contract = db.session.get(Contract, contract_id)
    if contract is None or contract.project_id != project_id:
        raise Refused("contract", _l("The contract belongs to another project."))
    db.session.refresh(contract)
    paid = contract.paid_fen + amount_fen
    released = contract.retention_released
    if amount_fen > 0:
        _check_payment(contract, paid, paid_on, completed_on, retention_release)
        released = released or retention_release
    elif retention_release:
        released = False
    db.session.execute(update(Contract).where(Contract.id == contract_id)
                       .values(paid_fen=paid, retention_released=released))
    db.session.refresh(contract)
    return contract


def _check_payment(contract: Contract, paid: int, paid_on: date, completed_on: Optional[date],
                   retention_release: bool) -> None:
    if paid > contract.value_fen:
        raise Refused("amount", _l("Beyond the contract: %(left)s yuan of contract %(number)s is left to pay.",
                                   left=format_yuan(contract.value_fen - contract.paid_fen),
                                   number=contract.contract_no))
    if retention_release:
        if contract.retention_released:
            raise Refused("retention_release", _l("This contract's retention was already released."))
        ends = liability_ends_on(contract, completed_on)
        if ends is None or paid_on < ends:
            raise Refused("retention_release", _l(
                "The retention is released only after the defects-liability period ends (%(day)s).",
                day=ends.isoformat() if ends else _l("the works are not completed yet")))
    elif not contract.retention_released and paid * 10000 > contract.value_fen * (10000 - contract.retention_bp):
        raise Refused("amount", _l("Into the retention: until it is released, at most %(left)s yuan more may be paid "
                                   "under contract %(number)s.", number=contract.contract_no,
                                   left=format_yuan(max(contract.value_fen - contract.retention_fen - contract.paid_fen,
                                                        0))))
