"""Reads for earned value: plans, progress reports, allocations and payments, in bulk or for one project."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import Date, Integer, case, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from extensions import db
from funds.models import Payment
from projects.models import Area, Milestone, ProgressUpdate, Project
from projects.progress import ProgressReport
from reports.cache.store import report_cache
from reports.earned_value.measures import PlannedMilestone, ProjectPlan
from reports.facts import MilestoneDates
from reports.filters import ReportFilter
from reports.queries import PLACED_STATUSES, allocation_money, project_scope, township_column


@dataclass(frozen=True)
class ProjectHead:
    """What the ranking shows of a project besides its figures."""

    project_id: int
    code: str
    name: str
    status: str
    township_id: int
    budget_fen: int


def project_heads(filters: ReportFilter, today: date) -> dict[int, ProjectHead]:
    """The filtered projects with an approved plan (approved or further, not cancelled), by id."""
    query = (select(Project.id, Project.code, Project.name, Project.status, township_column(), Project.budget_fen)
             .join(Area, Area.id == Project.area_id).where(Project.status.in_(PLACED_STATUSES)))
    scope = project_scope(filters, today)
    if scope is not None:
        query = query.where(Project.id.in_(scope))
    return {row[0]: ProjectHead(*row) for row in db.session.execute(query)}


def project_plans(filters: ReportFilter, today: date) -> dict[int, ProjectPlan]:
    """Each filtered project's planned start and milestones (one query for each), for the projects
    with an approved plan: a proposal is not a baseline yet, and a cancelled project has none left."""
    scope = project_scope(filters, today)
    placed = select(Project.id).where(Project.status.in_(PLACED_STATUSES))
    starts = select(Project.id, Project.planned_start).where(Project.status.in_(PLACED_STATUSES))
    milestones = (select(Milestone.project_id, Milestone.id, Milestone.planned_date, Milestone.planned_cost_fen,
                         Milestone.progress_pct).where(Milestone.project_id.in_(placed)))
    if scope is not None:
        starts, milestones = starts.where(Project.id.in_(scope)), milestones.where(Milestone.project_id.in_(scope))
    grouped: dict[int, list[PlannedMilestone]] = {}
    for project_id, milestone_id, planned_date, cost_fen, progress_pct in db.session.execute(milestones):
        grouped.setdefault(project_id, []).append(PlannedMilestone(milestone_id, planned_date, cost_fen, progress_pct))
    return {project_id: ProjectPlan(project_id, start, tuple(grouped.get(project_id, ())))
            for project_id, start in db.session.execute(starts)}


def cached_project_plans(filters: ReportFilter, today: date, version: tuple) -> dict[int, ProjectPlan]:
    """project_plans, read once per data version and filter: earned value and the monthly chart
    (in each language) both need every milestone (50,000 at county scale)."""
    if not version:
        return project_plans(filters, today)
    return report_cache().get_or_make((version, "plans", filters.key(), today), lambda: project_plans(filters, today))


class days_between(FunctionElement):  # named like the SQL function it stands for
    """Whole days from the first date to the second, as an SQL integer expression."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({end} - {start})"  # PostgreSQL: date - date is an integer


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def planned_by(day: date):
    """SQL: the part of a milestone's planned cost planned by `day`, rounded down to the fen, from its
    accrual start kept in step by planning (measures.Window.planned_at, computed by the database)."""
    cost, start, end = Milestone.planned_cost_fen, Milestone.accrues_from, Milestone.planned_date
    when = literal(day, Date)
    return case((end <= when, cost), (start >= when, 0),
                else_=cost * days_between(start, when) // days_between(start, end))


def placed_milestones(filters: ReportFilter, today: date, *columns):
    """A select of `columns` over the milestones of the filtered projects with an approved plan."""
    query = select(*columns).where(Milestone.project_id.in_(select(Project.id).where(
        Project.status.in_(PLACED_STATUSES))))
    scope = project_scope(filters, today)
    return query if scope is None else query.where(Milestone.project_id.in_(scope))


def project_values(filters: ReportFilter, today: date, day: date) -> dict[int, tuple[int, int, int]]:
    """{project id: (BAC, PV at `day`, EV)} of the filtered projects with an approved plan and at least
    one milestone, summed by the database from the milestones as they stand (EV from today's progress)."""
    query = placed_milestones(filters, today, Milestone.project_id, func.sum(Milestone.planned_cost_fen),
                              func.sum(planned_by(day)),
                              func.sum(Milestone.planned_cost_fen * Milestone.progress_pct))
    return {row[0]: (int(row[1]), int(row[2]), int(row[3]) // 100)
            for row in db.session.execute(query.group_by(Milestone.project_id))}


def planned_by_days(filters: ReportFilter, today: date, days: list[date]) -> list[int]:
    """Planned value at each of `days`, summed over the filtered projects' milestones."""
    sums = [func.coalesce(func.sum(planned_by(day)), 0) for day in days]
    return [int(value) for value in db.session.execute(placed_milestones(filters, today, *sums)).one()]


def planned_by_days_per_project(filters: ReportFilter, today: date, days: list[date]) -> dict[int, list[int]]:
    """{project id: planned value at each of `days`} of the filtered projects with milestones."""
    sums = [func.sum(planned_by(day)) for day in days]
    query = placed_milestones(filters, today, Milestone.project_id, *sums).group_by(Milestone.project_id)
    return {row[0]: [int(value) for value in row[1:]] for row in db.session.execute(query)}


def progress_reports(filters: ReportFilter, today: date, until: date,
                     project_id: Optional[int] = None) -> list[ProgressReport]:
    """Progress reports up to `until` of the filtered projects (or of one), oldest first."""
    query = (select(ProgressUpdate.milestone_id, ProgressUpdate.reported_on, ProgressUpdate.progress_pct)
             .join(Milestone, Milestone.id == ProgressUpdate.milestone_id)
             .where(ProgressUpdate.reported_on <= until)
             .order_by(ProgressUpdate.reported_on, ProgressUpdate.id))
    if project_id is not None:
        query = query.where(Milestone.project_id == project_id)
    else:
        scope = project_scope(filters, today)
        if scope is not None:
            query = query.where(Milestone.project_id.in_(scope))
    return [ProgressReport(*row) for row in db.session.execute(query)]


def allocation_rows(filters: ReportFilter, as_of: date, today: date,
                    project_id: Optional[int] = None) -> list[tuple[int, int, int, int]]:
    """(source id, project id, allocated fen, spent fen) of every allocation to the filtered projects
    (or to one project) as of a day, from every source."""
    money = allocation_money(as_of, today)
    query = select(money.c.source_id, money.c.project_id, money.c.allocated_fen, money.c.spent_fen)
    if project_id is not None:
        query = query.where(money.c.project_id == project_id)
    else:
        scope = project_scope(filters, today)
        if scope is not None:
            query = query.where(money.c.project_id.in_(scope))
    return [(row[0], row[1], int(row[2]), int(row[3])) for row in db.session.execute(query)]


def project_plan(project: Project) -> ProjectPlan:
    """One project's plan."""
    return ProjectPlan(project.id, project.planned_start, tuple(
        PlannedMilestone(m.id, m.planned_date, m.planned_cost_fen, m.progress_pct) for m in project.milestones))


def milestone_dates(project: Project) -> list[MilestoneDates]:
    """One project's milestones with their planned and actual dates."""
    return [MilestoneDates(m.sequence, m.name, m.planned_date, m.actual_date, m.progress_pct)
            for m in project.milestones]


def project_payments(project_id: int) -> list[tuple[date, int]]:
    """(day, net fen) of one project's payments and reversals, summed per day."""
    rows = db.session.execute(select(Payment.paid_on, func.sum(Payment.amount_fen))
                              .where(Payment.project_id == project_id)
                              .group_by(Payment.paid_on).order_by(Payment.paid_on))
    return [(day, int(total or 0)) for day, total in rows]
