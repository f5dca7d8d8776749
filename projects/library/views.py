"""Library pages at /projects/: propose, the library entry, the township's review, the year's list."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from audit.services import record
from core.access import PLANNERS, READERS, role_required
from core.params import query_int
from core.saving import save
from core.transactions import commit_with_retry
from extensions import db
from projects.blueprint import bp
from projects.forms import LibraryEntryForm, ProposalForm, ReviewForm
from projects.library import services
from projects.library.exporting import write_library
from projects.library.services import LIBRARY_FIELDS, LibraryEntry
from projects.models import NATURES, REVIEW_STATES, STATUSES, Area, Project
from projects.money import project_money
from projects.queries import area_choices
from projects.scope import area_choices_in_scope, project_in_scope, scope_condition
from projects.services import PROJECT_FIELDS, ProjectInput


def _entry(form) -> LibraryEntry:
    values = {name: getattr(form, name).data for name in LIBRARY_FIELDS}
    values["nature"] = values["nature"] or None
    return LibraryEntry(**values)


def _proposal_input(form: ProposalForm) -> ProjectInput:
    values = {name: getattr(form, name).data for name in PROJECT_FIELDS}
    values["longitude"], values["latitude"] = form.wgs84_position()
    return ProjectInput(**values)


@bp.route("/propose", methods=["GET", "POST"])
@role_required(*PLANNERS, scoped=True)
def propose():
    """Propose a project for the library, with the fields the library requires."""
    form = ProposalForm()
    form.area_id.choices = area_choices_in_scope(area_choices(str(get_locale())), current_user)
    form.status.choices = [("proposed", STATUSES["proposed"])]
    if form.validate_on_submit() and (saved := save(lambda: services.propose(
            _proposal_input(form), _entry(form),
            actor=current_user), form)).ok:
        if saved.repeated:
            return redirect(url_for("projects.library"))
        flash(_("Project %(code)s proposed; it awaits the township's review.", code=saved.value.code), "success")
        return redirect(url_for("projects.detail", project_id=saved.value.id))
    return render_template("projects/proposal_form.html", form=form)


@bp.route("/<int:project_id>/library", methods=["GET", "POST"])
@role_required(*PLANNERS, scoped=True)
def library_entry(project_id: int):
    """Change a project's library entry."""
    project = project_in_scope(project_id)
    form = LibraryEntryForm(obj=project)
    if form.validate_on_submit() and save(lambda: services.update_entry(project, _entry(form), actor=current_user),
                                          form).ok:
        flash(_("Library entry of %(code)s saved.", code=project.code), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/library_entry.html", form=form, project=project)


@bp.route("/<int:project_id>/review", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def review(project_id: int):
    """The township agrees to a proposal, or returns it with a reason; a returned one is sent again."""
    project = project_in_scope(project_id)
    form = ReviewForm()
    if request.form.get("decision") == "resubmit":
        work = lambda: services.resubmit(project, actor=current_user)  # noqa: E731
    elif form.validate_on_submit():
        work = lambda: services.review(project, form.decision.data, form.reason.data or "",  # noqa: E731
                                       actor=current_user)
    else:
        flash(_("Agree or return the proposal."), "error")
        return redirect(url_for("projects.detail", project_id=project.id))
    if save(work, on_form=False).ok:
        flash(_("Review: %(state)s.", state=REVIEW_STATES[project.review_state or "submitted"]), "success")
    return redirect(url_for("projects.detail", project_id=project.id))


def _library_projects(year: int) -> list[Project]:
    query = select(Project).where(Project.library_year == year).order_by(Project.code)
    scope = scope_condition(current_user)
    return list(db.session.scalars(query if scope is None else query.where(scope)))


def _pending_proposals() -> list[Project]:
    query = (select(Project).where(Project.status == "proposed", Project.review_state.is_not(None))
             .order_by(Project.code))
    scope = scope_condition(current_user)
    return list(db.session.scalars(query if scope is None else query.where(scope)))


@bp.route("/library/")
@role_required(*READERS, scoped=True)
def library():
    """The year's library (projects approved into it that year) and the proposals on their way."""
    year = query_int("year", low=2000, high=2100) or date.today().year
    projects = _library_projects(year)
    return render_template("projects/library.html", year=year, projects=projects,
                           planned=project_money().planned_funding([project.id for project in projects]),
                           pending=_pending_proposals(), natures=NATURES, review_states=REVIEW_STATES,
                           statuses=STATUSES, can_propose=current_user.role in PLANNERS)


@bp.route("/library/<int:year>.xlsx")
@role_required(*READERS, scoped=True)
def library_export(year: int):
    """The year's library as the spreadsheet counties file upward."""
    projects = _library_projects(year)
    areas = {area.id: area for area in db.session.scalars(select(Area))}
    stream = BytesIO()
    write_library(projects, areas, stream, project_money().planned_funding([project.id for project in projects]))
    user = current_user._get_current_object()
    commit_with_retry(lambda: record("library.export", user=user, object_type="project",
                                     after={"rows": len(projects), "year": year}))
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name=f"project-library-{year}.xlsx")
