"""Contracting's records: a contractor (registered once with its credit code and bank), a contract on a
project (its current value kept in step with its variations, its payments with CHECKs), the milestones
it covers and its variations."""
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
    Integer,
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


class Contractor(Model):
    """A contractor. `uscc` is its unified social credit code (18 characters, check character valid:
    the services check it); it may be empty only for a contractor carried over from a project's old
    free-text field until someone completes it. `bank_account` is digits only; pages show it masked
    except to finance (`masked_account`)."""

    __tablename__ = "contractor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[Optional[str]] = mapped_column(String(100))
    contact_person: Mapped[Optional[str]] = mapped_column(String(100))
    contact_phone: Mapped[Optional[str]] = mapped_column(String(40))
    bank_name: Mapped[Optional[str]] = mapped_column(String(200))
    bank_account: Mapped[Optional[str]] = mapped_column(String(40))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_present"),
        CheckConstraint("uscc IS NULL OR length(uscc) = 18", name="uscc_length"),
        CheckConstraint("bank_account IS NULL OR bank_name IS NOT NULL", name="account_with_bank"),
    )

    @property
    def masked_account(self) -> str:
        """The account as non-finance readers see it: its last four digits only."""
        return mask_account(self.bank_account)


def mask_account(account: Optional[str]) -> str:
    """`6222021234567890` -> `**** 7890` (empty for none)."""
    return f"**** {account[-4:]}" if account else ""


SUBJECTS = {"works": _l("Works"), "goods": _l("Goods"), "services": _l("Services"), "design": _l("Design"),
            "supervision": _l("Supervision")}
METHODS = {
    "public_tender": _l("Public tender"), "invitation": _l("Invitation to tender"),
    "competitive_negotiation": _l("Competitive negotiation"),
    "competitive_consultation": _l("Competitive consultation"),
    "single_source": _l("Single source"), "small_direct": _l("Small-amount direct award"),
    "work_for_relief_village": _l("Work-for-relief labour organised by the village (no tender)"),
}
# paid may reach value less the retention only once the retention is released (a payment of its own,
# after the defects-liability period): paid × 10000 ≤ value × (10000 − rate in basis points).
WITHIN_RETENTION = "retention_released OR paid_fen * 10000 <= value_fen * (10000 - retention_bp)"


class Contract(Model):
    """A signed contract on a project with a contractor. `value_fen` is its current value, kept in
    step with its variations (original + Σ deltas); `paid_fen` is kept in step with the payments
    under it. The database refuses a payment beyond the value, or into the retention before it is
    released, whatever path the write came by (CHECKs below, under the contract's row lock)."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_no: Mapped[str] = mapped_column(String(64), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractor.id"), index=True)
    subject: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(32))
    signed_on: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[Optional[date]] = mapped_column(Date)
    ends_on: Mapped[Optional[date]] = mapped_column(Date)
    original_value_fen: Mapped[int] = mapped_column(BigInteger)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    retention_bp: Mapped[int] = mapped_column(Integer, default=0)
    defects_liability_months: Mapped[int] = mapped_column(Integer, default=0)
    retention_released: Mapped[bool] = mapped_column(Boolean, default=False)
    variation_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    contractor: Mapped[Contractor] = relationship()

    __table_args__ = (
        CheckConstraint("length(contract_no) > 0", name="number_present"),
        CheckConstraint(one_of("subject", SUBJECTS), name="subject_known"),
        CheckConstraint(one_of("method", METHODS), name="method_known"),
        CheckConstraint(f"original_value_fen > 0 AND original_value_fen <= {MAX_FEN}", name="original_value_in_range"),
        CheckConstraint(f"value_fen > 0 AND value_fen <= {MAX_FEN}", name="value_in_range"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= value_fen", name="paid_within_value"),
        CheckConstraint(WITHIN_RETENTION, name="paid_within_retention"),
        CheckConstraint("retention_bp BETWEEN 0 AND 10000", name="retention_rate_in_range"),
        CheckConstraint("defects_liability_months BETWEEN 0 AND 120", name="liability_period_in_range"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="period_in_order"),
        CheckConstraint("variation_count >= 0", name="variation_count_not_negative"),
        UniqueConstraint("id", "project_id", name="uq_contract_id_project"),
    )

    @property
    def retention_fen(self) -> int:
        """The retention of the current value (rounded up to the fen, as the CHECK allows)."""
        return self.value_fen - self.value_fen * (10000 - self.retention_bp) // 10000

    @property
    def retained_fen(self) -> int:
        """The retention still held (none once released)."""
        return 0 if self.retention_released else self.retention_fen

    @property
    def outstanding_fen(self) -> int:
        """Still to pay apart from the retention held: value = paid + retained + outstanding."""
        return max(self.value_fen - self.paid_fen - self.retained_fen, 0)


class ContractMilestone(Model):
    """A milestone of the contract's own project that the contract covers."""

    __tablename__ = "contract_milestone"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), primary_key=True)
    milestone_id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        ForeignKeyConstraint(["milestone_id", "project_id"], ["milestone.id", "milestone.project_id"],
                             name="fk_contract_milestone_milestone_project"),
    )


class ContractVariation(Model):
    """A change of a contract's value (增减变更), with its reason: the value before and after, kept."""

    __tablename__ = "contract_variation"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    delta_fen: Mapped[int] = mapped_column(BigInteger)
    value_before_fen: Mapped[int] = mapped_column(BigInteger)
    value_after_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    varied_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("contract_id", "sequence"),
        CheckConstraint("delta_fen <> 0", name="delta_not_zero"),
        CheckConstraint("value_after_fen = value_before_fen + delta_fen", name="values_add_up"),
        CheckConstraint(f"value_after_fen > 0 AND value_after_fen <= {MAX_FEN}", name="value_after_in_range"),
        CheckConstraint("length(reason) > 0", name="reason_present"),
    )
