"""Contracts at /contracts: entering one on a project, its page (value, variations, milestones,
documents), a variation. Planning enters contracts and variations; everyone reads them."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from contracts import contract_services as services
from contracts.blueprint import bp
from contracts.contract_services import ContractInput
from contracts.forms import ContractForm, VariationForm
from contracts.models import METHODS, SUBJECTS, Contract, Contractor
from core.access import PLANNERS, READERS, role_required
from core.money import format_yuan
from core.params import query_int
from core.saving import save
from documents.panel import document_panel
from extensions import db
from projects.models import Project


def _contract_form(project: Project) -> ContractForm:
    form = ContractForm()
    form.contractor_id.choices = [(0, "—")] + [(c.id, f"{c.name} {c.uscc or ''}") for c in db.session.scalars(
        select(Contractor).order_by(Contractor.name))]
    form.milestone_ids.choices = [(m.id, f"{m.sequence}. {m.name}") for m in project.milestones]
    return form


def _input(form: ContractForm, project: Project) -> ContractInput:
    rate = form.retention_pct.data
    return ContractInput(contract_no=form.contract_no.data or "", project_id=project.id,
                         contractor_id=form.contractor_id.data or None, subject=form.subject.data or "",
                         method=form.method.data or "", signed_on=form.signed_on.data, value_fen=form.value_fen.data,
                         retention_bp=int(rate * 100) if rate is not None else 0,
                         defects_liability_months=form.defects_liability_months.data or 0,
                         starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                         milestone_ids=list(form.milestone_ids.data or []))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*PLANNERS)
def new_contract():
    """Enter a signed contract on the project given by ?project=ID."""
    project = db.get_or_404(Project, query_int("project") or 0)
    form = _contract_form(project)
    if form.validate_on_submit() and (saved := save(lambda: services.create_contract(
            _input(form, project), actor=current_user), form,
            fields={"retention_bp": "retention_pct"})).ok:
        if saved.repeated:
            return redirect(url_for("projects.detail", project_id=project.id, _anchor="contracts"))
        flash(_("Contract %(number)s entered.", number=saved.value.contract_no), "success")
        return redirect(url_for("contracts.contract", contract_id=saved.value.id))
    return render_template("contracts/contract_form.html", form=form, project=project)


@bp.route("/<int:contract_id>")
@role_required(*READERS)
def contract(contract_id: int):
    """A contract: its original and current value, paid, retained and outstanding, its variations,
    the milestones it covers and its documents."""
    found = db.get_or_404(Contract, contract_id)
    project = db.get_or_404(Project, found.project_id)
    return render_template(
        "contracts/contract.html", contract=found, project=project, subjects=SUBJECTS, methods=METHODS,
        variations=services.variations_of(found.id), milestones=services.covered_milestones(found.id),
        can_edit=current_user.role in PLANNERS, variation_form=VariationForm(formdata=None),
        panel=document_panel([("contract", found.id, found.contract_no)], current_user))


@bp.route("/<int:contract_id>/variations", methods=["POST"])
@role_required(*PLANNERS)
def add_variation(contract_id: int):
    """Change the contract's value with a reason."""
    found = db.get_or_404(Contract, contract_id)
    form = VariationForm()
    if form.validate_on_submit():
        sign = -1 if form.direction.data == "decrease" else 1
        if save(lambda: services.add_variation(found, delta_fen=sign * (form.amount_fen.data or 0),
                                               reason=form.reason.data or "", varied_on=form.varied_on.data,
                                               actor=current_user), form, on_form=False).ok:
            flash(_("Variation recorded: the contract's value is now %(value)s yuan.",
                    value=format_yuan(found.value_fen)), "success")
    else:
        for name, errors in form.errors.items():
            for message in errors:
                flash(f"{form[name].label.text}: {message}", "error")
    return redirect(url_for("contracts.contract", contract_id=found.id, _anchor="variations"))
