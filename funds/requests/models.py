"""The payment request: a payment's fields waiting for a second person's decision.

The database keeps the promises the services make: the decider is never the preparer (a CHECK, so
not even two simultaneous approvals by the preparer get through), an approved or directly posted
request names its payment and no other request names the same one, and a decision has its decider,
its time and (for a rejection) its reason.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from extensions import Model
from funds.models import FundSource, Payment
from projects.models import Milestone, Project

# waiting: prepared, not decided; approved: a second person approved it and the payment is posted;
# rejected: a second person refused it, with a reason; direct: no approval was needed (fund rule
# `payment_approval`), so the payment was posted when it was prepared.
REQUEST_STATES = {
    "waiting": _l("Waiting for approval"),
    "approved": _l("Approved and paid"),
    "rejected": _l("Rejected"),
    "direct": _l("Paid without approval"),
}
MAX_DECISION_REASON = 1000


class PaymentRequest(Model):
    """A payment prepared by `prepared_by` and decided by another account (module docstring)."""

    __tablename__ = "payment_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    milestone_id: Mapped[int] = mapped_column(Integer)
    voucher_no: Mapped[str] = mapped_column(String(64))
    payee: Mapped[str] = mapped_column(String(200))
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    cost_category: Mapped[str] = mapped_column(String(16))
    contract_id: Mapped[Optional[int]] = mapped_column(ForeignKey("contract.id"))
    retention_release: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    prepared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    decision_reason: Mapped[Optional[str]] = mapped_column(Text)
    payment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id"), unique=True)

    source: Mapped[FundSource] = relationship()
    project: Mapped[Project] = relationship()
    milestone: Mapped[Milestone] = relationship(
        primaryjoin="foreign(PaymentRequest.milestone_id) == Milestone.id", viewonly=True)
    payment: Mapped[Optional[Payment]] = relationship()

    __table_args__ = (
        ForeignKeyConstraint(["milestone_id", "project_id"], ["milestone.id", "milestone.project_id"],
                             name="fk_payment_request_milestone_of_project"),
        CheckConstraint(one_of("state", REQUEST_STATES), name="state_known"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("decided_by_id IS NULL OR decided_by_id <> prepared_by_id", name="decider_not_preparer"),
        CheckConstraint("(state IN ('approved','direct')) = (payment_id IS NOT NULL)", name="paid_when_posted"),
        CheckConstraint("(state IN ('approved','rejected')) = (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
                        name="decided_with_decider"),
        CheckConstraint("state <> 'rejected' OR length(decision_reason) > 0", name="rejected_with_reason"),
        Index("ix_payment_request_state", "state"),
    )
