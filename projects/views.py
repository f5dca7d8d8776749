"""Planning pages at /projects/: the list (filter, sort, page, export) and a project's page.

The editing routes live in projects/edit_views.py and the spreadsheet import in
projects/import_views.py; both register on this blueprint.
"""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import abort, current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_login import current_user

from audit.services import record
from core.access import PLANNERS, READERS, role_required
from core.paging import Page
from core.transactions import commit_with_retry
from documents.panel import document_panel
from extensions import db
from projects import lifecycle
from projects.blueprint import bp
from projects.evidence import progress_reports, project_owners
from projects.forms import MilestoneForm, ProgressForm, ReviewForm, StatusForm
from projects.history import change_line
from projects.models import CATEGORIES, NATURES, REVIEW_STATES, STATUSES
from projects.money import project_money
from projects.queries import (
    ATTENTION,
    ProjectFilter,
    area_choices,
    change_history,
    count_rows,
    filtered_projects,
    progress_history,
)
from projects.scope import area_choices_in_scope, project_in_scope
from projects.sections import sections_for
from projects.services import can_change_plan, can_record_progress


def _filtered_query(filters: ProjectFilter):
    return filtered_projects(filters, current_user, date.today())


@bp.route("/")
@role_required(*READERS, scoped=True)
def index():
    """Projects filtered, searched, sorted and paged, each with its money, progress and flags."""
    filters = ProjectFilter.from_args(request.args)
    query = _filtered_query(filters)
    page = Page.from_request(request.args, count_rows(query), current_app.config["PAGE_SIZE"])
    rows = db.session.execute(query.offset(page.offset).limit(page.size)).all()
    return render_template("projects/index.html", rows=rows, page=page, filters=filters,
                           categories=CATEGORIES, statuses=STATUSES, attention=ATTENTION,
                           areas=area_choices_in_scope(area_choices(str(get_locale())), current_user),
                           sources=project_money().source_choices(),
                           can_edit=current_user.role in PLANNERS,
                           county_wide=current_user.area_id is None)


@bp.route("/export.<fmt>")
@role_required(*READERS, scoped=True)
def export(fmt: str):
    """The filtered list as a spreadsheet (.xlsx or .csv), every project, not just one page."""
    from projects.imports.exporting import write_projects

    if fmt not in ("xlsx", "csv"):
        abort(404)
    filters = ProjectFilter.from_args(request.args)
    projects = [row[0] for row in db.session.execute(_filtered_query(filters))]
    stream = BytesIO()
    write_projects(projects, stream, fmt)
    user, filters_text = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("project.export", user=user, object_type="project",
                                     after={"rows": len(projects), "format": fmt, "filters": filters_text}))
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name=f"projects-{date.today():%Y%m%d}.{fmt}")


@bp.route("/<int:project_id>")
@role_required(*READERS, scoped=True)
def detail(project_id: int):
    """A project's overview, funding by source, milestones with their payments, progress, changes."""
    project = project_in_scope(project_id)
    money = project_money()
    funding = money.funding_by_source(project.id)
    planned_total = sum(m.planned_cost_fen for m in project.milestones)
    status_form = StatusForm()
    status_form.target.choices = [(code, STATUSES[code]) for code in STATUSES
                                  if code in lifecycle.allowed_next(project.status)]
    reports = progress_reports(project)
    panel = document_panel(project_owners(project, reports), current_user)
    photos: dict[int, list] = {}
    for document in panel.documents:
        if document.owner_kind == "progress" and not document.withdrawn:
            photos.setdefault(document.owner_id, []).append(document)
    return render_template(
        "projects/detail.html", project=project, funding=funding, payments=money.payments_by_milestone(project.id),
        planned_total=planned_total, history=progress_history(project),
        changes=[change_line(change, username) for change, username in change_history(project.id)],
        breaches=money.breaches(project.id),
        categories=CATEGORIES, statuses=STATUSES, can_edit=current_user.role in PLANNERS, today=date.today(),
        natures=NATURES, review_states=REVIEW_STATES, review_form=ReviewForm(formdata=None),
        project_panels=current_app.extensions.get("project_panels", []),
        notice_kinds=current_app.extensions.get("notice_kinds", {}), notice_places=current_app.extensions.get(
            "notice_places", {}),
        can_progress=can_record_progress(project.status), can_plan=can_change_plan(project.status),
        status_form=status_form, milestone_form=MilestoneForm(formdata=None), progress_form=ProgressForm(formdata=None),
        panel=panel, reports=reports, report_documents=photos, sections=sections_for(project, current_user))

