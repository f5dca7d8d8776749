"""Reads for the reconciliation page: a month's unmatched lines, unmatched payments, matched pairs and
lines held apart.

Each list is capped at `limit` rows with its full count beside it; an amount filter narrows both
sides to one amount (a credit line and a reversal count as that amount too), which is how finance
finds the pair to match by hand in a busy month.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, Optional, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.dates import DateProblem, parse_month
from extensions import db
from funds.ledger.services import awaiting_statement_line
from funds.models import Payment, StatementImport, StatementLine

LIMIT = 200
T = TypeVar("T")


@dataclass(frozen=True)
class Capped(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: list[T]
    total: int


def parse_period(text: Optional[str]) -> Optional[int]:
    """A yyyymm month however it is written (core.dates.parse_month: "2026-03", "202603", "2026/3"),
    or None when it is not one."""
    try:
        return parse_month(text) if text else None
    except DateProblem:
        return None


def _capped(query, limit: int) -> Capped:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return Capped(list(db.session.scalars(query.limit(limit))), int(total or 0))


def unmatched_lines(source_id: int, period: int, amount_fen: Optional[int] = None, limit: int = LIMIT) -> Capped:
    """The month's statement lines that have no payment, oldest first."""
    query = (select(StatementLine).where(StatementLine.source_id == source_id, StatementLine.period == period,
                                         StatementLine.payment_id.is_(None), StatementLine.explanation.is_(None),
                                         StatementLine.held_reason.is_(None))
             .order_by(StatementLine.txn_date, StatementLine.id))
    if amount_fen is not None:
        query = query.where(StatementLine.amount_fen == abs(amount_fen))
    return _capped(query, limit)


def held_lines(source_id: int, period: int, limit: int = LIMIT) -> Capped:
    """The month's statement lines held apart (imported after it was closed), oldest first."""
    query = (select(StatementLine).where(StatementLine.source_id == source_id, StatementLine.period == period,
                                         StatementLine.held_reason.is_not(None))
             .order_by(StatementLine.txn_date, StatementLine.id))
    return _capped(query, limit)


def explained_lines(source_id: int, period: int, limit: int = LIMIT) -> Capped:
    """The month's statement lines settled by an explanation instead of a payment."""
    query = (select(StatementLine).where(StatementLine.source_id == source_id, StatementLine.period == period,
                                         StatementLine.explanation.is_not(None))
             .order_by(StatementLine.txn_date, StatementLine.id))
    return _capped(query, limit)


def unmatched_payments(source_id: int, period: int, amount_fen: Optional[int] = None,
                       limit: int = LIMIT) -> Capped:
    """The month's payments (and reversals) that no statement line matches, oldest first."""
    query = (select(Payment).options(joinedload(Payment.project))
             .where(Payment.source_id == source_id, Payment.period == period,
                    awaiting_statement_line())
             .order_by(Payment.paid_on, Payment.id))
    if amount_fen is not None:
        query = query.where(Payment.amount_fen.in_((abs(amount_fen), -abs(amount_fen))))
    return _capped(query, limit)


@dataclass(frozen=True)
class MatchedPair:
    """A matched statement line and its payment."""

    line: StatementLine
    payment: Payment

    @property
    def gap_days(self) -> int:
        """Days from the payment's date to the bank's booking (negative: booked before the voucher date)."""
        return (self.line.txn_date - self.payment.paid_on).days


def matched_pairs(source_id: int, period: int, amount_fen: Optional[int] = None, limit: int = LIMIT) -> Capped:
    """The month's matched lines with their payments, oldest first."""
    conditions = [StatementLine.source_id == source_id, StatementLine.period == period,
                  StatementLine.payment_id.is_not(None)]
    if amount_fen is not None:
        conditions.append(StatementLine.amount_fen == abs(amount_fen))
    query = (select(StatementLine, Payment).join(Payment, StatementLine.payment_id == Payment.id)
             .where(*conditions).order_by(StatementLine.txn_date, StatementLine.id))
    total = db.session.scalar(select(func.count(StatementLine.id)).where(*conditions))
    rows = [MatchedPair(line, payment) for line, payment in db.session.execute(query.limit(limit))]
    return Capped(rows, int(total or 0))


def recent_imports(source_id: int, limit: int = 20) -> list[StatementImport]:
    """The source's latest statement imports, newest first."""
    return list(db.session.scalars(select(StatementImport).where(StatementImport.source_id == source_id)
                                   .order_by(StatementImport.imported_at.desc(), StatementImport.id.desc())
                                   .limit(limit)))


def default_period(periods: list[int], today: date) -> int:
    """The month to show first: the newest one with statement lines or payments, else this month."""
    return max(periods) if periods else today.year * 100 + today.month
