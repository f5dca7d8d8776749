"""The work-for-relief roster and payrolls: a project's workers (personal numbers encrypted), a
payroll per project and month, its lines, and the one wages payment that pays it.

The payroll's total is kept in step with its lines by the services (one guarded UPDATE per line,
in the line's transaction) and lines change only while the payroll is a draft. The database keeps
the posted payroll equal to its payment: `payment_amount_fen` must equal `total_fen` (CHECK), and
the pair (payment_id, payment_amount_fen) is a foreign key to the payment's (id, amount_fen) (a
unique index on the payment), so a payment of another amount can never be named, and a payment's
amount is never edited (money rows are reversed, not changed).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from core.money import MAX_FEN
from extensions import Model

HOUSEHOLDS = {"registered": _l("Registered poverty-alleviated household"),
              "monitored": _l("Monitored household"), "other": _l("Other")}
# draft: lines may be added; submitted: waiting as a payment request for a second person's approval
# (funds.requests), its lines frozen; posted: paid by its wages payment. A rejected request or a
# reversed payment sends the payroll back to draft (payroll.payrolls).
PAYROLL_STATUSES = {"draft": _l("Draft"), "submitted": _l("Waiting for approval"), "posted": _l("Posted")}

# A draft names neither payment nor request; a submitted payroll names its waiting request and no
# payment; a posted one its payment, of its total (the request it was approved through, if any, stays).
POSTED_EQUALS_PAYMENT = (
    "(status = 'draft' AND payment_id IS NULL AND payment_amount_fen IS NULL AND request_id IS NULL) OR "
    "(status = 'submitted' AND payment_id IS NULL AND payment_amount_fen IS NULL AND request_id IS NOT NULL "
    "AND total_fen > 0) OR "
    "(status = 'posted' AND payment_id IS NOT NULL AND total_fen > 0 AND payment_amount_fen = total_fen)")


class Worker(Model):
    """A person on a project's roster. The identity and card numbers are stored encrypted
    (payroll.personal_data) with their masked forms beside them (what every page shows) and the
    identity number's keyed lookup hash (unique per project: one person once on a roster)."""

    __tablename__ = "worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    id_lookup: Mapped[str] = mapped_column(String(64))
    village: Mapped[str] = mapped_column(String(100), default="")
    household: Mapped[str] = mapped_column(String(16), default="other")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    card_encrypted: Mapped[Optional[str]] = mapped_column(Text)
    card_masked: Mapped[str] = mapped_column(String(19), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("project_id", "id_lookup", name="uq_worker_once_per_project"),
        CheckConstraint(one_of("household", HOUSEHOLDS), name="household_known"),
        CheckConstraint("length(name) > 0", name="name_present"),
        CheckConstraint("length(id_lookup) = 64", name="lookup_is_hash"),
    )


class Payroll(Model):
    """A project's payroll (工资发放表) for one month worked, from one work-for-relief source, against
    one milestone; posted: paid by exactly one wages payment of its total (module docstring)."""

    __tablename__ = "payroll"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[int] = mapped_column(Integer)  # yyyymm of the month worked
    status: Mapped[str] = mapped_column(String(16), default="draft")
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    payment_id: Mapped[Optional[int]] = mapped_column(Integer, unique=True)
    payment_amount_fen: Mapped[Optional[int]] = mapped_column(BigInteger)
    request_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment_request.id"), unique=True)
    posted_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    lines: Mapped[list[PayrollLine]] = relationship(back_populates="payroll", order_by="PayrollLine.id")

    __table_args__ = (
        UniqueConstraint("project_id", "period", name="uq_payroll_project_month"),
        ForeignKeyConstraint(["milestone_id", "project_id"], ["milestone.id", "milestone.project_id"],
                             name="fk_payroll_milestone_of_project"),
        ForeignKeyConstraint(["source_id", "project_id"], ["allocation.source_id", "allocation.project_id"],
                             name="fk_payroll_allocation"),
        ForeignKeyConstraint(["payment_id", "payment_amount_fen"], ["payment.id", "payment.amount_fen"],
                             name="fk_payroll_payment_of_total"),
        CheckConstraint(one_of("status", PAYROLL_STATUSES), name="status_known"),
        CheckConstraint(f"total_fen >= 0 AND total_fen <= {MAX_FEN}", name="total_within_cap"),
        CheckConstraint("line_count >= 0", name="line_count_not_negative"),
        CheckConstraint(POSTED_EQUALS_PAYMENT, name="posted_equals_payment"),
        CheckConstraint("period BETWEEN 200001 AND 299912", name="period_plausible"),
    )


class PayrollLine(Model):
    """One worker's pay for the month: days worked, daily rate, amount (days × rate to the fen), and
    whether the person is a manager or technician (paid, but not counted in the wage share)."""

    __tablename__ = "payroll_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("payroll.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("worker.id"), index=True)
    days: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    daily_rate_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)

    payroll: Mapped[Payroll] = relationship(back_populates="lines")
    worker: Mapped[Worker] = relationship()

    __table_args__ = (
        UniqueConstraint("payroll_id", "worker_id", name="uq_payroll_line_worker_once"),
        CheckConstraint("days > 0 AND days <= 31", name="days_in_month"),
        CheckConstraint(f"daily_rate_fen > 0 AND daily_rate_fen <= {MAX_FEN}", name="rate_positive"),
        CheckConstraint(f"amount_fen > 0 AND amount_fen <= {MAX_FEN}", name="amount_positive"),
        Index("ix_payroll_line_payroll", "payroll_id"),
    )
