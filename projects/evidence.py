"""Projects and milestones as records documents attach to (documents.owners): everyone reads them,
planners and administrators attach and withdraw their documents (approval letters, acceptance
reports, site photos). A milestone's documents are shown on its project's page."""
from __future__ import annotations

from typing import Optional

from flask import Flask, url_for
from sqlalchemy import select

from core.access import PLANNERS, READERS
from core.i18n import _l
from documents import owners
from extensions import db
from projects.models import Milestone, Project


def _project_id_by_code(code: str) -> Optional[int]:
    return db.session.scalar(select(Project.id).where(Project.code == code.strip()))


def register_owner_kinds(app: Flask) -> None:
    """Let documents attach to projects and milestones."""
    owners.register(app, "project", label=_l("Project"), read_roles=READERS, write_roles=PLANNERS,
                    find=lambda owner_id: db.session.get(Project, owner_id),
                    title=lambda project: f"{project.code} {project.name}",
                    url=lambda project: url_for("projects.detail", project_id=project.id),
                    by_code=_project_id_by_code)
    owners.register(app, "milestone", label=_l("Milestone"), read_roles=READERS, write_roles=PLANNERS,
                    find=lambda owner_id: db.session.get(Milestone, owner_id),
                    title=lambda milestone: f"{milestone.sequence}. {milestone.name}",
                    url=lambda milestone: url_for("projects.detail", project_id=milestone.project_id))


def project_owners(project: Project) -> list[tuple[str, int, str]]:
    """(kind, id, label) of a project and each of its milestones, for its page's documents."""
    return [("project", project.id, str(_l("Project"))),
            *(("milestone", m.id, f"{_l('Milestone')} {m.sequence}. {m.name}") for m in project.milestones)]
