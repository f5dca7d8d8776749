"""Accounts scoped to a town or township (a township's staff): what they may see and reach.

An account's area (`User.area_id`, None for the county's offices) narrows every project query and
every project route: the list and export read `scope_condition`, each object route loads its project
through `project_in_scope` (or `milestone_in_scope`), which answers 403 and audits the refusal for a
project elsewhere. Routes a scoped account may not use at all refuse it in `core.access.role_required`.
"""
from __future__ import annotations

from typing import Optional

from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from core.access import deny
from extensions import db
from projects.models import Area, Milestone, Project


def scope_area_id(user) -> Optional[int]:
    """The id of the town or township `user` is limited to; None when it sees the whole county."""
    return getattr(user, "area_id", None)


def area_in_scope(user, area: Optional[Area]) -> bool:
    """True when `user` may see and propose projects in `area` (the township itself or one of its villages)."""
    scope = scope_area_id(user)
    if scope is None:
        return True
    return area is not None and scope in (area.id, area.parent_id)


def scope_condition(user) -> Optional[ColumnElement[bool]]:
    """A condition on Project limiting a query to `user`'s area, or None for a county account."""
    scope = scope_area_id(user)
    if scope is None:
        return None
    in_area = select(Area.id).where(or_(Area.id == scope, Area.parent_id == scope))
    return Project.area_id.in_(in_area)


def project_in_scope(project_id: int) -> Project:
    """The project, for the signed-in account: 404 when unknown, 403 (audited) when outside its area."""
    project = db.get_or_404(Project, project_id)
    if not area_in_scope(current_user, project.area):
        deny(f"project {project.code} outside the account's area")
    return project


def milestone_in_scope(milestone_id: int) -> Milestone:
    """The milestone, when its project is in the signed-in account's area (else 403, audited)."""
    milestone = db.get_or_404(Milestone, milestone_id)
    project_in_scope(milestone.project_id)
    return milestone


def area_choices_in_scope(choices: list[tuple[int, str]], user) -> list[tuple[int, str]]:
    """The (id, label) area choices `user` may pick."""
    scope = scope_area_id(user)
    if scope is None:
        return choices
    allowed = set(db.session.scalars(select(Area.id).where(or_(Area.id == scope, Area.parent_id == scope))))
    return [(area_id, label) for area_id, label in choices if area_id in allowed]
