"""Reads for the planning pages: the filtered, sorted project list with its flags, in one query."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from auth.models import User
from core.params import query_int
from extensions import db
from projects.models import CATEGORIES, STATUSES, Area, Milestone, ProgressUpdate, Project, ProjectChange
from projects.money import project_money
from projects.progress import ProgressReport, progress_series
from projects.scope import scope_condition

ATTENTION = ("late", "over_budget", "unfunded")
SORTS = ("code", "name", "category", "area", "status", "budget", "allocated", "spent", "progress",
         "planned_start", "planned_end")


@dataclass(frozen=True)
class ProjectFilter:
    """What the project list is narrowed to and how it is sorted."""

    text: str = ""
    category: str = ""
    status: str = ""
    area_id: Optional[int] = None
    year: Optional[int] = None
    source_id: Optional[int] = None
    attention: str = ""
    sort: str = "code"
    descending: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ProjectFilter:
        """Read the filter from a query string, ignoring choices that are not allowed (a number that is not
        one answers 400: core.params)."""
        year = query_int("year", low=1, high=9999, args=args)
        return cls(
            text=(args.get("q") or "").strip()[:100],
            category=args.get("category", "") if args.get("category") in CATEGORIES else "",
            status=args.get("status", "") if args.get("status") in STATUSES else "",
            area_id=query_int("area", args=args),
            year=year if year and 2000 <= year <= 2100 else None,
            source_id=query_int("source", args=args),
            attention=args.get("attention", "") if args.get("attention") in ATTENTION else "",
            sort=args.get("sort", "code") if args.get("sort") in SORTS else "code",
            descending=args.get("dir") == "desc",
        )


LIVE_STATUSES = ("approved", "in_progress", "suspended", "completed")


def late_condition(today: date):
    """True for a live project (approved, under way, suspended or completed — not a proposal, not
    cancelled or accepted) with an unfinished milestone past its planned date."""
    return and_(Project.status.in_(LIVE_STATUSES),
                exists().where(Milestone.project_id == Project.id, Milestone.planned_date < today,
                               Milestone.progress_pct < 100))


def over_budget_condition():
    """True when spending or allocations exceed the budget."""
    return or_(Project.spent_fen > Project.budget_fen, Project.allocated_fen > Project.budget_fen)


def unfunded_condition():
    """True for a live project with nothing allocated yet."""
    return and_(Project.allocated_fen == 0, Project.status != "cancelled")


def project_list_query(filters: ProjectFilter, today: date, funded_by: Optional[Select] = None,
                       scope=None) -> Select:
    """Rows of (Project, Area, township Area or None, late flag) matching `filters`, sorted.

    `funded_by` is a select of project ids (from the finance ledger) when filtering by source; `scope`
    a condition limiting the projects to an account's area (projects.scope.scope_condition).
    """
    township = aliased(Area)
    late = late_condition(today).label("late")
    query = (select(Project, Area, township, late)
             .join(Area, Project.area_id == Area.id)
             .outerjoin(township, Area.parent_id == township.id))
    if scope is not None:
        query = query.where(scope)
    if filters.text:
        query = query.where(or_(Project.name.contains(filters.text, autoescape=True),
                                Project.code.contains(filters.text, autoescape=True)))
    if filters.category:
        query = query.where(Project.category == filters.category)
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.area_id:
        query = query.where(or_(Area.id == filters.area_id, Area.parent_id == filters.area_id))
    if filters.year:
        query = query.where(or_(Project.planned_start.is_(None), Project.planned_start <= date(filters.year, 12, 31)),
                            or_(Project.planned_end.is_(None), Project.planned_end >= date(filters.year, 1, 1)))
    if filters.source_id and funded_by is not None:
        query = query.where(Project.id.in_(funded_by))
    conditions = {"late": lambda: late_condition(today), "over_budget": over_budget_condition,
                  "unfunded": unfunded_condition}
    if filters.attention:
        query = query.where(conditions[filters.attention]())
    return query.order_by(*_ordering(filters, Area))


def filtered_projects(filters: ProjectFilter, user, today: date) -> Select:
    """project_list_query for `user`: limited to its area, the fund source's projects read from finance."""
    money = project_money()
    funded_by = money.projects_funded_by(filters.source_id) if filters.source_id else None
    return project_list_query(filters, today, funded_by, scope_condition(user))


def _ordering(filters: ProjectFilter, area):
    columns = {"code": Project.code, "name": Project.name, "category": Project.category, "area": area.name_zh,
               "status": Project.status, "budget": Project.budget_fen, "allocated": Project.allocated_fen,
               "spent": Project.spent_fen, "progress": Project.progress_bp, "planned_start": Project.planned_start,
               "planned_end": Project.planned_end}
    column = columns[filters.sort]
    primary = column.desc().nulls_last() if filters.descending else column.asc().nulls_last()
    return (primary, Project.code)


def count_rows(query: Select) -> int:
    """How many rows a query returns."""
    return int(db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


def area_choices(locale: str) -> list[tuple[int, str]]:
    """Townships and their villages as (id, label), villages indented under their township."""
    areas = db.session.scalars(select(Area).order_by(Area.code)).all()
    children: dict[Optional[int], list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    choices = []
    for township in children.get(None, []):
        choices.append((township.id, township.name(locale)))
        choices += [(village.id, f"{township.name(locale)} · {village.name(locale)}")
                    for village in children.get(township.id, [])]
    return choices


def progress_history(project: Project) -> list[tuple[date, int]]:
    """The project's weighted progress (basis points) after each day a report was made."""
    costs = {m.id: m.planned_cost_fen for m in project.milestones}
    reports = db.session.execute(select(ProgressUpdate.milestone_id, ProgressUpdate.reported_on,
                                        ProgressUpdate.progress_pct)
                                 .where(ProgressUpdate.milestone_id.in_(list(costs) or [-1]))
                                 .order_by(ProgressUpdate.reported_on, ProgressUpdate.id)).all()
    return progress_series(costs, [ProgressReport(*row) for row in reports])


def change_history(project_id: int):
    """The project's change records, newest first, with the username of who made each."""
    return db.session.execute(select(ProjectChange, User.username)
                              .outerjoin(User, ProjectChange.user_id == User.id)
                              .where(ProjectChange.project_id == project_id)
                              .order_by(ProjectChange.at.desc(), ProjectChange.id.desc())).all()
