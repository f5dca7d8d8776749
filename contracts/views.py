"""The contractor register at /contracts/contractors: the list, a contractor's page, registering and
changing one. Everyone reads it (leadership asks who gets the county's money); planning and finance
register; only finance sees the whole bank account."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contracts import services
from contracts.blueprint import bp
from contracts.contract_services import contracts_of_contractor
from contracts.forms import ContractorForm
from contracts.models import Contractor
from contracts.services import ContractorInput
from core.access import BANK_ACCOUNT_READERS, CONTRACTOR_EDITORS, READERS, role_required
from core.saving import save
from extensions import db


def _input(form: ContractorForm) -> ContractorInput:
    return ContractorInput(**{name: getattr(form, name).data or "" for name in ContractorForm.FIELDS})


@bp.route("/contractors/")
@role_required(*READERS)
def contractors():
    """Every contractor (or those matching the search), with its credit code."""
    search = request.args.get("q", "")[:100]
    return render_template("contracts/contractors.html", contractors=services.contractors(search), search=search,
                           can_edit=current_user.role in CONTRACTOR_EDITORS,
                           full_account=current_user.role in BANK_ACCOUNT_READERS)


@bp.route("/contractors/new", methods=["GET", "POST"])
@role_required(*CONTRACTOR_EDITORS)
def new_contractor():
    """Register a contractor."""
    form = ContractorForm()
    if form.validate_on_submit() and (saved := save(lambda: services.register_contractor(
            _input(form), actor=current_user), form)).ok:
        if saved.repeated:
            return redirect(url_for("contracts.contractors"))
        flash(_("Contractor %(name)s registered.", name=saved.value.name), "success")
        return redirect(url_for("contracts.contractor", contractor_id=saved.value.id))
    return render_template("contracts/contractor_form.html", form=form, contractor=None)


@bp.route("/contractors/<int:contractor_id>")
@role_required(*READERS)
def contractor(contractor_id: int):
    """A contractor's facts (its bank account whole only for finance) and its contracts across projects,
    with value, paid, retained and outstanding."""
    found = db.get_or_404(Contractor, contractor_id)
    return render_template("contracts/contractor.html", contractor=found,
                           contracts=contracts_of_contractor(found.id),
                           can_edit=current_user.role in CONTRACTOR_EDITORS,
                           full_account=current_user.role in BANK_ACCOUNT_READERS)


@bp.route("/contractors/<int:contractor_id>/edit", methods=["GET", "POST"])
@role_required(*CONTRACTOR_EDITORS)
def edit_contractor(contractor_id: int):
    """Change a contractor's facts (every change in the trail). Only finance sees and changes the bank
    details; for others they stay as stored."""
    found = db.get_or_404(Contractor, contractor_id)
    full_account = current_user.role in BANK_ACCOUNT_READERS
    form = ContractorForm(obj=found)
    version = str(form.version.data or "")
    expected = int(version) if version.isdigit() else None
    if not full_account:  # the bank details stay as finance entered them
        form.bank_name.data, form.bank_account.data = found.bank_name, found.bank_account
    if form.validate_on_submit() and save(lambda: services.update_contractor(
            found, _input(form), actor=current_user, expected_version=expected), form).ok:
        flash(_("Contractor %(name)s saved.", name=found.name), "success")
        return redirect(url_for("contracts.contractor", contractor_id=found.id))
    form.version.data = str(found.version)
    return render_template("contracts/contractor_form.html", form=form, contractor=found, full_account=full_account)
