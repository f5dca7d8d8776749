"""The planned-funding section of a project's page and its form (POST /funds/projects/<id>/planned)."""
from __future__ import annotations

from typing import Any

from flask import Flask, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.access import PLANNERS, role_required
from core.saving import save
from funds.blueprint import bp
from funds.ledger.project_money import LedgerForProjects
from funds.planned import services
from funds.planned.forms import PlannedFundingForm
from projects.scope import project_in_scope
from projects.sections import register_section


@bp.route("/projects/<int:project_id>/planned", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def set_planned(project_id: int):
    """Set the amount a source is planned to give the project."""
    project = project_in_scope(project_id)
    form = PlannedFundingForm()
    if form.validate_on_submit() and save(lambda: services.set_planned(
            project, form.source_id.data or 0, form.amount_fen.data or 0, actor=current_user), form, on_form=False).ok:
        flash(_("Planned funding saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="planned-funding"))


def _section(project, user) -> dict[str, Any]:
    lines = services.planned_lines([project.id]).get(project.id, [])
    form = PlannedFundingForm(formdata=None)
    form.source_id.choices = LedgerForProjects().source_choices()
    return {"lines": lines, "form": form, "project_id": project.id, "budget_fen": project.budget_fen,
            "planned_fen": sum(line.planned_fen for line in lines),
            "allocated_fen": sum(line.allocated_fen for line in lines),
            "can_edit": getattr(user, "role", None) in PLANNERS and project.status in services.PLANNABLE_STATUSES}


def install(app: Flask) -> None:
    """The section on every project page."""
    register_section(app, "funds/_planned_funding.html", _section)
