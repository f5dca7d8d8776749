"""Payrolls (工资发放表): one per project and month worked, from a work-for-relief source, against a
milestone; posting pays it with one wages payment of its total, to the fen.

    payroll = create_payroll(project, source, milestone, period=202603, lines=[...], actor=user)
    post_payroll(payroll, voucher_no="GZ-2026-03", paid_on=date(2026, 4, 10), actor=user)

`post_payroll` is the one seam between a payroll and the ledger. Where the source's payments of that
amount need a second person's approval (the fund rule `payment_approval`, funds.requests.approval:
the same decision as for every other payment), it prepares one payment request of the total (cost
category wages, the payroll's milestone and source) and the payroll is "submitted", its lines
frozen; when the request is approved its payment is linked to the payroll (`_on_decision`, run in
the approval's transaction), and a rejected request sends the payroll back to draft. Where no
approval is needed it records the payment at once. A reversed payment sends its payroll back to
draft too (`_on_reversal`): the wages were not paid after all (a transfer returned, a wrong card,
a wrong amount), and the month's payroll, one per project and month, is corrected and posted again;
the ledger keeps the payment and its reversal, the trail says why.

Every function takes the source's lock first (the ledger's order: source -> request -> allocation ->
project), so a payroll is posted once, and its lines cannot change while it is being paid. The
database keeps a posted payroll's total equal to its payment's amount (payroll.models). A source is
work-for-relief money when its channel is work-for-relief or an active wage-share-floor rule binds it
(the county's rules are data: a source held to a wage floor is paid out as wages through payrolls
whatever its channel).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Union

from flask import Flask
from sqlalchemy import func, or_, select, update

from audit.services import record
from core import dates
from core.clock import utcnow
from core.database import rows_changed
from core.errors import Refused
from core.i18n import _l
from core.money import MAX_FEN, format_yuan
from extensions import db
from funds.ledger.services import follow_reversals, lock_source, record_payment
from funds.models import Allocation, FundRule, FundSource, Payment
from funds.requests.approval import needs_approval
from funds.requests.models import PaymentRequest
from funds.requests.services import PaymentInput, follow_decisions, prepare_request
from funds.rules.standing import recheck_pair
from payroll.models import Payroll, PayrollLine, Worker
from projects.models import Milestone, Project

MAX_DAYS = Decimal(31)


@dataclass(frozen=True)
class LineInput:
    """One worker's month: days worked (tenths of a day at most), daily rate and amount in fen."""

    worker: Worker
    days: Decimal
    daily_rate_fen: int
    amount_fen: int
    is_manager: bool = False


def amount_of(days: Decimal, daily_rate_fen: int) -> int:
    """days × rate, to the fen (half a fen up)."""
    return int((days * daily_rate_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_problems(days: Optional[Decimal], rate_fen: Optional[int], amount_fen: Optional[int]) -> dict[str, object]:
    """Each of days, rate and amount at fault and why (a payroll that does not add up included)."""
    errors: dict[str, object] = {}
    if days is None or days <= 0 or days > MAX_DAYS or days != days.quantize(Decimal("0.1")):
        errors["days"] = _l("Days worked: more than 0 and at most 31, in tenths of a day.")
    if rate_fen is None or rate_fen <= 0:
        errors["daily_rate"] = _l("The daily rate must be greater than zero.")
    if amount_fen is not None and amount_fen <= 0:
        errors["amount"] = _l("The amount must be greater than zero.")
    if not errors and days is not None and rate_fen is not None and amount_fen is not None \
            and amount_fen != amount_of(days, rate_fen):
        errors["amount"] = _l("Does not add up: %(days)s days × %(rate)s yuan = %(expected)s yuan.",
                              days=format(days.normalize(), "f"), rate=format_yuan(rate_fen),
                              expected=format_yuan(amount_of(days, rate_fen)))
    return errors


def is_work_for_relief(source: FundSource) -> bool:
    """The source pays work-for-relief wages (module docstring)."""
    if source.channel == "work_for_relief":
        return True
    return db.session.scalar(select(FundRule.id).where(
        FundRule.kind == "wage_share_floor", FundRule.active.is_(True),
        or_(FundRule.source_id == source.id, (FundRule.source_id.is_(None) & (FundRule.channel == source.channel)),
            (FundRule.source_id.is_(None) & FundRule.channel.is_(None)))).limit(1)) is not None


def check_payroll_heading(project: Project, source: FundSource, milestone: Milestone, period: int) -> None:
    """Refused naming the field when the payroll cannot be for this project, source, milestone and month."""
    if not is_work_for_relief(source):
        raise Refused("source", _l("%(source)s is not work-for-relief money: its channel is not work-for-relief "
                                   "and no wage-share rule binds it.", source=source.code))
    if milestone.project_id != project.id:
        raise Refused("milestone", _l("The milestone belongs to another project."))
    if db.session.scalar(select(Allocation.id).where(Allocation.source_id == source.id,
                                                     Allocation.project_id == project.id)) is None:
        raise Refused("source", _l("%(source)s has allocated nothing to this project.", source=source.code))
    first_day = date(period // 100, period % 100, 1)
    if first_day > date.today():
        raise Refused("month", _l("The month has not begun."))
    if db.session.scalar(select(Payroll.id).where(Payroll.project_id == project.id, Payroll.period == period)):
        raise Refused("month", _l("The project already has a payroll for %(month)s.", month=dates.format_month(period)))


def create_payroll(project: Project, source: FundSource, milestone: Milestone, *, period: int,
                   lines: list[LineInput], actor=None) -> Payroll:
    """A draft payroll with its lines, the total kept in step (module docstring)."""
    lock_source(source.id)
    check_payroll_heading(project, source, milestone, period)
    if not lines:
        raise Refused("file", _l("The payroll has no line."))
    payroll = Payroll(project_id=project.id, source_id=source.id, milestone_id=milestone.id, period=period,
                      status="draft", total_fen=0, line_count=0, created_by_id=getattr(actor, "id", None))
    db.session.add(payroll)
    db.session.flush()
    for line in lines:
        add_line(payroll, line)
    record("payroll.create", user=actor, object_type="payroll", object_id=payroll.id,
           after={"project": project.code, "source": source.code, "month": dates.format_month(period),
                  "workers": len(lines), "total_fen": payroll.total_fen})
    recheck_pair(source.id, project.id)
    return payroll


def add_line(payroll: Payroll, line: LineInput) -> PayrollLine:
    """Add a line to a draft payroll, moving its total in the same transaction (guarded: a posted
    payroll is never changed, and the total stays within the cap). The caller holds the source's lock."""
    errors = line_problems(line.days, line.daily_rate_fen, line.amount_fen)
    if errors:
        raise Refused(errors)
    if line.worker.project_id != payroll.project_id:
        raise Refused("worker", _l("%(name)s is not on this project's roster.", name=line.worker.name))
    moved = rows_changed(update(Payroll).where(
        Payroll.id == payroll.id, Payroll.status == "draft", Payroll.total_fen + line.amount_fen <= MAX_FEN)
        .values(total_fen=Payroll.total_fen + line.amount_fen, line_count=Payroll.line_count + 1)
        .execution_options(synchronize_session=False))
    if not moved:
        raise Refused("payroll", _l("The payroll is posted already, or its total would pass the cap."))
    item = PayrollLine(payroll_id=payroll.id, worker_id=line.worker.id, days=line.days,
                       daily_rate_fen=line.daily_rate_fen, amount_fen=line.amount_fen, is_manager=line.is_manager)
    db.session.add(item)
    db.session.flush()
    db.session.refresh(payroll)
    return item


def lines_total(payroll_id: int) -> tuple[int, int]:
    """(sum of the lines' amounts, number of lines) as the database holds them now."""
    query = select(func.coalesce(func.sum(PayrollLine.amount_fen), 0), func.count(PayrollLine.id))
    total, count = db.session.execute(query.where(PayrollLine.payroll_id == payroll_id)).one()
    return int(total), int(count)


def default_voucher(payroll: Payroll, project: Project) -> str:
    """The payment's voucher number when none is given: GZ-<project>-<yyyymm>, with -2, -3, ... when a
    reversed earlier payment of the month holds it (a source's voucher numbers are used once)."""
    base = f"GZ-{project.code}-{payroll.period}"[:60]
    taken = set(db.session.scalars(select(Payment.voucher_no).where(
        Payment.source_id == payroll.source_id, Payment.voucher_no.startswith(base, autoescape=True))))
    taken |= set(db.session.scalars(select(PaymentRequest.voucher_no).where(
        PaymentRequest.source_id == payroll.source_id, PaymentRequest.state == "waiting",
        PaymentRequest.voucher_no.startswith(base, autoescape=True))))
    number = 1
    while (candidate := base if number == 1 else f"{base}-{number}") in taken:
        number += 1
    return candidate


Posting = Union[Payment, PaymentRequest]


def post_payroll(payroll: Payroll, *, paid_on: date, voucher_no: str = "", actor=None,
                 today: Optional[date] = None) -> Posting:
    """Pay a draft payroll with one wages payment of its total, or submit it as one payment request
    when the source's payments need approval (module docstring): the payment, or the request."""
    source = db.session.get_one(FundSource, payroll.source_id)
    lock_source(source.id)
    db.session.refresh(payroll)
    if payroll.status == "submitted":
        raise Refused("payroll", _l("This payroll is waiting for approval as a payment request."))
    if payroll.status != "draft":
        raise Refused("payroll", _l("This payroll is posted already."))
    total, count = lines_total(payroll.id)
    if total != payroll.total_fen or count != payroll.line_count or total <= 0:
        raise Refused("payroll", _l("The payroll's total does not equal the sum of its lines."))
    first_day = date(payroll.period // 100, payroll.period % 100, 1)
    if paid_on < first_day:
        raise Refused("paid_on", _l("Wages are paid on or after the first day of the month worked."))
    project = db.session.get_one(Project, payroll.project_id)
    milestone = db.session.get_one(Milestone, payroll.milestone_id)
    # Stored, as a bank statement will name it: in Chinese whatever the language of whoever posts.
    payee = f"{project.name}以工代赈务工人员工资（{dates.format_month(payroll.period)}，{count}人）"[:200]
    voucher_no = voucher_no.strip() or default_voucher(payroll, project)
    if needs_approval(source, total):
        return _submit(payroll, PaymentInput(source, project, milestone, voucher_no, payee, paid_on, total, "wages"),
                       actor=actor, today=today)
    payment = record_payment(source, project, milestone, voucher_no=voucher_no,
                             payee=payee, paid_on=paid_on, amount_fen=total, cost_category="wages",
                             actor=actor, today=today)
    _mark_posted(payroll, payment, from_status="draft")
    record("payroll.post", user=actor, object_type="payroll", object_id=payroll.id,
           after={"payment": payment.id, "voucher_no": payment.voucher_no, "amount_fen": total})
    recheck_pair(source.id, project.id)
    return payment


def _submit(payroll: Payroll, data: PaymentInput, *, actor, today: Optional[date]) -> PaymentRequest:
    """The payroll as one payment request waiting for approval; the payroll "submitted" (frozen)."""
    if getattr(actor, "id", None) is None:
        raise Refused("payroll", _l("%(source)s's payments need approval: the payroll is submitted by a named "
                                    "account (on the command line: --user).", source=data.source.code))
    request = prepare_request(data, actor=actor, today=today)
    if request.state != "waiting":  # the rule changed between the two reads: cannot happen under the lock
        raise Refused("payroll", _l("This payroll changed while it was being posted; nothing was paid."))
    moved = rows_changed(update(Payroll).where(
        Payroll.id == payroll.id, Payroll.status == "draft", Payroll.total_fen == data.amount_fen)
        .values(status="submitted", request_id=request.id)
        .execution_options(synchronize_session=False))
    if not moved:
        raise Refused("payroll", _l("This payroll changed while it was being posted; nothing was paid."))
    db.session.refresh(payroll)
    record("payroll.submit", user=actor, object_type="payroll", object_id=payroll.id,
           after={"request": request.id, "voucher_no": request.voucher_no, "amount_fen": request.amount_fen})
    return request


def _mark_posted(payroll: Payroll, payment: Payment, *, from_status: str) -> None:
    moved = rows_changed(update(Payroll).where(
        Payroll.id == payroll.id, Payroll.status == from_status, Payroll.total_fen == payment.amount_fen)
        .values(status="posted", payment_id=payment.id, payment_amount_fen=payment.amount_fen, posted_at=utcnow())
        .execution_options(synchronize_session=False))
    if not moved:
        raise Refused("payroll", _l("This payroll changed while it was being posted; nothing was paid."))
    db.session.refresh(payroll)


def _on_decision(request: PaymentRequest, payment: Optional[Payment], actor) -> None:
    """The decision of a payroll's request, in its transaction: approved, the payroll is posted with the
    payment; rejected, it is a draft again (corrected and posted again, or left)."""
    payroll = db.session.scalar(select(Payroll).where(Payroll.request_id == request.id,
                                                      Payroll.status == "submitted"))
    if payroll is None:
        return
    if payment is not None:
        _mark_posted(payroll, payment, from_status="submitted")
        record("payroll.post", user=actor, object_type="payroll", object_id=payroll.id,
               after={"payment": payment.id, "voucher_no": payment.voucher_no, "amount_fen": payment.amount_fen,
                      "request": request.id})
    else:
        _reopen(payroll, actor, {"request": request.id, "reason": request.decision_reason or ""},
                from_status="submitted")
    recheck_pair(payroll.source_id, payroll.project_id)


def _on_reversal(original: Payment, reversal: Payment, actor) -> None:
    """A payroll's payment reversed, in the reversal's transaction: the payroll is a draft again."""
    payroll = db.session.scalar(select(Payroll).where(Payroll.payment_id == original.id))
    if payroll is None:
        return
    _reopen(payroll, actor, {"payment": original.id, "voucher_no": original.voucher_no,
                             "reversal_id": reversal.id, "reason": reversal.reversal_reason or ""},
            from_status="posted")
    recheck_pair(payroll.source_id, payroll.project_id)


def _reopen(payroll: Payroll, actor, why: dict, *, from_status: str) -> None:
    moved = rows_changed(update(Payroll).where(Payroll.id == payroll.id, Payroll.status == from_status)
                         .values(status="draft", payment_id=None, payment_amount_fen=None, request_id=None,
                                 posted_at=None)
                         .execution_options(synchronize_session=False))
    if not moved:
        raise Refused("payroll", _l("This payroll changed at the same time; nothing was decided."))
    db.session.refresh(payroll)
    record("payroll.reopen", user=actor, object_type="payroll", object_id=payroll.id,
           before={"status": from_status}, after={"status": "draft", **why})


def install(app: Flask) -> None:
    """Follow the decisions of payment requests and the reversals of payments (module docstring)."""
    follow_decisions(app, "payroll", _on_decision)
    follow_reversals(app, "payroll", _on_reversal)


def payrolls_of(project_id: int) -> list[Payroll]:
    """The project's payrolls, newest month first."""
    return list(db.session.scalars(select(Payroll).where(Payroll.project_id == project_id)
                                   .order_by(Payroll.period.desc())))
