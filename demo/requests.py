"""The demo county's payment requests (maker–checker), idempotently (found by voucher number).

The finance clerk (`finance`) prepares; the finance lead (`finance_lead`, allowed by the administrator
to approve) decides. Under the demo's contracts: one request approved and paid, one rejected with a
reason, and two waiting (one over 10,000 yuan with its invoice, so the lead can approve it at once,
one small). Each is dated `today`, in a month no statement has closed.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Optional

from sqlalchemy import func, select

from auth.models import User
from auth.services import create_user, update_user
from contracts.models import Contract
from demo.evidence import pdf_of
from documents.services import attach
from extensions import db
from funds.models import Allocation, FundSource
from funds.requests.models import PaymentRequest
from funds.requests.services import PaymentInput, approve_request, prepare_request, reject_request
from projects.models import Milestone, Project

APPROVER = ("finance_lead", "finance", "县财政局 刘科长（审批，演示）")
# (voucher, share of the contract's value in per mille, at most (fen), what happens, the decision's words)
REQUESTS = (
    ("SQ-0001", 40, 50_000_000, "approved", "发票与合同核对无误，同意支付（示例）"),
    ("SQ-0002", 30, 30_000_000, "rejected", "发票抬头与合同乙方不一致，退回重开（示例）"),
    ("SQ-0003", 25, 20_000_000, "waiting", ""),
    ("SQ-0004", 25, 800_000, "waiting", ""),
)
INVOICE_ABOVE_FEN = 1_000_000  # documents.requirements: approving over 10,000 yuan needs an invoice


def seed_approver(admin: User, password: str, counts: Counter) -> User:
    """The finance lead who approves payment requests (created once, then given the right by the admin)."""
    username, role, display_name = APPROVER
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    if user is None:
        user = create_user(username, role, password, actor=admin, display_name=display_name,
                           must_change_password=False)
        counts["users"] += 1
    if not user.can_approve:
        update_user(user, role=role, display_name=user.display_name, actor=admin, can_approve=True)
    return user


def _best_allocation(contract: Contract) -> Optional[Allocation]:
    """The allocation to the contract's project with the most left to spend."""
    return db.session.scalars(select(Allocation).where(Allocation.project_id == contract.project_id)
                              .order_by((Allocation.amount_fen - Allocation.spent_fen).desc())).first()


def _unspent(contract: Contract) -> int:
    allocation = _best_allocation(contract)
    return 0 if allocation is None else allocation.amount_fen - allocation.spent_fen


def _request(contract: Contract, voucher: str, per_mille: int, cap: int, today: date,
             clerk: User) -> Optional[PaymentRequest]:
    """Prepare one request under `contract`, with its invoice when approval will need one."""
    allocation = _best_allocation(contract)
    project = db.session.get(Project, contract.project_id)
    milestone = db.session.scalars(select(Milestone).where(Milestone.project_id == contract.project_id)
                                   .order_by(Milestone.sequence)).first()
    if allocation is None or project is None or milestone is None:
        return None
    source = db.session.get(FundSource, allocation.source_id)
    assert source is not None
    amount = min(contract.value_fen * per_mille // 1000, (allocation.amount_fen - allocation.spent_fen) // 4, cap)
    amount -= amount % 10_000  # whole hundreds of yuan
    if amount <= 0:
        return None
    item = prepare_request(PaymentInput(source, project, milestone, voucher, contract.contractor.name, today, amount,
                                        "materials", contract.id), actor=clerk, today=today)
    if amount > INVOICE_ABOVE_FEN:
        attach("payment_request", item.id, document_type="x_invoice", title=f"增值税发票 {voucher}（示例）",
               document_date=today, filename=f"发票-{voucher}.pdf", actor=clerk, today=today,
               data=pdf_of([f"VAT invoice (illustrative) - {voucher}", f"Contract: {contract.contract_no}",
                            f"Amount: {amount // 100} yuan"]))
    return item


def seed_requests(today: date, counts: Counter, clerk: User, approver: User) -> None:
    """The demo's requests in every state (module docstring), each once, under the contracts whose
    projects have the most money left to spend."""
    contracts = sorted(db.session.scalars(select(Contract).order_by(Contract.id)), key=lambda c: -_unspent(c))[:3]
    for index, (voucher, per_mille, cap, outcome, words) in enumerate(REQUESTS):
        if not contracts or db.session.scalar(select(PaymentRequest.id).where(PaymentRequest.voucher_no == voucher)):
            continue
        item = _request(contracts[index % len(contracts)], voucher, per_mille, cap, today, clerk)
        if item is None:
            continue
        counts["payment_requests"] += 1
        if outcome == "approved" and item.state == "waiting":
            approve_request(item, actor=approver, reason=words, today=today)
            counts["payments"] += 1
        elif outcome == "rejected" and item.state == "waiting":
            reject_request(item, actor=approver, reason=words)
