"""What the county reports upward: workers and wages per person, per project and per source (posted
payrolls; managers' lines apart, as the wage share counts them)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from extensions import db
from funds.models import FundSource
from payroll.models import Payroll, PayrollLine, Worker
from projects.models import Project


@dataclass(frozen=True)
class WageFigures:
    """One project's or source's figures."""

    id: int
    code: str
    name: str
    workers: int
    household_workers: int
    wages_fen: int
    manager_fen: int

    @property
    def per_person_fen(self) -> int:
        """Wages per worker (managers aside), to the fen, rounded down."""
        return self.wages_fen // self.workers if self.workers else 0


def _figures(group_column, model) -> list[WageFigures]:
    workers = func.count(func.distinct(PayrollLine.worker_id)).filter(PayrollLine.is_manager.is_(False))
    household = func.count(func.distinct(PayrollLine.worker_id)).filter(
        PayrollLine.is_manager.is_(False), Worker.household == "registered")
    wages = func.coalesce(func.sum(PayrollLine.amount_fen).filter(PayrollLine.is_manager.is_(False)), 0)
    managers = func.coalesce(func.sum(PayrollLine.amount_fen).filter(PayrollLine.is_manager.is_(True)), 0)
    query = (select(model.id, model.code, model.name, workers, household, wages, managers)
             .select_from(Payroll).join(PayrollLine, PayrollLine.payroll_id == Payroll.id)
             .join(Worker, Worker.id == PayrollLine.worker_id).join(model, model.id == group_column)
             .where(Payroll.status == "posted").group_by(model.id, model.code, model.name).order_by(model.code))
    return [WageFigures(row[0], row[1], row[2], int(row[3]), int(row[4]), int(row[5]), int(row[6]))
            for row in db.session.execute(query)]


def by_project() -> list[WageFigures]:
    """Each project paid through payrolls."""
    return _figures(Payroll.project_id, Project)


def by_source() -> list[WageFigures]:
    """Each source that paid payrolls."""
    return _figures(Payroll.source_id, FundSource)
