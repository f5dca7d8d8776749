"""Ledger operations: receive, allocate, pay, reverse. Each re-checks every rule the forms check.

Every operation that moves a source's money or decides about its months (receive, allocate, pay,
reverse, close and reopen a month, import, match and explain statement lines) first takes the
source's lock (`lock_source`): its row on PostgreSQL, the writer lock on SQLite. So a month cannot
be closed between a payment's "is the month open?" and its INSERT, nor a payment added between the
close's "is everything reconciled?" and its record; and every transaction takes the source first,
then allocations, then the project, so two of them never wait for each other in a circle.

Balances move by guarded UPDATEs (`... SET allocated = allocated + d WHERE allocated + d <=
received`): the database row lock makes two simultaneous requests queue, and the losing one
finds the guard false and is refused, so a source can never be overspent. The CHECK constraints
on the balance columns are the last line behind the guards. Callers commit or roll back.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Optional

from flask import Flask, current_app
from sqlalchemy import and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from audit.services import record
from contracts.contract_services import move_paid
from core import dates
from core.clock import utcnow
from core.database import rows_changed, take_write_lock
from core.errors import Refused
from core.i18n import _l
from core.money import MAX_FEN, MAX_TOTAL_FEN, format_yuan
from extensions import db
from funds.ledger import payment_dates
from funds.models import (
    CHANNELS,
    COST_CATEGORIES,
    LEVELS,
    Allocation,
    AllocationCategory,
    AllocationEntry,
    Appropriation,
    FundRule,
    FundSource,
    MonthClose,
    Payment,
    SourceMonth,
    month_of,
)
from funds.rules.standing import recheck_pair, recheck_sources
from projects.models import Milestone, Project


class FundsError(Refused):
    """A refused money operation: `field` names the form field, `message` says why (translatable)."""


def lock_source(source_id: int) -> None:
    """Hold the source's lock until the transaction ends (see the module docstring); call it before
    reading anything the operation decides on."""
    take_write_lock(db.session)
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(FundSource.id).where(FundSource.id == source_id).with_for_update())


def create_source(*, code: str, name: str, channel: str, level: str, fiscal_year: int,
                  managing_department: str = "", document_ref: str = "", actor=None) -> FundSource:
    """Register a fund source; its code must be new."""
    code = code.strip()
    if not code:
        raise FundsError("code", _l("Enter a code."))
    if channel not in CHANNELS:
        raise FundsError("channel", _l("Unknown channel."))
    if level not in LEVELS:
        raise FundsError("level", _l("Unknown level."))
    if db.session.scalar(select(FundSource.id).where(FundSource.code == code)):
        raise FundsError("code", _l("A fund source with this code already exists."))
    source = FundSource(code=code, name=name.strip(), channel=channel, level=level,
                        fiscal_year=fiscal_year, managing_department=managing_department,
                        document_ref=document_ref)
    db.session.add(source)
    db.session.flush()
    record("fund_source.create", user=actor, object_type="fund_source", object_id=source.id,
           after={"code": code, "name": source.name, "channel": channel, "level": level,
                  "fiscal_year": fiscal_year})
    return source


def receive_appropriation(source: FundSource, *, document_no: str, received_on: date,
                          amount_fen: int, note: str = "", actor=None, today: Optional[date] = None) -> Appropriation:
    """Record money received by `source` under a document number that is new for that source."""
    _check_day(received_on, today, "received_on")
    lock_source(source.id)
    document_no = document_no.strip()
    if not document_no:
        raise FundsError("document_no", _l("Enter the document number."))
    if amount_fen <= 0:
        raise FundsError("amount", _l("The amount must be greater than zero."))
    if db.session.scalar(select(Appropriation.id).where(
            Appropriation.source_id == source.id, Appropriation.document_no == document_no)):
        raise FundsError("document_no", _l("This document number is already recorded for this source."))
    if amount_fen > MAX_FEN:
        raise FundsError("amount", _l("One entry can be at most %(max)s yuan.", max=format_yuan(MAX_FEN)))
    moved = rows_changed(update(FundSource).where(FundSource.id == source.id,
                                                  FundSource.received_fen + amount_fen <= MAX_TOTAL_FEN)
                         .values(received_fen=FundSource.received_fen + amount_fen))
    if not moved:
        raise FundsError("amount", _l("A fund source can hold at most %(max)s yuan in all.",
                                      max=format_yuan(MAX_TOTAL_FEN)))
    entry = Appropriation(source_id=source.id, document_no=document_no, received_on=received_on,
                          amount_fen=amount_fen, note=note, created_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    record("appropriation.create", user=actor, object_type="appropriation", object_id=entry.id,
           after={"source": source.code, "document_no": document_no, "amount_fen": amount_fen,
                  "received_on": received_on})
    return entry


def _category_allowed(source: FundSource, project: Project) -> bool:
    """False when an active eligible-categories rule for the source or its channel excludes the project."""
    rules = db.session.scalars(select(FundRule).where(
        FundRule.kind == "eligible_categories", FundRule.active.is_(True),
        (FundRule.source_id == source.id) | (FundRule.channel == source.channel)
        | (FundRule.source_id.is_(None) & FundRule.channel.is_(None))))
    return all(project.category in rule.params.get("categories", []) for rule in rules)


def allocate(source: FundSource, project: Project, *, delta_fen: int, entry_date: date,
             document_no: str = "", reason: str = "", actor=None, today: Optional[date] = None) -> Allocation:
    """Commit (delta > 0) or withdraw (delta < 0) a source's money for a project."""
    _check_day(entry_date, today, "entry_date")
    if delta_fen == 0:
        raise FundsError("amount", _l("The amount must not be zero."))
    if delta_fen > 0 and project.status == "cancelled":  # withdrawing its money stays possible
        raise FundsError("project", _l("The project is cancelled."))
    lock_source(source.id)
    if delta_fen > 0 and not _category_allowed(source, project):
        raise FundsError("project", _l("This fund source's rules do not allow this kind of project."))
    allocation = db.session.scalar(select(Allocation).where(
        Allocation.source_id == source.id, Allocation.project_id == project.id))
    if allocation is None:
        if delta_fen < 0:
            raise FundsError("amount", _l("Nothing is allocated to reduce."))
        allocation = Allocation(source_id=source.id, project_id=project.id, amount_fen=0, spent_fen=0)
        db.session.add(allocation)
        db.session.flush()
    moved = rows_changed(
        update(Allocation).where(Allocation.id == allocation.id,
                                 Allocation.amount_fen + delta_fen >= Allocation.spent_fen)
        .values(amount_fen=Allocation.amount_fen + delta_fen))
    if not moved:
        raise FundsError("amount", _l("An allocation cannot be reduced below what has been spent (%(spent)s yuan).",
                                      spent=format_yuan(allocation.spent_fen)))
    moved = rows_changed(
        update(FundSource).where(FundSource.id == source.id,
                                 FundSource.allocated_fen + delta_fen <= FundSource.received_fen)
        .values(allocated_fen=FundSource.allocated_fen + delta_fen))
    if not moved:
        raise FundsError("amount", _l("The source has only %(left)s yuan received and not yet allocated.",
                                      left=format_yuan(source.received_fen - source.allocated_fen)))
    db.session.execute(update(Project).where(Project.id == project.id)
                       .values(allocated_fen=Project.allocated_fen + delta_fen))
    db.session.add(AllocationEntry(allocation_id=allocation.id, delta_fen=delta_fen, entry_date=entry_date,
                                   document_no=document_no, reason=reason,
                                   created_by_id=getattr(actor, "id", None)))
    db.session.flush()
    recheck_pair(source.id, project.id)
    record("allocation.change", user=actor, object_type="allocation", object_id=allocation.id,
           after={"source": source.code, "project": project.code, "delta_fen": delta_fen,
                  "document_no": document_no, "reason": reason})
    return allocation


def month_is_closed(source_id: int, day: date) -> bool:
    """True when the source's month containing `day` is closed and not reopened."""
    return bool(db.session.scalar(select(exists().where(
        MonthClose.source_id == source_id, MonthClose.period == month_of(day),
        MonthClose.reopened_at.is_(None)))))


def _move_category(source: FundSource, project: Project, cost_category: str, amount_fen: int) -> None:
    """Add `amount_fen` to the allocation's spending in `cost_category` (the row is made at its first payment).

    The allocation's row was updated just before, so this transaction already holds its lock: no
    other payment can create the same category row between the UPDATE and the INSERT.
    """
    allocation_id = select(Allocation.id).where(Allocation.source_id == source.id,
                                                Allocation.project_id == project.id).scalar_subquery()
    moved = rows_changed(
        update(AllocationCategory).where(AllocationCategory.allocation_id == allocation_id,
                                         AllocationCategory.cost_category == cost_category)
        .values(spent_fen=AllocationCategory.spent_fen + amount_fen))
    if not moved:
        db.session.execute(insert(AllocationCategory).from_select(
            ["allocation_id", "cost_category", "spent_fen"],
            select(Allocation.id, literal(cost_category), literal(amount_fen)).where(
                Allocation.source_id == source.id, Allocation.project_id == project.id)))


def _move_month(source: FundSource, period: int, amount_fen: int) -> None:
    """Count one entry of `amount_fen` (negative for a reversal) in the source's month summary.

    Called after the source's balance row was updated in this transaction, which holds its lock: no
    other payment of the source can create the same month row between the UPDATE and the INSERT.
    """
    paid, reversed_ = max(amount_fen, 0), min(amount_fen, 0)
    awaiting = 1 if amount_fen > 0 else 0  # a new payment awaits its line; a reversal's months are counted again
    moved = rows_changed(
        update(SourceMonth).where(SourceMonth.source_id == source.id, SourceMonth.period == period)
        .values(paid_fen=SourceMonth.paid_fen + paid, reversed_fen=SourceMonth.reversed_fen + reversed_,
                entries=SourceMonth.entries + 1, awaiting=SourceMonth.awaiting + awaiting))
    if not moved:
        db.session.execute(insert(SourceMonth).values(source_id=source.id, period=period, paid_fen=paid,
                                                      reversed_fen=reversed_, entries=1, awaiting=awaiting))


def _move_spending(source: FundSource, project: Project, amount_fen: int, paid_on: date,
                   cost_category: str, contract: Optional[tuple[int, bool]] = None) -> None:
    """Add `amount_fen` (negative for a reversal) to the allocation's (in total and in its cost
    category), the source's and the project's spent balance, and to the source's month."""
    allocation_guard = Allocation.spent_fen + amount_fen <= Allocation.amount_fen
    moved = rows_changed(
        update(Allocation).where(Allocation.source_id == source.id, Allocation.project_id == project.id,
                                 allocation_guard)
        .values(spent_fen=Allocation.spent_fen + amount_fen))
    if not moved:
        allocation = db.session.scalar(select(Allocation).where(
            Allocation.source_id == source.id, Allocation.project_id == project.id))
        left = 0 if allocation is None else allocation.amount_fen - allocation.spent_fen
        raise FundsError("amount", _l("This source has only %(left)s yuan allocated and unspent for this project.",
                                      left=format_yuan(left)))
    if amount_fen > 0:
        db.session.execute(update(Allocation).where(
            Allocation.source_id == source.id, Allocation.project_id == project.id,
            (Allocation.last_payment_on.is_(None)) | (Allocation.last_payment_on < paid_on))
            .values(last_payment_on=paid_on))
    _move_category(source, project, cost_category, amount_fen)
    db.session.execute(update(FundSource).where(FundSource.id == source.id)
                       .values(spent_fen=FundSource.spent_fen + amount_fen))
    _move_month(source, month_of(paid_on), amount_fen)
    if contract is not None:  # lock order: source, allocation, contract, project
        move_paid(contract[0], project.id, amount_fen, paid_on=paid_on, completed_on=project.actual_end,
                  retention_release=contract[1])
    db.session.execute(update(Project).where(Project.id == project.id)
                       .values(spent_fen=Project.spent_fen + amount_fen))


def _check_day(day: date, today: Optional[date], field: str) -> None:
    """Refuse a date that cannot be right (core.dates): before the earliest date, or after `today`
    (money is recorded when it has moved). Without `today` (tests, scripts) only the window's far
    bounds apply."""
    if day is None:
        raise FundsError(field, _l("Enter the date."))
    problem = dates.window().problem(day, today=today or date.today(), kind=dates.PAST if today else dates.PLAN)
    if problem is not None:
        raise FundsError(field, problem)


def _check_voucher(source: FundSource, voucher_no: str) -> str:
    voucher_no = voucher_no.strip()
    if not voucher_no:
        raise FundsError("voucher_no", _l("Enter the voucher number."))
    if db.session.scalar(select(Payment.id).where(Payment.source_id == source.id,
                                                  Payment.voucher_no == voucher_no)):
        raise FundsError("voucher_no", _l("Voucher number %(no)s is already used for this source.", no=voucher_no))
    return voucher_no


def record_payment(source: FundSource, project: Project, milestone: Milestone, *, voucher_no: str,
                   payee: str, paid_on: date, amount_fen: int, cost_category: str,
                   actor=None, today: Optional[date] = None, contract_id: Optional[int] = None,
                   retention_release: bool = False) -> Payment:
    """Record spending from `source` on `project` against one of its milestones, under `contract_id`
    when given (the contract's paid moves with it; `retention_release` releases its retention)."""
    _check_day(paid_on, today, "paid_on")
    if amount_fen <= 0:
        raise FundsError("amount", _l("The amount must be greater than zero."))
    if milestone.project_id != project.id:
        raise FundsError("milestone", _l("The milestone belongs to another project."))
    if project.status == "cancelled":
        raise FundsError("project", _l("The project is cancelled."))
    if cost_category not in COST_CATEGORIES:
        raise FundsError("cost_category", _l("Unknown cost category."))
    if not payee.strip():
        raise FundsError("payee", _l("Enter the payee."))
    lock_source(source.id)
    if month_is_closed(source.id, paid_on):
        raise FundsError("paid_on", _l("The month of this date is closed for this source."))
    problem = payment_dates.before_allocation_problem(paid_on, payment_dates.first_allocation_day(source.id,
                                                                                                 project.id))
    if problem is not None:
        raise FundsError("paid_on", problem)
    voucher_no = _check_voucher(source, voucher_no)
    if retention_release and contract_id is None:
        raise FundsError("retention_release", _l("Only a payment under a contract releases a retention."))
    _move_spending(source, project, amount_fen, paid_on, cost_category,
                   (contract_id, retention_release) if contract_id is not None else None)
    payment = Payment(source_id=source.id, project_id=project.id, milestone_id=milestone.id,
                      voucher_no=voucher_no, payee=payee.strip(), paid_on=paid_on, period=month_of(paid_on),
                      amount_fen=amount_fen, cost_category=cost_category, contract_id=contract_id,
                      retention_release=retention_release, created_by_id=getattr(actor, "id", None))
    db.session.add(payment)
    db.session.flush()
    recheck_pair(source.id, project.id)
    record("payment.create", user=actor, object_type="payment", object_id=payment.id,
           after={"source": source.code, "project": project.code, "milestone": milestone.id,
                  "voucher_no": voucher_no, "payee": payment.payee, "paid_on": paid_on,
                  "amount_fen": amount_fen, "cost_category": cost_category,
                  **_start_warning_record(paid_on, project.actual_start),
                  **({"contract": contract_id, "retention_release": retention_release} if contract_id else {})})
    return payment


def _start_warning_record(paid_on: date, actual_start: Optional[date]) -> dict:
    """What the audit event of a payment dated before the project's actual start records (the
    person was warned: funds.ledger.payment_dates)."""
    if not payment_dates.before_start(paid_on, actual_start):
        return {}
    return {"warning": "before_project_start", "project_actual_start": actual_start}


def why_not_reversible(original: Payment):
    """Why `original` cannot be reversed (a reversal itself, or reversed already), or None."""
    if original.reversal_of_id is not None:
        return _l("A reversal cannot itself be reversed.")
    if db.session.scalar(select(Payment.id).where(Payment.reversal_of_id == original.id)):
        return _l("This payment has already been reversed.")
    return None


def reverse_payment(original: Payment, *, voucher_no: str, reversed_on: date, reason: str,
                    actor=None, today: Optional[date] = None) -> Payment:
    """Cancel `original` by a linked entry of opposite amount; a payment is reversed at most once."""
    _check_day(reversed_on, today, "reversed_on")
    lock_source(original.source_id)
    refusal = why_not_reversible(original)
    if refusal is not None:
        raise FundsError("payment", refusal)
    if not reason.strip():
        raise FundsError("reason", _l("Give the reason for the reversal."))
    if reversed_on < original.paid_on:
        raise FundsError("reversed_on", _l("A reversal cannot be dated before the payment it reverses."))
    source = original.source
    if month_is_closed(source.id, reversed_on):
        raise FundsError("reversed_on", _l("The month of this date is closed for this source."))
    voucher_no = _check_voucher(source, voucher_no)
    _move_spending(source, original.project, -original.amount_fen, reversed_on, original.cost_category,
                   (original.contract_id, original.retention_release) if original.contract_id is not None else None)
    reversal = Payment(source_id=source.id, project_id=original.project_id, milestone_id=original.milestone_id,
                       voucher_no=voucher_no, payee=original.payee, paid_on=reversed_on,
                       period=month_of(reversed_on), amount_fen=-original.amount_fen,
                       cost_category=original.cost_category, reversal_of_id=original.id,
                       reversal_reason=reason.strip(), contract_id=original.contract_id,
                       retention_release=original.retention_release, created_by_id=getattr(actor, "id", None))
    db.session.add(reversal)
    db.session.flush()
    # An unmatched payment and its reversal net to nothing and await no line: count both months again.
    refresh_awaiting(source.id, {original.period, reversal.period})
    recheck_pair(source.id, original.project_id)
    record("payment.reverse", user=actor, object_type="payment", object_id=original.id,
           after={"reversal_id": reversal.id, "voucher_no": voucher_no, "reason": reversal.reversal_reason,
                  "amount_fen": reversal.amount_fen})
    for follower in current_app.extensions.get(_REVERSAL_FOLLOWERS, {}).values():
        follower(original, reversal, actor)
    return reversal


_REVERSAL_FOLLOWERS = "funds.reversal_followers"
ReversalFollower = Callable[[Payment, Payment, object], None]


def follow_reversals(app: Flask, name: str, follower: ReversalFollower) -> None:
    """Have `follower(original, reversal, actor)` run in every reversal's transaction, after it is
    recorded, under the source's lock (a feature above funds, e.g. the payroll a payment paid, reopens
    what the payment settled; a Refused it raises refuses the reversal). One follower per name."""
    app.extensions.setdefault(_REVERSAL_FOLLOWERS, {})[name] = follower


def update_source(source: FundSource, *, name: str, channel: str, level: str, fiscal_year: int,
                  managing_department: str = "", document_ref: str = "", actor=None) -> None:
    """Edit a source's description; its code and balances never change here. A new channel changes
    the rules that bind the source: its allocations are checked again."""
    if channel not in CHANNELS:
        raise FundsError("channel", _l("Unknown channel."))
    if level not in LEVELS:
        raise FundsError("level", _l("Unknown level."))
    if not name.strip():
        raise FundsError("name", _l("Enter a name."))
    before = {"name": source.name, "channel": source.channel, "level": source.level,
              "fiscal_year": source.fiscal_year, "managing_department": source.managing_department,
              "document_ref": source.document_ref}
    after = {"name": name.strip(), "channel": channel, "level": level, "fiscal_year": fiscal_year,
             "managing_department": managing_department.strip(), "document_ref": document_ref.strip()}
    for key, value in after.items():
        setattr(source, key, value)
    changed = {key for key in after if after[key] != before[key]}
    if "channel" in changed:
        lock_source(source.id)
        db.session.flush()
        recheck_sources([source.id])
    if changed:
        record("fund_source.update", user=actor, object_type="fund_source", object_id=source.id,
               before={k: before[k] for k in changed}, after={k: after[k] for k in changed})


def awaiting_statement_line():
    """SQL condition: a payment no statement line matches that still needs one.

    A payment reversed before the bank ever saw it (a duplicate entered by mistake) nets to nothing
    with its reversal when neither is matched: the pair needs no line.
    """
    from funds.models import StatementLine

    other = aliased(Payment)
    matched_other = exists().where(StatementLine.payment_id == other.id)
    paired = exists().where(or_(other.reversal_of_id == Payment.id, other.id == Payment.reversal_of_id),
                            ~matched_other)
    return and_(~exists().where(StatementLine.payment_id == Payment.id), ~paired)


def awaiting_by_period(source_id: int, first: Optional[int] = None, last: Optional[int] = None) -> dict[int, int]:
    """{yyyymm: payments awaiting a statement line} of a source (awaiting_statement_line, counted),
    read from the month summary kept in step (SourceMonth.awaiting)."""
    query = select(SourceMonth.period, SourceMonth.awaiting).where(SourceMonth.source_id == source_id,
                                                                    SourceMonth.awaiting > 0)
    if first is not None:
        query = query.where(SourceMonth.period >= first)
    if last is not None:
        query = query.where(SourceMonth.period <= last)
    return {period: int(count) for period, count in db.session.execute(query)}


def refresh_awaiting(source_id: int, periods: Optional[Iterable[int]] = None) -> None:
    """Count again the payments awaiting a statement line in these months of the source (all its
    months with None): after a reversal, a match or an unmatch, which can move a month's count
    either way (a reversal pair that no line matches needs none). One month's payments each."""
    months = [SourceMonth.source_id == source_id]
    if periods is not None:
        chosen = sorted(set(periods))
        if not chosen:
            return
        months.append(SourceMonth.period.in_(chosen))
    counted = (select(func.count(Payment.id))
               .where(Payment.source_id == SourceMonth.source_id, Payment.period == SourceMonth.period,
                      awaiting_statement_line()).scalar_subquery())
    db.session.execute(update(SourceMonth).where(*months).values(awaiting=counted))


def refresh_awaiting_of(payment_ids: Iterable[int], chunk: int = 5000) -> None:
    """refresh_awaiting for the months of these payments and of their reversal partners (payments
    whose match changed)."""
    ids = sorted(set(payment_ids))
    partner = aliased(Payment)
    touched: dict[int, set[int]] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        own = select(Payment.source_id, Payment.period).where(Payment.id.in_(part))
        partners = (select(partner.source_id, partner.period)
                    .join(Payment, or_(partner.reversal_of_id == Payment.id, partner.id == Payment.reversal_of_id))
                    .where(Payment.id.in_(part)))
        for source_id, period in db.session.execute(own.union(partners)):
            touched.setdefault(source_id, set()).add(period)
    for source_id, periods in touched.items():
        refresh_awaiting(source_id, periods)


def unreconciled_counts(source_id: int, period: int) -> tuple[int, int]:
    """(payments with no statement line, statement lines neither matched nor explained) in a source's month."""
    from funds.models import StatementLine

    payments = db.session.scalar(select(func.count(Payment.id)).where(
        Payment.source_id == source_id, Payment.period == period, awaiting_statement_line()))
    lines = db.session.scalar(select(func.count(StatementLine.id)).where(
        StatementLine.source_id == source_id, StatementLine.period == period, StatementLine.payment_id.is_(None),
        StatementLine.explanation.is_(None), StatementLine.held_reason.is_(None)))
    return int(payments or 0), int(lines or 0)


def close_month(source: FundSource, period: int, *, today: date, actor=None) -> MonthClose:
    """Close a finished, fully reconciled month: afterwards nothing can be dated in it."""
    if period >= month_of(today):
        raise FundsError("period", _l("Only a month that has ended can be closed."))
    lock_source(source.id)
    if month_is_closed(source.id, date(period // 100, period % 100, 1)):
        raise FundsError("period", _l("This month is already closed."))
    payments, lines = unreconciled_counts(source.id, period)
    if payments or lines:
        raise FundsError("period", _l("The month is not reconciled: %(payments)d payments without a statement "
                                      "line and %(lines)d statement lines without a payment.",
                                      payments=payments, lines=lines))
    closing = MonthClose(source_id=source.id, period=period, closed_by_id=getattr(actor, "id", None))
    db.session.add(closing)
    db.session.flush()
    record("month.close", user=actor, object_type="fund_source", object_id=source.id, after={"period": period})
    return closing


def reopen_month(source: FundSource, period: int, *, reason: str, actor=None) -> MonthClose:
    """Reopen a closed month (administrators), keeping the closing record and saying why."""
    lock_source(source.id)
    closing = db.session.scalar(select(MonthClose).where(
        MonthClose.source_id == source.id, MonthClose.period == period, MonthClose.reopened_at.is_(None)))
    if closing is None:
        raise FundsError("period", _l("This month is not closed."))
    if not reason.strip():
        raise FundsError("reason", _l("Give the reason for reopening."))
    closing.reopened_at = utcnow()
    closing.reopened_by_id = getattr(actor, "id", None)
    closing.reopen_reason = reason.strip()
    db.session.flush()
    record("month.reopen", user=actor, object_type="fund_source", object_id=source.id,
           after={"period": period, "reason": closing.reopen_reason})
    release_held_lines(source, period, actor=actor)
    return closing


def release_held_lines(source: FundSource, period: int, *, actor=None) -> int:
    """Make the statement lines held apart in a month ordinary unmatched lines of it (the month was
    reopened): finance then matches them by hand or with the next import. Audited; how many."""
    from funds.models import StatementLine

    of_month = (StatementLine.source_id == source.id, StatementLine.period == period,
                StatementLine.held_reason.is_not(None))
    held = list(db.session.scalars(select(StatementLine.id).where(*of_month).order_by(StatementLine.id)))
    if not held:
        return 0
    db.session.execute(update(StatementLine).where(*of_month).values(held_reason=None))
    record("statement.release", user=actor, object_type="fund_source", object_id=source.id,
           after={"period": period, "lines": len(held), "line_ids": ",".join(map(str, held))})
    return len(held)


def reverse_appropriation(original: Appropriation, *, reversed_on: date, reason: str, actor=None,
                          today: Optional[date] = None) -> Appropriation:
    """Cancel a wrongly recorded receipt by a linked negative entry with a reason, at most once.

    Refused when the source has already allocated money the correction would take away."""
    _check_day(reversed_on, today, "reversed_on")
    lock_source(original.source_id)
    if original.reversal_of_id is not None:
        raise FundsError("reason", _l("A reversal cannot itself be reversed."))
    if db.session.scalar(select(Appropriation.id).where(Appropriation.reversal_of_id == original.id)):
        raise FundsError("reason", _l("This receipt has already been reversed."))
    if not reason.strip():
        raise FundsError("reason", _l("Give the reason for the reversal."))
    if reversed_on < original.received_on:
        raise FundsError("reversed_on", _l("A reversal cannot be dated before the entry it reverses."))
    source = original.source
    moved = rows_changed(
        update(FundSource).where(FundSource.id == source.id,
                                 FundSource.received_fen - original.amount_fen >= FundSource.allocated_fen)
        .values(received_fen=FundSource.received_fen - original.amount_fen))
    if not moved:
        raise FundsError("reason", _l("%(allocated)s yuan of this source is allocated: reduce allocations before "
                                      "taking this receipt back.", allocated=format_yuan(source.allocated_fen)))
    reversal = Appropriation(source_id=source.id, document_no=f"{original.document_no}（冲销）"[:64],
                             received_on=reversed_on, amount_fen=-original.amount_fen, note=original.note,
                             reversal_of_id=original.id, reversal_reason=reason.strip(),
                             created_by_id=getattr(actor, "id", None))
    db.session.add(reversal)
    db.session.flush()
    record("appropriation.reverse", user=actor, object_type="appropriation", object_id=original.id,
           after={"reversal_id": reversal.id, "amount_fen": reversal.amount_fen, "reason": reversal.reversal_reason,
                  "received_on": reversed_on})
    return reversal
