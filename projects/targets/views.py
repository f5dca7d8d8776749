"""Performance target pages under /projects/: add, remove, enter an actual value; the portfolio's scores."""
from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import PLANNERS, READERS, role_required
from core.saving import save
from extensions import db
from projects.blueprint import bp
from projects.models import STATUSES, Project
from projects.scope import project_in_scope, scope_condition
from projects.targets import services
from projects.targets.forms import ActualForm, TargetForm
from projects.targets.models import CATEGORIES, COMPARISONS, TIERS, Target
from projects.targets.printing import assessment_pdf


def _target_in_scope(target_id: int) -> tuple[Target, Project]:
    target = db.get_or_404(Target, target_id)
    return target, project_in_scope(target.project_id)


def _back(project: Project):
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="targets"))


@bp.route("/<int:project_id>/targets", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def add_target(project_id: int):
    """Add a performance indicator to the project."""
    project = project_in_scope(project_id)
    form = TargetForm()
    if not form.validate_on_submit():
        flash(_("Choose the tier, category and comparison of the indicator."), "error")
        return _back(project)
    data = services.TargetInput(tier=form.tier.data, category=form.category.data, name=form.name.data or "",
                                unit=form.unit.data or "", comparison=form.comparison.data,
                                target_value=form.target_value.data or "")
    if save(lambda: services.add_target(project, data, actor=current_user), on_form=False).ok:
        flash(_("Indicator added."), "success")
    return _back(project)


@bp.route("/targets/<int:target_id>/actual", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def record_actual(target_id: int):
    """Enter the actual value of an indicator (at completion or year end)."""
    target, project = _target_in_scope(target_id)
    form = ActualForm()
    if form.validate_on_submit() and save(lambda: services.record_actual(
            target, project, form.actual_value.data or "", actor=current_user), on_form=False).ok:
        flash(_("Actual value recorded."), "success")
    return _back(project)


@bp.route("/targets/<int:target_id>/remove", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def remove_target(target_id: int):
    """Remove an indicator of a proposal."""
    target, project = _target_in_scope(target_id)
    if ActualForm().validate_on_submit() and save(lambda: services.remove_target(
            target, project, actor=current_user), on_form=False).ok:
        flash(_("Indicator removed."), "success")
    return _back(project)


@bp.route("/assessments")
@role_required(*READERS, scoped=True)
def assessments():
    """The portfolio's self-assessment: every project with targets, its score and its missed targets."""
    query = select(Project).where(Project.id.in_(select(Target.project_id))).order_by(Project.code)
    scope = scope_condition(current_user)
    projects = list(db.session.scalars(query if scope is None else query.where(scope)))
    rows = [(project, services.assess(project, services.targets_of(project.id))) for project in projects]
    rows.sort(key=lambda row: (row[1].total, row[0].code))
    return render_template("projects/assessments.html", rows=rows, statuses=STATUSES, tiers=TIERS,
                           comparisons=COMPARISONS, show=services.show_value)


@bp.route("/<int:project_id>/assessment.pdf")
@role_required(*READERS, scoped=True)
def assessment_print(project_id: int):
    """The project's self-assessment form (自评表) as an A4 PDF."""
    project = project_in_scope(project_id)
    return send_file(BytesIO(assessment_pdf(project)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"self-assessment-{project.code}.pdf")


def targets_panel(project: Project) -> dict:
    """What the targets panel of a project's page shows."""
    targets = services.targets_of(project.id)
    return {"targets": targets, "assessment": services.assess(project, targets), "tiers": TIERS,
            "categories": CATEGORIES, "comparisons": COMPARISONS, "show": services.show_value,
            "is_met": services.is_met, "target_form": TargetForm(formdata=None),
            "actual_form": ActualForm(formdata=None), "can_add": project.status in services.OPEN_STATUSES,
            "can_measure": project.status in services.ACTUAL_STATUSES}
