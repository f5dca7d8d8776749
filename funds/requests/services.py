"""Payment requests: prepare, approve, reject (maker–checker). Each re-checks every rule the forms check.

Preparing runs the payment as approval would, in a savepoint rolled back at once (`_trial`): a
request that could not be paid now is refused at once naming the field, and nothing moves. Where the
fund rule `payment_approval` lets the payment through (funds.requests.approval), it is posted there
and then and the request records that it needed no approval.

Approving takes the source's lock, then the request's row (on PostgreSQL; SQLite's writer lock holds
everything), then posts through `funds.ledger.services.record_payment`, which takes the allocation,
the contract and the project in the ledger's order: source, request, allocation, contract, project.
The request moves out of "waiting" by a guarded UPDATE, so two approvals of one request post it once;
the CHECK `decider_not_preparer` refuses a self-approval whatever path the write came by. Balances may
have moved since the request was prepared: a payment that would break a rule now is refused naming
the field. Callers commit or roll back.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from flask import Flask, current_app
from sqlalchemy import func, select, update

from audit.services import discarded, record
from core.clock import utcnow
from core.database import rows_changed
from core.errors import Refused
from core.i18n import _l
from documents.requirements import require
from extensions import db
from funds.ledger.services import FundsError, lock_source, record_payment
from funds.models import FundSource, Payment
from funds.requests.approval import needs_approval
from funds.requests.models import MAX_DECISION_REASON, PaymentRequest
from projects.models import Milestone, Project

# The payment's fields as the request page names them when approval refuses one of them.
FIELD_LABELS = {
    "amount": _l("Amount"), "paid_on": _l("Payment date"), "voucher_no": _l("Voucher number"),
    "payee": _l("Payee"), "milestone": _l("Milestone"), "project": _l("Project"),
    "cost_category": _l("Cost category"), "contract": _l("Under contract"),
    "retention_release": _l("Releases the contract's retention (after the defects-liability period)"),
}


@dataclass(frozen=True)
class PaymentInput:
    """Everything a payment says, as the request keeps it until approval."""

    source: FundSource
    project: Project
    milestone: Milestone
    voucher_no: str
    payee: str
    paid_on: date
    amount_fen: int
    cost_category: str
    contract_id: Optional[int] = None
    retention_release: bool = False


def may_approve(user) -> bool:
    """True for an active finance account the administrator allowed to approve payment requests."""
    return bool(getattr(user, "is_active", False) and getattr(user, "role", None) == "finance"
                and getattr(user, "can_approve", False))


def _post(data: PaymentInput, actor, today: Optional[date]) -> Payment:
    return record_payment(data.source, data.project, data.milestone, voucher_no=data.voucher_no, payee=data.payee,
                          paid_on=data.paid_on, amount_fen=data.amount_fen, cost_category=data.cost_category,
                          actor=actor, today=today, contract_id=data.contract_id,
                          retention_release=data.retention_release)


def _trial(data: PaymentInput, actor, today: Optional[date]) -> None:
    """Refuse (naming the field) a payment the ledger would refuse now; move nothing, record nothing."""
    # The rollback to the savepoint forgets every event the transaction holds; discarded() gives back
    # the ones from before the trial when it ends, so the rollback must come first, inside it.
    with discarded():
        savepoint = db.session.begin_nested()
        try:
            _post(data, actor, today)
        finally:
            savepoint.rollback()


def _check_voucher_waiting(data: PaymentInput) -> None:
    """A voucher number already on another waiting request of the source is refused now, not at approval."""
    taken = db.session.scalar(select(PaymentRequest.id).where(
        PaymentRequest.source_id == data.source.id, PaymentRequest.voucher_no == data.voucher_no.strip(),
        PaymentRequest.state == "waiting"))
    if taken:
        raise FundsError("voucher_no", _l("Voucher number %(no)s is already on payment request %(id)d waiting "
                                          "for approval.", no=data.voucher_no.strip(), id=taken))


def _fields(data: PaymentInput) -> dict[str, Any]:
    return dict(source_id=data.source.id, project_id=data.project.id, milestone_id=data.milestone.id,
                voucher_no=data.voucher_no.strip(), payee=data.payee.strip(), paid_on=data.paid_on,
                amount_fen=data.amount_fen, cost_category=data.cost_category, contract_id=data.contract_id,
                retention_release=bool(data.retention_release))


def _audited(request: PaymentRequest) -> dict[str, Any]:
    return {"source": request.source.code, "project": request.project.code, "voucher_no": request.voucher_no,
            "payee": request.payee, "paid_on": request.paid_on, "amount_fen": request.amount_fen,
            "cost_category": request.cost_category, "state": request.state,
            **({"contract": request.contract_id} if request.contract_id else {})}


def prepare_request(data: PaymentInput, *, actor, today: Optional[date] = None) -> PaymentRequest:
    """Prepare a payment for approval, or post it at once where no approval is needed (module docstring)."""
    if getattr(actor, "id", None) is None:
        raise FundsError("voucher_no", _l("A payment request is prepared by a signed-in account."))
    lock_source(data.source.id)
    _check_voucher_waiting(data)
    if needs_approval(data.source, data.amount_fen):
        _trial(data, actor, today)
        request = PaymentRequest(**_fields(data), state="waiting", prepared_by_id=actor.id)
    else:
        payment = _post(data, actor, today)
        request = PaymentRequest(**_fields(data), state="direct", prepared_by_id=actor.id, payment_id=payment.id)
    db.session.add(request)
    db.session.flush()
    record("payment_request.prepare", user=actor, object_type="payment_request", object_id=request.id,
           after=_audited(request))
    return request


def _lock_request(request: PaymentRequest) -> None:
    """The request's row lock (after the source's); then its state as committed."""
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(PaymentRequest.id).where(PaymentRequest.id == request.id).with_for_update())
    db.session.refresh(request)


def _decidable(request: PaymentRequest, actor) -> None:
    """Refuse a decision on a request that is no longer waiting, by someone who may not approve, or by its preparer."""
    lock_source(request.source_id)
    _lock_request(request)
    if request.state != "waiting":
        raise Refused("request", _l("This payment request was already decided."))
    if not may_approve(actor):
        raise Refused("request", _l("Your account may not approve payment requests: ask the administrator."))
    if actor.id == request.prepared_by_id:
        raise Refused("request", _l("You prepared this payment request: another person must approve or reject it."))


def _decide(request: PaymentRequest, actor, state: str, reason: str, payment_id: Optional[int] = None) -> None:
    """Move the request out of "waiting" by a guarded UPDATE (a second decision finds nothing to move)."""
    moved = rows_changed(update(PaymentRequest).where(PaymentRequest.id == request.id,
                                                      PaymentRequest.state == "waiting")
                         .values(state=state, decided_by_id=actor.id, decided_at=utcnow(),
                                 decision_reason=reason or None, payment_id=payment_id))
    if not moved:
        raise Refused("request", _l("This payment request was already decided."))
    db.session.refresh(request)


def _input_of(request: PaymentRequest) -> PaymentInput:
    return PaymentInput(request.source, request.project, request.milestone, request.voucher_no, request.payee,
                        request.paid_on, request.amount_fen, request.cost_category, request.contract_id,
                        request.retention_release)


def approve_request(request: PaymentRequest, *, actor, reason: str = "", today: Optional[date] = None) -> Payment:
    """Approve another person's request: its payment is posted now, or refused naming the field."""
    _decidable(request, actor)
    require("payment_request.approve", "payment_request", request.id, amount_fen=request.amount_fen)
    reason = _checked_reason(reason, required=False)
    try:
        payment = _post(_input_of(request), actor, today)
    except Refused as refused:
        label = FIELD_LABELS.get(refused.field, refused.field)
        raise Refused(refused.field, _l("%(field)s: %(problem)s", field=label, problem=refused.message)) from refused
    _decide(request, actor, "approved", reason, payment.id)
    record("payment_request.approve", user=actor, object_type="payment_request", object_id=request.id,
           after={"state": "approved", "payment_id": payment.id, "amount_fen": request.amount_fen,
                  **({"reason": reason} if reason else {})})
    _tell_followers(request, payment, actor)
    return payment


def reject_request(request: PaymentRequest, *, actor, reason: str) -> PaymentRequest:
    """Reject another person's request, saying why; nothing is paid."""
    _decidable(request, actor)
    reason = _checked_reason(reason, required=True)
    _decide(request, actor, "rejected", reason)
    record("payment_request.reject", user=actor, object_type="payment_request", object_id=request.id,
           after={"state": "rejected", "reason": reason, "amount_fen": request.amount_fen})
    _tell_followers(request, None, actor)
    return request


_DECISION_FOLLOWERS = "funds.request_decision_followers"
DecisionFollower = Callable[[PaymentRequest, Optional[Payment], object], None]


def follow_decisions(app: Flask, name: str, follower: DecisionFollower) -> None:
    """Have `follower(request, payment, actor)` run in every decision's transaction, after it is recorded
    (payment None for a rejection), under the source's and the request's locks: a feature above funds
    (a payroll submitted as a request) settles what the request was for; a Refused it raises refuses
    the decision. One follower per name."""
    app.extensions.setdefault(_DECISION_FOLLOWERS, {})[name] = follower


def _tell_followers(request: PaymentRequest, payment: Optional[Payment], actor) -> None:
    for follower in current_app.extensions.get(_DECISION_FOLLOWERS, {}).values():
        follower(request, payment, actor)


def _checked_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise Refused("reason", _l("Give the reason for rejecting the request."))
    if len(reason) > MAX_DECISION_REASON:
        raise Refused("reason", _l("At most %(n)d characters.", n=MAX_DECISION_REASON))
    return reason


def waiting_count() -> int:
    """How many payment requests wait for approval (the navigation's count)."""
    return int(db.session.scalar(select(func.count(PaymentRequest.id)).where(
        PaymentRequest.state == "waiting")) or 0)
