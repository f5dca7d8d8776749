"""Payment requests at /funds/requests: the list (waiting first), one request with its documents,
and the approver's decision. Finance prepares requests on the payment page (funds.ledger.entry_views)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import MONEY_WRITERS, READERS, role_required
from core.saving import save
from documents.panel import document_panel
from documents.requirements import missing
from extensions import db
from funds.blueprint import bp
from funds.models import COST_CATEGORIES
from funds.requests import services
from funds.requests.forms import DecisionForm
from funds.requests.models import REQUEST_STATES, PaymentRequest

LIST_LIMIT = 200


@bp.route("/requests")
@role_required(*READERS)
def requests():
    """Payment requests of one state (waiting by default), newest first."""
    state = request.args.get("state", "waiting")
    state = state if state in REQUEST_STATES else "waiting"
    rows = db.session.scalars(select(PaymentRequest).where(PaymentRequest.state == state)
                              .order_by(PaymentRequest.id.desc()).limit(LIST_LIMIT)).all()
    return render_template("funds/requests.html", rows=rows, state=state, states=REQUEST_STATES,
                           can_approve=services.may_approve(current_user), limit=LIST_LIMIT)


@bp.route("/requests/<int:request_id>")
@role_required(*READERS)
def payment_request(request_id: int):
    """A payment request: its payment's fields, its documents, and the decision (or who decided)."""
    found = db.get_or_404(PaymentRequest, request_id)
    own = found.prepared_by_id == current_user.id
    return render_template(
        "funds/request.html", item=found, states=REQUEST_STATES, cost_categories=COST_CATEGORIES,
        can_decide=found.state == "waiting" and services.may_approve(current_user) and not own, own=own,
        lacking=missing("payment_request.approve", "payment_request", found.id, found.amount_fen),
        form=DecisionForm(formdata=None),
        panel=document_panel([("payment_request", found.id, _("Payment request %(id)d", id=found.id))],
                             current_user))


def _back(found: PaymentRequest):
    return redirect(url_for("funds.payment_request", request_id=found.id))


@bp.route("/requests/<int:request_id>/approve", methods=["POST"])
@role_required(*MONEY_WRITERS)
def approve_request(request_id: int):
    """Approve another person's request: the payment is posted, or refused naming the field."""
    found = db.get_or_404(PaymentRequest, request_id)
    form = DecisionForm()
    if form.validate_on_submit():
        saved = save(lambda: services.approve_request(found, actor=current_user, reason=form.reason.data or "",
                                                      today=date.today()), form, on_form=False)
        if saved.ok and not saved.repeated:
            flash(_("Payment request %(id)d approved: payment %(no)s recorded.", id=found.id, no=found.voucher_no),
                  "success")
    else:
        flash(_("The form was not valid; nothing was decided."), "error")
    return _back(found)


@bp.route("/requests/<int:request_id>/reject", methods=["POST"])
@role_required(*MONEY_WRITERS)
def reject_request(request_id: int):
    """Reject another person's request with a reason; nothing is paid."""
    found = db.get_or_404(PaymentRequest, request_id)
    form = DecisionForm()
    if form.validate_on_submit():
        saved = save(lambda: services.reject_request(found, actor=current_user, reason=form.reason.data or ""),
                     form, on_form=False)
        if saved.ok and not saved.repeated:
            flash(_("Payment request %(id)d rejected.", id=found.id), "success")
    else:
        flash(_("The form was not valid; nothing was decided."), "error")
    return _back(found)
