"""The check `asset_not_handed_over`: accepted projects with no asset handed over after so many days.

A project is due to have handed over an asset within `ASSET_HANDOVER_DAYS` (a county setting, 90 by
default) of the day it was accepted: overdue from the day after (accepted on 1 March with 30 days:
due by 31 March, on the list from 1 April). The acceptance day is that of the newest move to
"accepted" (Beijing day), else, for a project accepted before moves were recorded, its actual end.
`overdue_projects` is pure; `gather` reads the facts; the fund-rule checks page and `flask checks
--json` show the result (assets/__init__ registers both).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from flask import current_app
from sqlalchemy import exists, func, select

from assets.models import Asset
from core.clock import local_day
from core.i18n import _l
from extensions import db
from projects.models import Project, ProjectChange

KIND = "asset_not_handed_over"


@dataclass(frozen=True)
class AcceptedProject:
    """What the check reads of an accepted project."""

    project_id: int
    code: str
    name: str
    accepted_on: Optional[date]
    handed_over: bool  # at least one of its assets is handed over


@dataclass(frozen=True)
class Overdue:
    """An accepted project whose assets are late to be handed over."""

    project_id: int
    code: str
    name: str
    accepted_on: date
    due_by: date
    days_late: int


def overdue_projects(projects: Iterable[AcceptedProject], days: int, today: date) -> list[Overdue]:
    """The projects past `days` since acceptance with no asset handed over, the longest late first."""
    late = []
    for project in projects:
        if project.handed_over or project.accepted_on is None:
            continue
        due_by = project.accepted_on + timedelta(days=days)
        if today > due_by:
            late.append(Overdue(project.project_id, project.code, project.name, project.accepted_on, due_by,
                                (today - due_by).days))
    return sorted(late, key=lambda row: (-row.days_late, row.code))


def gather(scope=None) -> list[AcceptedProject]:
    """Every accepted project (within `scope`, a condition on Project) with its acceptance day."""
    accepted_at = (select(ProjectChange.project_id, func.max(ProjectChange.at).label("at"))
                   .where(ProjectChange.field == "status", ProjectChange.new_value == "accepted")
                   .group_by(ProjectChange.project_id).subquery())
    handed = exists().where(Asset.project_id == Project.id, Asset.handed_over_on.is_not(None))
    query = (select(Project.id, Project.code, Project.name, Project.actual_end, accepted_at.c.at,
                    handed.label("handed"))
             .outerjoin(accepted_at, accepted_at.c.project_id == Project.id)
             .where(Project.status == "accepted"))
    if scope is not None:
        query = query.where(scope)
    return [AcceptedProject(row.id, row.code, row.name, local_day(row.at) if row.at else row.actual_end,
                            bool(row.handed)) for row in db.session.execute(query)]


def handover_days() -> int:
    """The county's setting: days an accepted project has to hand over its assets."""
    return int(current_app.config.get("ASSET_HANDOVER_DAYS", 90))


CHECKS_SHOWN = 50  # rows on the checks page; /assets/overdue lists them all, a page at a time


def check_context(today: date, scope=None, limit: Optional[int] = None) -> dict[str, Any]:
    """What the checks page's section shows: how many, and the first CHECKS_SHOWN (rendering tens of
    thousands of rows took seconds at ten times county scale)."""
    days = handover_days()
    limit = CHECKS_SHOWN if limit is None else limit  # 0: every one
    cached = current_app.extensions.get("version_cache") if scope is None else None
    if cached is None:
        overdue = overdue_projects(gather(scope), days, today)
    else:  # the county's list, kept per data version by the reports' cache (0.6 s for 46,000 projects at 10x)
        overdue = cached((KIND, today, days), lambda: overdue_projects(gather(), days, today))
    return {"kind": KIND, "overdue": overdue[:limit] if limit else overdue, "total": len(overdue), "days": days,
            "more": bool(limit) and len(overdue) > (limit or 0)}


def check_rows(today: date) -> list[dict[str, Any]]:
    """The check as `flask checks --json` lists breaches (no rule or source: a county setting)."""
    days = handover_days()
    return [{"kind": KIND, "rule_id": None, "source_id": None, "source_code": "", "project_id": row.project_id,
             "project_code": row.code, "project_name": row.name,
             "message": str(_l("Accepted on %(accepted)s; no asset handed over %(days)d days later (due by %(due)s).",
                               accepted=row.accepted_on.isoformat(), days=days, due=row.due_by.isoformat())),
             "detail": {"accepted_on": row.accepted_on.isoformat(), "due_by": row.due_by.isoformat(),
                        "days": days, "days_late": row.days_late}}
            for row in overdue_projects(gather(), days, today)]
