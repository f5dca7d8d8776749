"""Reads for the finance pages: a source's ledger per project, per month and entry by entry."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from auth.models import User, shown_name
from core.dates import format_month
from core.money import format_yuan
from extensions import db
from funds.ledger.services import awaiting_by_period
from funds.models import Allocation, AllocationEntry, Appropriation, MonthClose, SourceMonth
from projects.models import Milestone, Project


@dataclass(frozen=True)
class MonthLine:
    """A source's month: spending, reversals, number of entries, whether reconciled and closed."""

    period: int
    paid_fen: int
    reversed_fen: int
    entries: int
    unmatched_payments: int
    closed_by: Optional[str]
    closed_at: object

    @property
    def label(self) -> str:
        """YYYY-MM."""
        return format_month(self.period)

    @property
    def net_fen(self) -> int:
        """Payments less reversals."""
        return self.paid_fen + self.reversed_fen


def appropriations(source_id: int):
    """(Appropriation, who entered it, document number of its reversal or None) rows, oldest first."""
    reversal = aliased(Appropriation)
    return db.session.execute(select(Appropriation, shown_name(), reversal.document_no)
                              .outerjoin(User, Appropriation.created_by_id == User.id)
                              .outerjoin(reversal, reversal.reversal_of_id == Appropriation.id)
                              .where(Appropriation.source_id == source_id)
                              .order_by(Appropriation.received_on, Appropriation.id)).all()


ALLOCATIONS_SHOWN = 100


def allocations(source_id: int, limit: int = ALLOCATIONS_SHOWN):
    """(Allocation, Project) rows of a source: the `limit` with the most money left to spend (then by
    project code). A county account funds thousands of projects; the project list filtered by
    source shows them all."""
    return db.session.execute(select(Allocation, Project).join(Project, Allocation.project_id == Project.id)
                              .where(Allocation.source_id == source_id)
                              .order_by((Allocation.amount_fen - Allocation.spent_fen).desc(), Project.code)
                              .limit(limit)).all()


def allocation_count(source_id: int) -> int:
    """How many projects the source has an allocation for."""
    return int(db.session.scalar(select(func.count(Allocation.id)).where(Allocation.source_id == source_id)) or 0)


def months(source_id: int) -> list[MonthLine]:
    """Per month: payments, reversals, entries, payments without a statement line, and the close.

    Sums and counts come from the month summary kept in step (funds.models.SourceMonth).
    """
    rows = db.session.execute(
        select(SourceMonth.period, SourceMonth.paid_fen, SourceMonth.reversed_fen, SourceMonth.entries)
        .where(SourceMonth.source_id == source_id, SourceMonth.entries > 0)).all()
    closes = {row.period: row for row in db.session.execute(
        select(MonthClose.period, shown_name().label("closed_by"), MonthClose.closed_at)
        .outerjoin(User, MonthClose.closed_by_id == User.id)
        .where(MonthClose.source_id == source_id, MonthClose.reopened_at.is_(None))).all()}
    awaiting = awaiting_by_period(source_id)
    periods = sorted({row[0] for row in rows} | set(closes), reverse=True)
    by_period = {row[0]: row for row in rows}
    result = []
    for period in periods:
        row = by_period.get(period, (period, 0, 0, 0))
        close = closes.get(period)
        result.append(MonthLine(period, int(row[1]), int(row[2]), int(row[3]), awaiting.get(period, 0),
                                close.closed_by if close else None, close.closed_at if close else None))
    return result


def allocation_entries(source_id: int, limit: int = 200):
    """The newest allocation changes of a source, with project and who made each."""
    return db.session.execute(
        select(AllocationEntry, Project.code, Project.name, shown_name())
        .join(Allocation, AllocationEntry.allocation_id == Allocation.id)
        .join(Project, Allocation.project_id == Project.id)
        .outerjoin(User, AllocationEntry.created_by_id == User.id)
        .where(Allocation.source_id == source_id)
        .order_by(AllocationEntry.entry_date.desc(), AllocationEntry.id.desc()).limit(limit)).all()


def allocatable_projects(source_id: int) -> list[tuple[int, str]]:
    """Projects whose allocation from this source may change, as (id, 'code name'): those that may
    receive money (not cancelled or accepted), and any with unspent money from the source to withdraw."""
    withdrawable = select(Allocation.project_id).where(Allocation.source_id == source_id,
                                                       Allocation.amount_fen > Allocation.spent_fen)
    rows = db.session.execute(select(Project.id, Project.code, Project.name)
                              .where(Project.status.not_in(("cancelled", "accepted")) | Project.id.in_(withdrawable))
                              .order_by(Project.code)).all()
    return [(row.id, f"{row.code} {row.name}") for row in rows]


def funded_projects(source_id: int) -> list[tuple[int, str]]:
    """Projects this source has money allocated for and that may still be paid (not cancelled), as
    (id, 'code name (remaining)')."""
    rows = db.session.execute(
        select(Project.id, Project.code, Project.name, Allocation.amount_fen - Allocation.spent_fen)
        .join(Allocation, and_(Allocation.project_id == Project.id, Allocation.source_id == source_id))
        .where(Project.status != "cancelled")
        .order_by(Project.code)).all()
    return [(row[0], f"{row[1]} {row[2]} ({format_yuan(row[3])})") for row in rows]


def milestone_choices(project_id: int) -> list[tuple[int, str]]:
    """A project's milestones as (id, 'n. name (planned date)')."""
    rows = db.session.execute(select(Milestone.id, Milestone.sequence, Milestone.name, Milestone.planned_date)
                              .where(Milestone.project_id == project_id).order_by(Milestone.sequence)).all()
    return [(row[0], f"{row[1]}. {row[2]} ({row[3]})") for row in rows]
