"""Reads for the planning pages: project rows with their physical progress, in one query."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import aliased

from extensions import db
from projects.models import Area, Milestone, Project


def progress_subquery():
    """Per project: cost-weighted progress in basis points (0-10000), or NULL without planned cost."""
    weighted = func.sum(Milestone.planned_cost_fen * Milestone.progress_pct)
    planned = func.sum(Milestone.planned_cost_fen)
    return (select(Milestone.project_id.label("project_id"),
                   case((planned > 0, weighted * 100 / planned), else_=None).label("progress_bp"))
            .group_by(Milestone.project_id).subquery())


@dataclass(frozen=True)
class ProjectFilter:
    """What the project list is narrowed to."""

    text: str = ""
    category: str = ""
    status: str = ""
    township_id: Optional[int] = None


def project_list_query(filters: ProjectFilter) -> Select:
    """Rows of (Project, its Area, that area's township or None, progress_bp) matching `filters`."""
    progress = progress_subquery()
    township = aliased(Area)
    query = (select(Project, Area, township, progress.c.progress_bp)
             .join(Area, Project.area_id == Area.id)
             .outerjoin(township, Area.parent_id == township.id)
             .outerjoin(progress, progress.c.project_id == Project.id))
    if filters.text:
        query = query.where(or_(Project.name.contains(filters.text, autoescape=True),
                                Project.code.contains(filters.text, autoescape=True)))
    if filters.category:
        query = query.where(Project.category == filters.category)
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.township_id:
        query = query.where(or_(Area.id == filters.township_id, Area.parent_id == filters.township_id))
    return query


def count_rows(query: Select) -> int:
    """How many rows a query returns."""
    return int(db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


def weighted_progress(milestones: list[tuple[int, int]]) -> Optional[float]:
    """Cost-weighted % complete of (planned_cost_fen, progress_pct) pairs; None with no planned cost."""
    planned = sum(cost for cost, _ in milestones)
    if planned <= 0:
        return None
    return sum(cost * pct for cost, pct in milestones) / planned
