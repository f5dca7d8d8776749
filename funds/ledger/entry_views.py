"""Finance entry at /funds/: appropriations, allocations, payments, reversals, month close.

Finance staff record money (administrators only reopen months). Each view parses its form, calls
one ledger service inside `commit_with_retry`, and redirects back to the source's ledger.
"""
from __future__ import annotations

from datetime import date

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from audit.anchors import try_anchor
from contracts.contract_services import contracts_of_project
from core import confirm
from core.access import MONEY_WRITERS, REOPENERS, role_required
from core.dates import format_month
from core.forms import required
from core.params import query_int
from core.saving import save
from extensions import db
from funds.blueprint import bp
from funds.ledger import queries, services
from funds.ledger.forms import (
    AllocationForm,
    AppropriationForm,
    AppropriationReversalForm,
    CloseMonthForm,
    PaymentForm,
    ReopenMonthForm,
    ReversalForm,
)
from funds.ledger.payment_dates import start_warning
from funds.models import Appropriation, FundSource, Payment
from funds.requests.services import PaymentInput, prepare_request
from projects.models import Milestone, Project


def _ledger(source: FundSource, anchor: str = ""):
    return redirect(url_for("funds.source", source_id=source.id) + (f"#{anchor}" if anchor else ""))


def _save(form, work, done: str, on_form: bool = True) -> bool:
    """Store with core.saving.save and flash `done`; True when stored (or stored already by the same
    form). A refusal goes on its form field, or is flashed when the view redirects."""
    saved = save(work, form, on_form=on_form)
    if saved.ok and not saved.repeated:
        flash(done, "success")
    return saved.ok


@bp.route("/sources/<int:source_id>/appropriations", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def add_appropriation(source_id: int):
    """Record money received by the source."""
    source = db.get_or_404(FundSource, source_id)
    form = AppropriationForm()
    if form.validate_on_submit() and _save(form, lambda: services.receive_appropriation(
            source, document_no=required(form.document_no.data), received_on=required(form.received_on.data),
            amount_fen=required(form.amount.data), note=form.note.data or "", actor=current_user,
            today=date.today()),
           _("Appropriation %(no)s recorded.", no=form.document_no.data)):
        return _ledger(source, "appropriations")
    return render_template("funds/entry_form.html", form=form, source=source, title=_("Record money received"))


@bp.route("/sources/<int:source_id>/allocations", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def allocate(source_id: int):
    """Allocate the source's money to a project, or reduce an allocation."""
    source = db.get_or_404(FundSource, source_id)
    form = AllocationForm(project_id=query_int("project"), entry_date=date.today())
    form.project_id.choices = queries.allocatable_projects(source.id)
    if form.validate_on_submit():
        project = db.get_or_404(Project, form.project_id.data)
        entered = required(form.amount.data)
        amount = entered if form.direction.data == "increase" else -entered
        if _save(form, lambda: services.allocate(source, project, delta_fen=amount,
                                                 entry_date=required(form.entry_date.data),
                                                 document_no=form.document_no.data or "",
                                                 reason=form.reason.data or "", actor=current_user,
                                                 today=date.today()),
               _("Allocation to %(code)s saved.", code=project.code)):
            return _ledger(source, "allocations")
    return render_template("funds/entry_form.html", form=form, source=source, title=_("Allocate money"))


@bp.route("/sources/<int:source_id>/payments/new", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def pay(source_id: int):
    """Prepare a payment against a milestone of a project this source funds: a payment request that
    another person approves, or, where the fund rule `payment_approval` lets it through, the payment
    itself. Choosing another project loads its milestones in place (static/forms.js); without script
    the form comes back with them (`choose`), everything typed kept, nothing saved."""
    source = db.get_or_404(FundSource, source_id)
    form = PaymentForm(project_id=query_int("project"), paid_on=date.today())
    form.project_id.choices = queries.funded_projects(source.id)
    project_id = form.project_id.data or (form.project_id.choices[0][0] if form.project_id.choices else None)
    form.milestone_id.choices = queries.milestone_choices(project_id) if project_id else []
    form.contract_id.choices = [(0, _("— none (wages, small management costs)"))] + [
        (contract.id, f"{contract.contract_no} {contract.contractor.name}")
        for contract in (contracts_of_project(project_id) if project_id else [])]
    if not request.form.get("choose") and form.validate_on_submit():
        project = db.get_or_404(Project, form.project_id.data)
        data = PaymentInput(source, project, db.get_or_404(Milestone, form.milestone_id.data),
                            voucher_no=required(form.voucher_no.data), payee=required(form.payee.data),
                            paid_on=required(form.paid_on.data), amount_fen=required(form.amount.data),
                            cost_category=form.cost_category.data, contract_id=form.contract_id.data or None,
                            retention_release=bool(form.retention_release.data))
        saved = save(lambda: prepare_request(data, actor=current_user, today=date.today()), form)
        if saved.ok:
            return _after_preparing(saved, data, project)
    return render_template("funds/payment_form.html", form=form, source=source)


def _after_preparing(saved, data: PaymentInput, project: Project):
    """Back to the ledger when the payment was posted at once; to the request when it waits."""
    item = saved.value
    if (warning := start_warning(data.paid_on, project.actual_start)) is not None and not saved.repeated:
        flash(warning, "warning")
    if item is None or item.state == "direct":
        if not saved.repeated:
            flash(_("Payment %(no)s recorded.", no=data.voucher_no), "success")
        return _ledger(data.source, "payments")
    flash(_("Payment request %(id)d prepared: attach its documents; another person approves it, and only "
            "then is it paid.", id=item.id), "success")
    return redirect(url_for("funds.payment_request", request_id=item.id))


@bp.route("/sources/<int:source_id>/milestones")
@role_required(*MONEY_WRITERS)
def payable_milestones(source_id: int):
    """The milestones of ?project= as [{id, label}], for the payment form (only of a project the
    source funds; [] otherwise)."""
    source = db.get_or_404(FundSource, source_id)
    project_id = query_int("project")
    funded = {choice for choice, _label in queries.funded_projects(source.id)}
    milestones = queries.milestone_choices(project_id) if project_id in funded else []
    return jsonify([{"id": milestone_id, "label": label} for milestone_id, label in milestones])


@bp.route("/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def reverse(payment_id: int):
    """Reverse a wrong payment with a linked entry and a reason; the original stays visible."""
    payment = db.get_or_404(Payment, payment_id)
    refusal = services.why_not_reversible(payment)
    if refusal is not None:  # say so at once rather than after the form is filled in
        flash(refusal, "error")
        return _ledger(payment.source, "payments")
    form = ReversalForm(voucher_no=f"{payment.voucher_no}-冲", reversed_on=date.today())
    if form.validate_on_submit() and _save(form, lambda: services.reverse_payment(
            payment, voucher_no=required(form.voucher_no.data), reversed_on=required(form.reversed_on.data),
            reason=required(form.reason.data), actor=current_user, today=date.today()),
           _("Payment %(no)s reversed.", no=payment.voucher_no)):
        return _ledger(payment.source, "payments")
    return render_template("funds/reversal_form.html", form=form, payment=payment, source=payment.source)


@bp.route("/appropriations/<int:appropriation_id>/reverse", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def reverse_appropriation(appropriation_id: int):
    """Take back a wrongly recorded receipt with a linked negative entry and a reason."""
    entry = db.get_or_404(Appropriation, appropriation_id)
    form = AppropriationReversalForm(reversed_on=date.today())
    if form.validate_on_submit() and _save(form, lambda: services.reverse_appropriation(
            entry, reversed_on=required(form.reversed_on.data), reason=required(form.reason.data),
            actor=current_user, today=date.today()),
           _("Receipt %(no)s reversed.", no=entry.document_no)):
        return _ledger(entry.source, "appropriations")
    return render_template("funds/appropriation_reversal.html", form=form, entry=entry, source=entry.source)


@bp.route("/sources/<int:source_id>/close", methods=["POST"])
@role_required(*MONEY_WRITERS)
def close_month(source_id: int):
    """Close a reconciled month of the source, once confirmed (only an administrator can reopen it)."""
    source = db.get_or_404(FundSource, source_id)
    form = CloseMonthForm()
    if not form.validate_on_submit():
        for message in form.period.errors:
            flash(message, "error")
        return _ledger(source, "months")
    period, month = required(form.period.data), format_month(required(form.period.data))
    if question := confirm.ask(_("Close %(month)s of %(source)s?", month=month, source=source.code),
                               _("Close month"), back=url_for("funds.source", source_id=source.id) + "#months",
                               detail=_("Afterwards nothing can be dated in it; only an administrator can reopen it.")):
        return question
    if _save(form, lambda: services.close_month(source, period, today=date.today(), actor=current_user),
             _("Month %(month)s closed.", month=month), on_form=False):
        try_anchor("month-close")  # the closed month's records, anchored outside the database
    return _ledger(source, "months")


@bp.route("/sources/<int:source_id>/months/<int:period>/reopen", methods=["POST"])
@role_required(*REOPENERS)
def reopen_month(source_id: int, period: int):
    """Reopen a closed month, saying why (administrators only)."""
    source = db.get_or_404(FundSource, source_id)
    form = ReopenMonthForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening."), "error")
    else:
        _save(form, lambda: services.reopen_month(source, period, reason=required(form.reason.data),
                                                  actor=current_user),
              _("Month %(month)s reopened.", month=format_month(period)), on_form=False)
    return _ledger(source, "months")

