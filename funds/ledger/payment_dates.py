"""When a payment may be dated: not before its money was allocated; before the works started only
with a warning.

A payment dated before the source's first allocation to the project spends money that was not yet
committed to it: refused. A payment dated before the project's actual start (or to a project not
started at all) may be right — an advance to the contractor, a design fee — but is often a typing
error in the year or the project: it is stored, the person is warned, and the payment's audit event
records the warning.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import func, select

from core.i18n import _l
from extensions import db
from funds.models import Allocation, AllocationEntry


def first_allocation_day(source_id: int, project_id: int) -> Optional[date]:
    """The day the source first committed money to the project (None: it never did)."""
    return db.session.scalar(
        select(func.min(AllocationEntry.entry_date))
        .join(Allocation, AllocationEntry.allocation_id == Allocation.id)
        .where(Allocation.source_id == source_id, Allocation.project_id == project_id, AllocationEntry.delta_fen > 0))


def before_allocation_problem(paid_on: date, first_allocated: Optional[date]):
    """Why a payment on `paid_on` is refused for being dated before the money was allocated, or None."""
    if first_allocated is not None and paid_on < first_allocated:
        return _l("The payment is dated %(day)s, before this source allocated money to the project "
                  "(first on %(first)s).", day=paid_on.isoformat(), first=first_allocated.isoformat())
    return None


def before_start(paid_on: date, actual_start: Optional[date]) -> bool:
    """True when the payment precedes the project's actual start (or the project has not started)."""
    return actual_start is None or paid_on < actual_start


def start_warning(paid_on: date, actual_start: Optional[date]):
    """The warning a payment dated before the project's actual start gets, or None."""
    if not before_start(paid_on, actual_start):
        return None
    if actual_start is None:
        return _l("Note: the project has not started yet (no actual start date), and this payment is dated "
                  "%(day)s. If it is not an advance, check the date and the project.", day=paid_on.isoformat())
    return _l("Note: this payment is dated %(day)s, before the project actually started on %(start)s. If it "
              "is not an advance, check the date and the project.", day=paid_on.isoformat(),
              start=actual_start.isoformat())
