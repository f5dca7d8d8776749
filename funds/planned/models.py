"""PlannedFunding: one source's planned amount for one project (integer fen)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.money import MAX_TOTAL_FEN
from extensions import Model


class PlannedFunding(Model):
    """How much a source is planned to give a project; a source planned nothing has no row."""

    __tablename__ = "planned_funding"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fund_source.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("project_id", "source_id"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint(f"amount_fen <= {MAX_TOTAL_FEN}", name="amount_within_cap"),
    )
