"""Planning office editing at /projects/: create and edit projects, move status, plan milestones,
record progress. Planners and administrators only; each view parses a form, calls one service,
commits or rolls back."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core import confirm
from core.access import PLANNERS, role_required
from core.errors import Refused, show_refusal
from core.forms import field_problems, required
from core.saving import save
from projects import lifecycle, services
from projects.blueprint import bp
from projects.forms import MilestoneForm, ProgressForm, ProjectForm, StatusForm
from projects.models import STATUSES, Project
from projects.queries import area_choices
from projects.scope import area_choices_in_scope, milestone_in_scope, project_in_scope
from projects.services import ProjectInput


def _project_form(project: Project | None = None) -> ProjectForm:
    form = ProjectForm(obj=project)
    form.area_id.choices = area_choices_in_scope(area_choices(str(get_locale())), current_user)
    # A new project's first status: those the gates let it be entered at (projects.gates: with the
    # notices installed, proposed only; a township's account proposes in any case).
    initial = [code for code in lifecycle.INITIAL_STATUSES
               if code == "proposed" or (current_user.area_id is None
                                         and not services.entered_past_proposal_problems(code, current_user))]
    form.status.choices = [(code, STATUSES[code]) for code in initial]
    return form


def _input(form: ProjectForm, status: str) -> ProjectInput:
    values = {name: getattr(form, name).data for name in services.PROJECT_FIELDS}
    values["longitude"], values["latitude"] = form.wgs84_position()
    return ProjectInput(**values, status=status)


def _say_converted(form: ProjectForm) -> None:
    if note := form.position_note():
        flash(note, "info")


@bp.route("/new", methods=["GET", "POST"])
@role_required(*PLANNERS)
def create():
    """Enter a new project."""
    form = _project_form()
    if form.validate_on_submit() and (saved := save(lambda: services.create_project(
            _input(form, form.status.data or "proposed"), actor=current_user, reason=form.reason.data or ""),
            form)).ok:
        if saved.repeated:
            return redirect(url_for("projects.index"))
        flash(_("Project %(code)s created.", code=saved.value.code), "success")
        _say_converted(form)
        return redirect(url_for("projects.detail", project_id=saved.value.id))
    return render_template("projects/form.html", form=form, project=None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@role_required(*PLANNERS, scoped=True)
def edit(project_id: int):
    """Change a project; after approval, budget and date changes need a reason."""
    project = project_in_scope(project_id)
    form = _project_form(project)
    version = str(form.version.data or "")  # an int when the form was filled from the project
    expected = int(version) if version.isdigit() else None
    if form.validate_on_submit() and save(lambda: services.update_project(
            project, _input(form, project.status), actor=current_user, reason=form.reason.data or "",
            expected_version=expected), form).ok:
        flash(_("Project %(code)s saved.", code=project.code), "success")
        _say_converted(form)
        return redirect(url_for("projects.detail", project_id=project.id))
    form.version.data = str(project.version)
    return render_template("projects/form.html", form=form, project=project,
                           controlled=project.status != "proposed")


@bp.route("/<int:project_id>/status", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def change_status(project_id: int):
    """Move the project to its next status."""
    project = project_in_scope(project_id)
    form = StatusForm()
    form.target.choices = [(code, label) for code, label in STATUSES.items()]
    back = url_for("projects.detail", project_id=project.id)
    if not form.validate_on_submit():
        return redirect(back)
    target, reason = form.target.data, form.reason.data or ""
    try:  # say at once when the move cannot be made, rather than after confirming it
        services.check_move(project, target, reason, current_user)
    except Refused as refused:
        show_refusal(None, refused)
        return redirect(back)
    if question := confirm.ask(_("Move %(code)s from %(current)s to %(target)s?", code=project.code,
                                 current=STATUSES[project.status], target=STATUSES.get(target, target)),
                               _("Change status"), back=back, detail=reason):
        return question
    if save(lambda: services.change_status(project, target, actor=current_user, reason=reason), on_form=False).ok:
        flash(_("Status is now: %(status)s.", status=STATUSES[project.status]), "success")
    return redirect(back)


@bp.route("/<int:project_id>/milestones/new", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def add_milestone(project_id: int):
    """Plan a milestone from the form on the project page."""
    project = project_in_scope(project_id)
    form = MilestoneForm()
    if form.validate_on_submit() and (saved := save(lambda: services.add_milestone(
            project, name=required(form.name.data), planned_date=required(form.planned_date.data),
            planned_cost_fen=required(form.planned_cost_fen.data), actor=current_user), form)).ok:
        if not saved.repeated:
            flash(_("Milestone added."), "success")
        return redirect(url_for("projects.detail", project_id=project.id) + "#milestones")
    return render_template("projects/milestone_form.html", form=form, project=project, milestone=None), 400


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@role_required(*PLANNERS, scoped=True)
def edit_milestone(milestone_id: int):
    """Re-plan a milestone's name, date or cost."""
    milestone = milestone_in_scope(milestone_id)
    form = MilestoneForm(obj=milestone)
    if form.validate_on_submit() and save(lambda: services.update_milestone(
            milestone, name=required(form.name.data), planned_date=required(form.planned_date.data),
            planned_cost_fen=required(form.planned_cost_fen.data), actor=current_user,
            reason=form.reason.data or ""),
            form).ok:
        flash(_("Milestone saved."), "success")
        return redirect(url_for("projects.detail", project_id=milestone.project_id) + "#milestones")
    return render_template("projects/milestone_form.html", form=form, project=milestone.project, milestone=milestone)


@bp.route("/milestones/<int:milestone_id>/progress", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def record_progress(milestone_id: int):
    """Record a milestone's % complete from the form on the project page."""
    milestone = milestone_in_scope(milestone_id)
    form = ProgressForm()
    if not form.validate_on_submit():
        for problem in field_problems(form):
            flash(problem, "error")
        return redirect(url_for("projects.detail", project_id=milestone.project_id) + "#milestones")
    if save(lambda: services.record_progress(milestone, progress_pct=required(form.progress_pct.data),
                                             reported_on=required(form.reported_on.data),
                                             note=form.note.data or "", actor=current_user), on_form=False).ok:
        flash(_("Progress of %(name)s recorded: %(pct)d%%.", name=milestone.name, pct=milestone.progress_pct),
              "success")
    return redirect(url_for("projects.detail", project_id=milestone.project_id) + "#milestones")
