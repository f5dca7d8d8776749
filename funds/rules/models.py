"""The standing fund-rule breaches, kept in step with the ledger (funds.rules.standing keeps them).

One row per rule an allocation breaks as the data stands (funds.rules.evaluate.Standing): what the
checks pages, the dashboard and a project's or source's page read instead of evaluating every rule
on every allocation of the county. An idle allocation's row is written as soon as its balance has a
tier and a date to count from, with the day after which it shows (`due_after`): the passing of days
needs no write, the reader compares with today.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model


class StandingBreach(Model):
    """A rule one allocation breaks as the data stands; shown from the day after `due_after` (always when null)."""

    __tablename__ = "standing_breach"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("fund_rule.id"))
    kind: Mapped[str] = mapped_column(String(32))
    # Copied from the allocation's source and project so that a page lists, filters and sorts the
    # breaches from this table alone; any change to them rechecks the allocations they concern.
    source_id: Mapped[int] = mapped_column(Integer, index=True)
    source_code: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[int] = mapped_column(Integer, index=True)
    project_code: Mapped[str] = mapped_column(String(32))
    project_name: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    words: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_after: Mapped[Optional[date]] = mapped_column(Date)

    __table_args__ = (
        # The breaches shown today: every row without a due day, and the idle ones already due.
        Index("ix_standing_breach_kind_due", "kind", "due_after"),
    )
