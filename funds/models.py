"""The money model: sources receive appropriations, allocate to projects, pay against milestones.

Balances (received, allocated, spent) are kept in step inside the same transaction as the entry
that changes them, and CHECK constraints make the database itself refuse an overspent source or
allocation, whatever path the write came by. Money rows are never deleted: a wrong entry is
reversed by a linked entry of opposite sign.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import (
    JSON,
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
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from core.money import MAX_FEN, MAX_TOTAL_FEN
from extensions import Model
from projects.models import CATEGORIES, Milestone, Project

CHANNELS = {
    "fiscal": _l("Fiscal appropriation"),
    "poverty_relief": _l("Poverty-relief & resettlement funds"),
    "work_for_relief": _l("Work-for-relief"),
    "agricultural_development": _l("Agricultural development funds"),
    "land_consolidation": _l("Land consolidation funds"),
    "special_transport": _l("Special transport funds"),
    "loan": _l("Bank loan"),
    "social_capital": _l("Social capital"),
    "other": _l("Other"),
}

LEVELS = {"central": _l("Central"), "provincial": _l("Provincial"), "city": _l("City"),
          "county": _l("County"), "other": _l("Other")}

COST_CATEGORIES = {"wages": _l("Wages"), "materials": _l("Materials"),
                   "equipment": _l("Equipment"), "management_fee": _l("Management fee"),
                   "other": _l("Other")}

# Why a statement line is held apart: stored but neither matched nor counted until released.
HOLD_REASONS = {"month_closed": _l("Month closed: reopen it to reconcile.")}

RULE_KINDS = {
    "eligible_categories": _l("Eligible project categories"),
    "wage_share_floor": _l("Minimum wage share"),
    "management_fee_cap": _l("Management fee cap"),
    "negative_list": _l("Negative list"),
    "spending_after_completion": _l("No spending after completion"),
    "idle_allocation": _l("Idle allocation thresholds"),
    "payment_approval": _l("Payments needing approval"),
    "wages_overdue": _l("Wages paid on time"),
    "household_share_floor": _l("Minimum share of workers from registered households"),
    "spending_schedule": _l("Spending against schedule"),
}

# What each kind of rule checks, for the page where a county chooses the kind of a new rule.
RULE_KIND_DESCRIPTIONS = {
    "eligible_categories": _l("The project categories the source may fund: money for a project of another "
                              "category is refused, and such allocations are listed as breaches."),
    "wage_share_floor": _l("The least share of each project's spending from the source that must be paid as "
                           "wages to local workers (work-for-relief: at least 30%)."),
    "management_fee_cap": _l("The most that management fees may take of the source's allocation to each project "
                             "(poverty-relief funds: 1%)."),
    "negative_list": _l("What the money may never pay for: project categories, and words that must not appear "
                        "in a project's name or description or in a payee (lavish buildings, debt repayment, "
                        "bonuses, vehicles)."),
    "spending_after_completion": _l("No payment may be dated after the project's actual end."),
    "idle_allocation": _l("How long allocated money may go without a payment, by the size of the unspent "
                          "balance (12, 24 or 36 months)."),
    "payment_approval": _l("Which payments a second person must approve before they are made: those over an "
                           "amount (0: every payment), for the source or channel it binds, optionally only for "
                           "sources of one fiscal year. Without such a rule every payment needs approval."),
    "wages_overdue": _l("Work-for-relief wages must be paid within so many days after the month worked: a "
                        "project's payroll of a month not posted by then is listed."),
    "household_share_floor": _l("The least share of a project's work-for-relief workers (managers aside) who "
                                "come from registered poverty-alleviated households."),
    "spending_schedule": _l("How far a source's payouts (paid ÷ received) of its year may fall behind the schedule "
                            "(the share of the year passed, or the county's monthly curve): a warning and a breach "
                            "threshold in percentage points."),
}

# core.money: one entry at most MAX_FEN, a balance at most MAX_TOTAL_FEN, so that no sum overflows.
_ENTRY_CAP = f"amount_fen BETWEEN {-MAX_FEN} AND {MAX_FEN}"
_SIGNED_ENTRY = ("(reversal_of_id IS NULL AND amount_fen > 0 AND reversal_reason IS NULL) OR "
                 "(reversal_of_id IS NOT NULL AND amount_fen < 0 AND reversal_reason IS NOT NULL)")


class FundSource(Model):
    """A funding channel's money for one fiscal year, with balances kept in step with its entries."""

    __tablename__ = "fund_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[str] = mapped_column(String(16))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    managing_department: Mapped[str] = mapped_column(String(200), default="")
    document_ref: Mapped[str] = mapped_column(String(200), default="")
    received_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    allocated_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(one_of("channel", CHANNELS), name="channel_known"),
        CheckConstraint(one_of("level", LEVELS), name="level_known"),
        CheckConstraint("fiscal_year BETWEEN 2000 AND 2100", name="fiscal_year_plausible"),
        CheckConstraint("received_fen >= 0", name="received_not_negative"),
        CheckConstraint(f"received_fen <= {MAX_TOTAL_FEN}", name="received_within_cap"),
        CheckConstraint("allocated_fen >= 0 AND allocated_fen <= received_fen",
                        name="allocated_within_received"),
        CheckConstraint("spent_fen >= 0 AND spent_fen <= allocated_fen", name="spent_within_allocated"),
    )


class Appropriation(Model):
    """Money received by a source under a document; a wrong one is reversed, not deleted."""

    __tablename__ = "appropriation"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"), index=True)
    document_no: Mapped[str] = mapped_column(String(64))
    received_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    reversal_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("appropriation.id"), unique=True)
    reversal_reason: Mapped[Optional[str]] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    source: Mapped[FundSource] = relationship()

    __table_args__ = (
        UniqueConstraint("source_id", "document_no"),
        CheckConstraint(_SIGNED_ENTRY, name="signed_entry"),
        CheckConstraint(_ENTRY_CAP, name="amount_within_cap"),
    )


class Allocation(Model):
    """What a source has committed to a project, and how much of it has been spent."""

    __tablename__ = "allocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    last_payment_on: Mapped[Optional[date]] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    source: Mapped[FundSource] = relationship()
    project: Mapped[Project] = relationship()

    __table_args__ = (
        UniqueConstraint("source_id", "project_id"),
        CheckConstraint("amount_fen >= 0", name="amount_not_negative"),
        CheckConstraint(f"amount_fen <= {MAX_TOTAL_FEN}", name="amount_within_cap"),
        CheckConstraint("spent_fen >= 0 AND spent_fen <= amount_fen", name="spent_within_amount"),
        # A source's ledger lists its allocations with the most left to spend first: read off this index
        # instead of sorting a county account's 40,000 allocations (60 ms -> 4 ms at 10x on PostgreSQL).
        Index("ix_allocation_source_left", "source_id", text("(amount_fen - spent_fen)")),
    )


class AllocationCategory(Model):
    """Net spending of an allocation in one cost category, kept in step with each payment and reversal.

    The fund-rule checks (wage share, management-fee cap) need spending per allocation and category;
    summing half a million payments for that on every request costs most of a second, this table a
    few milliseconds. funds.services moves it in the same transaction as the payment.
    """

    __tablename__ = "allocation_category"

    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), primary_key=True)
    cost_category: Mapped[str] = mapped_column(String(16), primary_key=True)
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        CheckConstraint(one_of("cost_category", COST_CATEGORIES), name="cost_category_known"),
        CheckConstraint(f"spent_fen BETWEEN {-MAX_TOTAL_FEN} AND {MAX_TOTAL_FEN}", name="spent_within_cap"),
    )


class SourceMonth(Model):
    """A source's payments in one month: money paid, money reversed and the number of entries, kept in
    step with each payment and reversal (funds.services, same transaction).

    The ledger shows these per month and the monthly-spending chart per source; summing a county
    account's 100,000 payments for them on every request costs 100-140 ms, this table under 1 ms.
    `awaiting` counts the month's payments no statement line has matched yet (the ledger's and the
    reconciliation page's "awaiting" column): counting them per request took 0.8-1 s for a county
    account of 1,000,000 payments.
    """

    __tablename__ = "source_month"

    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    reversed_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # reversals, negative or zero
    entries: Mapped[int] = mapped_column(Integer, default=0)
    # Payments of the month awaiting a statement line (funds.ledger.services.awaiting_statement_line):
    # +1 with each payment, counted again for the months a reversal or a match/unmatch touches.
    awaiting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        CheckConstraint("paid_fen >= 0 AND reversed_fen <= 0 AND entries >= 0", name="signs_and_count"),
        CheckConstraint("awaiting BETWEEN 0 AND entries", name="awaiting_within_entries"),
        CheckConstraint(f"paid_fen <= {MAX_TOTAL_FEN} AND reversed_fen >= {-MAX_TOTAL_FEN}", name="sums_within_cap"),
        CheckConstraint("period BETWEEN 190001 AND 299912", name="period_plausible"),
    )


class AllocationEntry(Model):
    """One increase or decrease of an allocation, with its document, reason, who and when."""

    __tablename__ = "allocation_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), index=True)
    delta_fen: Mapped[int] = mapped_column(BigInteger)
    entry_date: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("delta_fen <> 0", name="delta_not_zero"),
        CheckConstraint(f"delta_fen BETWEEN {-MAX_FEN} AND {MAX_FEN}", name="delta_within_cap"),
        Index("ix_allocation_entry_allocation_day", "allocation_id", "entry_date"),  # each one's last entry
        # A source's ledger shows its newest 200 entries: walked newest first (113 -> 16 ms at 10x).
        Index("ix_allocation_entry_day", "entry_date", "id"),
    )


class Payment(Model):
    """Actual spending from a source on a project, against one of that project's milestones.

    Composite foreign keys make the database refuse a milestone of another project and a payment
    from a source that has no allocation to the project. A reversal is a payment of negative
    amount linking the original (at most once) with a reason.
    """

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    milestone_id: Mapped[int] = mapped_column(Integer)
    voucher_no: Mapped[str] = mapped_column(String(64))
    payee: Mapped[str] = mapped_column(String(200))
    paid_on: Mapped[date] = mapped_column(Date)
    period: Mapped[int] = mapped_column(Integer)  # yyyymm of paid_on, stored so months group by index
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    cost_category: Mapped[str] = mapped_column(String(16))
    reversal_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id"), unique=True)
    reversal_reason: Mapped[Optional[str]] = mapped_column(Text)
    # The contract the payment is made under (none: wages, small management costs), on the same
    # project (composite key); `retention_release` marks the payment releasing the contract's retention.
    contract_id: Mapped[Optional[int]] = mapped_column(Integer)
    retention_release: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    source: Mapped[FundSource] = relationship()
    project: Mapped[Project] = relationship()
    milestone: Mapped[Milestone] = relationship(
        primaryjoin="foreign(Payment.milestone_id) == Milestone.id", viewonly=True)

    __table_args__ = (
        UniqueConstraint("source_id", "voucher_no"),
        ForeignKeyConstraint(["milestone_id", "project_id"], ["milestone.id", "milestone.project_id"],
                             name="fk_payment_milestone_of_project"),
        ForeignKeyConstraint(["source_id", "project_id"], ["allocation.source_id", "allocation.project_id"],
                             name="fk_payment_allocation"),
        ForeignKeyConstraint(["contract_id", "project_id"], ["contract.id", "contract.project_id"],
                             name="fk_payment_contract_of_project"),
        CheckConstraint("NOT retention_release OR contract_id IS NOT NULL", name="release_under_contract"),
        Index("ix_payment_contract", "contract_id"),
        CheckConstraint(_SIGNED_ENTRY, name="signed_entry"),
        CheckConstraint(_ENTRY_CAP, name="amount_within_cap"),
        CheckConstraint(one_of("cost_category", COST_CATEGORIES), name="cost_category_known"),
        CheckConstraint("period BETWEEN 190001 AND 299912", name="period_plausible"),
        CheckConstraint("length(voucher_no) > 0 AND length(payee) > 0", name="voucher_and_payee_present"),
        Index("ix_payment_source_project", "source_id", "project_id"),
        # A source's month, in date order (the reconciliation page's lists): filter and order by one index.
        Index("ix_payment_source_period", "source_id", "period", "paid_on"),
        Index("ix_payment_project_milestone", "project_id", "milestone_id"),
        # Spending after a project's completion: a range of dates per project, not every payment.
        Index("ix_payment_project_paid_on", "project_id", "paid_on"),
        Index("ix_payment_source_paid_on", "source_id", "paid_on"),  # a ledger page, newest first
        # What a posted payroll's composite foreign key names: the payment and its amount (payroll.models).
        Index("uq_payment_id_amount", "id", "amount_fen", unique=True),
        # A source's reversals (a few percent of its payments), for pairing unmatched ones.
        Index("ix_payment_source_reversal", "source_id", "reversal_of_id",
              sqlite_where=text("reversal_of_id IS NOT NULL"), postgresql_where=text("reversal_of_id IS NOT NULL")),
    )


class StatementImport(Model):
    """One bank or treasury statement file imported for a source."""

    __tablename__ = "statement_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    new_line_count: Mapped[int] = mapped_column(Integer, default=0)
    held_line_count: Mapped[int] = mapped_column(Integer, default=0)  # of the new lines, held apart
    imported_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StatementLine(Model):
    """A line of a statement; `fingerprint` makes re-importing the same line a no-op.

    A new line dated in a closed month is stored held apart (`held_reason`): listed, never matched
    or explained, not counted against the close; reopening the month releases it (funds.ledger).
    """

    __tablename__ = "statement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("statement_import.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    txn_date: Mapped[date] = mapped_column(Date)
    period: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(8))  # 'debit' = money out, 'credit' = money in
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")
    payee: Mapped[str] = mapped_column(String(200), default="")
    account: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(255), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id"), unique=True)
    match_method: Mapped[Optional[str]] = mapped_column(String(16))
    matched_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    matched_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    # A line no payment will ever match (a bank fee, money received) is explained instead, with a reason.
    explanation: Mapped[Optional[str]] = mapped_column(Text)
    explained_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    explained_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    held_reason: Mapped[Optional[str]] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("source_id", "fingerprint"),
        CheckConstraint("held_reason IS NULL OR (" + one_of("held_reason", HOLD_REASONS)
                        + " AND payment_id IS NULL AND explanation IS NULL)", name="held_apart"),
        CheckConstraint("payment_id IS NULL OR explanation IS NULL", name="matched_or_explained"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(f"amount_fen <= {MAX_FEN}", name="amount_within_cap"),
        CheckConstraint("direction IN ('debit','credit')", name="direction_known"),
        CheckConstraint("(payment_id IS NULL) = (match_method IS NULL)", name="match_has_method"),
        Index("ix_statement_line_source_period", "source_id", "period"),
    )


class MonthClose(Model):
    """A closed month of a source; reopening keeps the row and records who, when and why."""

    __tablename__ = "month_close"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    period: Mapped[int] = mapped_column(Integer)
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reopened_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    reopened_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    reopen_reason: Mapped[Optional[str]] = mapped_column(Text)

    __table_args__ = (
        Index("uq_month_close_open_period", "source_id", "period", unique=True,
              sqlite_where=text("reopened_at IS NULL"), postgresql_where=text("reopened_at IS NULL")),
        CheckConstraint("(reopened_at IS NULL) = (reopen_reason IS NULL)", name="reopen_has_reason"),
        CheckConstraint("period BETWEEN 190001 AND 299912", name="period_plausible"),
    )


class FundRule(Model):
    """A fund rule as data: its kind, which channel or source it binds, and its parameters."""

    __tablename__ = "fund_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[Optional[str]] = mapped_column(String(32))
    source_id: Mapped[Optional[int]] = mapped_column(ForeignKey("fund_source.id"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(one_of("kind", RULE_KINDS), name="kind_known"),
        CheckConstraint("channel IS NULL OR " + one_of("channel", CHANNELS), name="channel_known"),
    )


def month_of(day: date) -> int:
    """The yyyymm period a date falls in."""
    return day.year * 100 + day.month


__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "COST_CATEGORIES",
    "HOLD_REASONS",
    "LEVELS",
    "RULE_KINDS",
    "RULE_KIND_DESCRIPTIONS",
    "Allocation",
    "AllocationCategory",
    "AllocationEntry",
    "Appropriation",
    "FundRule",
    "FundSource",
    "MonthClose",
    "Payment",
    "SourceMonth",
    "StatementImport",
    "StatementLine",
    "month_of",
]
