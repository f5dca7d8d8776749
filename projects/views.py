"""Planning pages at /projects/: the project list and a project's page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from core.access import role_required
from core.paging import Page
from extensions import db
from projects.models import CATEGORIES, STATUSES, Area, Project
from projects.queries import ProjectFilter, count_rows, project_list_query, weighted_progress

bp = Blueprint("projects", __name__)

READERS = ("admin", "planner", "finance", "leader", "auditor")


@bp.route("/")
@role_required(*READERS)
def index():
    """Projects filtered by text, category, status and township, paged."""
    args = request.args
    township = args.get("township", type=int)
    filters = ProjectFilter(text=(args.get("q") or "").strip()[:100], category=args.get("category", ""),
                            status=args.get("status", ""), township_id=township)
    query = project_list_query(filters)
    page = Page.from_request(args, count_rows(query), current_app.config["PAGE_SIZE"])
    rows = db.session.execute(query.order_by(Project.code).offset(page.offset).limit(page.size)).all()
    townships = db.session.scalars(select(Area).where(Area.parent_id.is_(None)).order_by(Area.code)).all()
    return render_template("projects/index.html", rows=rows, page=page, filters=filters,
                           categories=CATEGORIES, statuses=STATUSES, townships=townships)


@bp.route("/<int:project_id>")
@role_required(*READERS)
def detail(project_id: int):
    """A project's overview and milestones."""
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    progress = weighted_progress([(m.planned_cost_fen, m.progress_pct) for m in project.milestones])
    return render_template("projects/detail.html", project=project, progress=progress,
                           categories=CATEGORIES, statuses=STATUSES, can_edit=current_user.role in ("admin", "planner"))
