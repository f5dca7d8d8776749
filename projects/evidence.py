"""Projects, milestones and progress reports as records documents attach to (documents.owners): everyone
reads them, planners and administrators attach and withdraw their documents (approval letters,
acceptance reports, site photos). A milestone's documents and a progress report's (the site photos
taken for it) are shown on its project's page, the report's also beside it in the progress reports.
The documents a project's steps need (documents.requirements: approving a proposal needs its approval
letter, accepting a completed project its acceptance report) are a gate on its status moves
(projects.gates)."""
from __future__ import annotations

from typing import Any, Optional

from flask import Flask, url_for
from sqlalchemy import select

from core.access import PLANNERS, READERS
from core.i18n import _l
from documents import owners
from documents.requirements import missing
from extensions import db
from projects.models import Milestone, ProgressUpdate, Project


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
    owners.register(app, "progress", label=_l("Progress report"), read_roles=READERS, write_roles=PLANNERS,
                    find=lambda owner_id: db.session.get(ProgressUpdate, owner_id),
                    title=_progress_title, url=_progress_url)


def _progress_title(update: ProgressUpdate) -> str:
    milestone = db.session.get_one(Milestone, update.milestone_id)
    return f"{update.reported_on.isoformat()} {milestone.sequence}. {milestone.name} {update.progress_pct}%"


def _progress_url(update: ProgressUpdate) -> str:
    milestone = db.session.get_one(Milestone, update.milestone_id)
    return url_for("projects.detail", project_id=milestone.project_id)


def progress_reports(project: Project) -> list[tuple[ProgressUpdate, Milestone]]:
    """The project's progress reports, newest first, each with its milestone."""
    milestones = {m.id: m for m in project.milestones}
    updates = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.milestone_id.in_(list(milestones) or [-1]))
                                 .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc()))
    return [(update, milestones[update.milestone_id]) for update in updates]


def progress_label(update: ProgressUpdate, milestone: Milestone) -> str:
    """How a page names a progress report: its day, milestone and % complete."""
    return f"{_l('Progress report')} {update.reported_on.isoformat()} · {milestone.sequence}. {milestone.name} · " \
           f"{update.progress_pct}%"


def project_owners(project: Project, reports: Optional[list[tuple[ProgressUpdate, Milestone]]] = None
                   ) -> list[tuple[str, int, str]]:
    """(kind, id, label) of a project, each of its milestones and each of its progress reports (`reports`,
    as progress_reports gives them), for its page's documents."""
    if reports is None:
        reports = progress_reports(project)
    return [("project", project.id, str(_l("Project"))),
            *(("milestone", m.id, f"{_l('Milestone')} {m.sequence}. {m.name}") for m in project.milestones),
            *(("progress", update.id, progress_label(update, milestone)) for update, milestone in reports)]


# The status moves that are steps with required documents: (from, to) -> documents.requirements step.
DOCUMENTED_MOVES = {("proposed", "approved"): "project.approve", ("completed", "accepted"): "project.accept"}


def documents_gate(project, target: str, _actor) -> Optional[dict[str, Any]]:
    """The projects.gates gate: a move that is a documented step needs its documents on the project."""
    step = DOCUMENTED_MOVES.get((project.status, target))
    lacking = missing(step, "project", project.id) if step else []
    if not lacking:
        return None
    return {"documents": _l("%(step)s needs a document of type “%(type)s”: attach it first.",
                            step=lacking[0].step_label, type=lacking[0].type_label)}
