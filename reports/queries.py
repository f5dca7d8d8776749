"""Aggregate reads for the leadership pages: a handful of GROUP BY queries, never one per row.

Money as of today comes from the balance columns the ledger keeps in step (allocation.amount_fen
and spent_fen, fund_source.received_fen). Money as of an earlier day is summed from the dated
entries instead (appropriations received, allocation entries, payments on or before that day), so a
report for a past date shows what was true then. Projects are narrowed with the project list's own
query, so a figure and the list it links to always agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import Select, func, select

from extensions import db
from funds.models import Allocation, AllocationEntry, Appropriation, FundSource, Payment, SourceMonth, month_of
from projects.models import Area, Milestone, Project
from projects.queries import LIVE_STATUSES, late_condition, project_list_query
from reports.facts import ProjectTiming, SourceMoney
from reports.filters import ReportFilter

PLACED_STATUSES = ("approved", "in_progress", "suspended", "completed", "accepted")


def project_scope(filters: ReportFilter, today: date, by_source: bool = True) -> Optional[Select]:
    """A select of the ids of the projects the filter keeps, or None when it keeps every project.

    With `by_source`, a source filter keeps the projects the source has allocated to.
    """
    if not filters.narrows_projects and not (by_source and filters.source_id):
        return None
    project_filter = filters.project_filter() if by_source else ReportFilter(
        year=filters.year, area_id=filters.area_id, category=filters.category).project_filter()
    funded_by = (select(Allocation.project_id).where(Allocation.source_id == filters.source_id)
                 if project_filter.source_id else None)
    return project_list_query(project_filter, today, funded_by).order_by(None).with_only_columns(Project.id)


def allocation_money(as_of: date, today: date):
    """A subquery of (source_id, project_id, allocated_fen, spent_fen) per allocation as of a day."""
    if as_of >= today:
        return select(Allocation.source_id, Allocation.project_id, Allocation.amount_fen.label("allocated_fen"),
                      Allocation.spent_fen.label("spent_fen")).subquery()
    entries = (select(AllocationEntry.allocation_id, func.sum(AllocationEntry.delta_fen).label("fen"))
               .where(AllocationEntry.entry_date <= as_of).group_by(AllocationEntry.allocation_id).subquery())
    paid = (select(Payment.source_id, Payment.project_id, func.sum(Payment.amount_fen).label("fen"))
            .where(Payment.paid_on <= as_of).group_by(Payment.source_id, Payment.project_id).subquery())
    return (select(Allocation.source_id, Allocation.project_id,
                   func.coalesce(entries.c.fen, 0).label("allocated_fen"),
                   func.coalesce(paid.c.fen, 0).label("spent_fen"))
            .outerjoin(entries, entries.c.allocation_id == Allocation.id)
            .outerjoin(paid, (paid.c.source_id == Allocation.source_id) & (paid.c.project_id == Allocation.project_id))
            .subquery())


def township_column():
    """The township (or town) of a project's area: the area itself, or its parent for a village."""
    return func.coalesce(Area.parent_id, Area.id)


def money_by(group: str, filters: ReportFilter, as_of: date, today: date) -> dict:
    """{key: (allocated fen, spent fen)} of the allocations the filter keeps, grouped by `group`:
    'all' (key None), 'source' (source id), 'project', 'category' or 'township' (area id)."""
    money = allocation_money(as_of, today)
    columns = {"all": None, "source": money.c.source_id, "project": money.c.project_id,
               "category": Project.category, "township": township_column()}
    key = columns[group]
    query = select(*([key] if key is not None else []), func.coalesce(func.sum(money.c.allocated_fen), 0),
                   func.coalesce(func.sum(money.c.spent_fen), 0)).select_from(money)
    if group in ("category", "township"):
        query = query.join(Project, Project.id == money.c.project_id).join(Area, Area.id == Project.area_id)
    scope = project_scope(filters, today, by_source=False)
    if scope is not None:
        query = query.where(money.c.project_id.in_(scope))
    if filters.source_id:
        query = query.where(money.c.source_id == filters.source_id)
    if key is not None:
        query = query.group_by(key)
    rows = db.session.execute(query).all()
    if key is None:
        return {None: (int(rows[0][0]), int(rows[0][1]))}
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def received_by_source(filters: ReportFilter, as_of: date, today: date) -> dict[int, int]:
    """Money each source (in the filter) had received by `as_of`."""
    if as_of >= today:
        query = select(FundSource.id, FundSource.received_fen)
    else:
        query = (select(Appropriation.source_id, func.sum(Appropriation.amount_fen))
                 .where(Appropriation.received_on <= as_of).group_by(Appropriation.source_id))
    if filters.source_id:
        query = query.where((FundSource.id if as_of >= today else Appropriation.source_id) == filters.source_id)
    return {row[0]: int(row[1] or 0) for row in db.session.execute(query)}


def source_money(filters: ReportFilter, as_of: date, today: date) -> list[SourceMoney]:
    """Each source in the filter with what it received and, within the filter, allocated and spent."""
    query = select(FundSource.id, FundSource.code, FundSource.name).order_by(FundSource.code)
    if filters.source_id:
        query = query.where(FundSource.id == filters.source_id)
    received = received_by_source(filters, as_of, today)
    money = money_by("source", filters, as_of, today)
    return [SourceMoney(row.id, row.code, row.name, received.get(row.id, 0), *money.get(row.id, (0, 0)))
            for row in db.session.execute(query)]


@dataclass(frozen=True)
class MoneyTotals:
    """The dashboard's money figures; received and unallocated are the sources' own, whatever the
    township, category or year filter (`narrowed` tells the page to say so)."""

    received_fen: int
    allocated_fen: int
    spent_fen: int
    unallocated_fen: int
    narrowed: bool


def money_totals(filters: ReportFilter, as_of: date, today: date) -> MoneyTotals:
    """Received, allocated, spent and unallocated across the sources (and projects) in the filter."""
    received = sum(received_by_source(filters, as_of, today).values())
    allocated, spent = money_by("all", filters, as_of, today)[None]
    source_level = ReportFilter(source_id=filters.source_id)
    allocated_by_sources = (money_by("all", source_level, as_of, today)[None][0] if filters.narrows_projects
                            else allocated)
    return MoneyTotals(received, allocated, spent, received - allocated_by_sources, filters.narrows_projects)


def projects_by_status(filters: ReportFilter, today: date) -> dict[str, int]:
    """How many of the filtered projects are in each status."""
    query = select(Project.status, func.count(Project.id)).group_by(Project.status)
    scope = project_scope(filters, today)
    if scope is not None:
        query = query.where(Project.id.in_(scope))
    return {status: int(count) for status, count in db.session.execute(query)}


@dataclass(frozen=True)
class LateMilestone:
    """An unfinished milestone past its planned date."""

    project_id: int
    project_code: str
    project_name: str
    sequence: int
    name: str
    planned_date: date
    progress_pct: int

    def days_late(self, as_of: date) -> int:
        """Days since it was due."""
        return (as_of - self.planned_date).days


def late_milestones(filters: ReportFilter, as_of: date, limit: int = 10) -> tuple[int, int, list[LateMilestone]]:
    """(late milestones, projects with one, the `limit` longest overdue) among the filtered projects."""
    late = ((Milestone.planned_date < as_of) & (Milestone.progress_pct < 100)
            & Milestone.project_id.in_(select(Project.id).where(Project.status.in_(LIVE_STATUSES))))
    scope = project_scope(filters, as_of)
    counts = select(func.count(Milestone.id), func.count(func.distinct(Milestone.project_id))).where(late)
    rows = (select(Project.id, Project.code, Project.name, Milestone.sequence, Milestone.name,
                   Milestone.planned_date, Milestone.progress_pct)
            .join(Project, Project.id == Milestone.project_id).where(late)
            .order_by(Milestone.planned_date, Project.code, Milestone.sequence).limit(limit))
    if scope is not None:
        counts, rows = counts.where(Milestone.project_id.in_(scope)), rows.where(Milestone.project_id.in_(scope))
    milestones, projects = db.session.execute(counts).one()
    return int(milestones), int(projects), [LateMilestone(*row) for row in db.session.execute(rows)]


def project_timings(filters: ReportFilter, as_of: date) -> list[ProjectTiming]:
    """Dates, progress and late flag of the filtered projects that are approved or further along."""
    query = (select(Project.id, Project.code, Project.name, Project.planned_start, Project.planned_end,
                    Project.progress_bp, late_condition(as_of))
             .where(Project.status.in_(PLACED_STATUSES)).order_by(Project.code))
    scope = project_scope(filters, as_of)
    if scope is not None:
        query = query.where(Project.id.in_(scope))
    return [ProjectTiming(*row[:6], bool(row[6])) for row in db.session.execute(query)]


def monthly_payments(filters: ReportFilter, year: int, as_of: date) -> dict[tuple[str, int], int]:
    """{(source code, yyyymm): net fen paid} in `year` up to `as_of`, by the stored period column.

    Unless the filter narrows the projects, the months before `as_of`'s come from the month summary
    kept in step (funds.models.SourceMonth) and only the as-of month's payments are summed.
    """
    first, last = year * 100 + 1, min(year * 100 + 12, month_of(as_of))
    scope = project_scope(filters, as_of, by_source=False)
    summarised = scope is None and first < last
    query = (select(FundSource.code, Payment.period, func.sum(Payment.amount_fen))
             .join(FundSource, FundSource.id == Payment.source_id)
             .where(Payment.period.between(last if summarised else first, last), Payment.paid_on <= as_of)
             .group_by(FundSource.code, Payment.period))
    if filters.source_id:
        query = query.where(Payment.source_id == filters.source_id)
    if scope is not None:
        query = query.where(Payment.project_id.in_(scope))
    paid = {(code, period): int(total or 0) for code, period, total in db.session.execute(query)}
    if summarised:
        months = (select(FundSource.code, SourceMonth.period, SourceMonth.paid_fen + SourceMonth.reversed_fen)
                  .join(FundSource, FundSource.id == SourceMonth.source_id)
                  .where(SourceMonth.period >= first, SourceMonth.period < last, SourceMonth.entries > 0))
        if filters.source_id:
            months = months.where(SourceMonth.source_id == filters.source_id)
        paid.update({(code, period): int(total) for code, period, total in db.session.execute(months)})
    return paid


def area_labels(locale: str) -> dict[int, str]:
    """Every town and township's name in the interface language."""
    rows = db.session.execute(select(Area.id, Area.name_zh, Area.name_en).where(Area.parent_id.is_(None)))
    return {row.id: row.name_zh if locale.startswith("zh") else row.name_en for row in rows}


def source_labels() -> dict[int, tuple[str, str]]:
    """Every source's (code, name) by id."""
    return {row.id: (row.code, row.name) for row in db.session.execute(
        select(FundSource.id, FundSource.code, FundSource.name))}
