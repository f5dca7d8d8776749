"""Reconciliation at /funds/sources/<id>/: import a statement, match it with the payments, see the months.

Registered on the funds blueprint. Everyone who reads the funds sees the reconciliation; finance
staff import statements and match or unmatch by hand. A statement whose headers are all recognised
is imported at once; otherwise its table, parsed once at upload, is kept under
instance/uploads/<random token> (core.uploads) while finance says what each column holds, and while
finance confirms a statement that has new lines in closed months (a preview says how many would be
held apart, and in which months). Each
change runs in one transaction through funds.reconciliation, the same code the `flask statements
import` command runs.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from core import confirm
from core.access import MONEY_WRITERS, READERS, role_required
from core.dates import format_month
from core.errors import add_field_error
from core.files import sha256_hex
from core.money import MoneyError, parse_amount
from core.params import query_month
from core.saving import save
from core.sheets.messages import spreadsheet_message
from core.sheets.tables import SpreadsheetError
from core.transactions import ConflictError, commit_with_retry
from core.uploads import discard_upload, load_upload, save_upload, update_meta, upload_folder
from extensions import db
from funds.blueprint import bp
from funds.models import HOLD_REASONS, FundSource, Payment, StatementLine
from funds.reconcile import queries
from funds.reconcile.columns import guess_mapping, mapping_problems, needs_mapping
from funds.reconcile.forms import (
    ConfirmStatementForm,
    ExplainForm,
    MatchForm,
    StatementUploadForm,
    UnmatchForm,
    column_field,
    mapping_form,
    mapping_from_form,
)
from funds.reconcile.matching import AMOUNT_PAYEE, MANUAL, REFERENCE
from funds.reconcile.services import (
    HeldLinesToConfirm,
    StatementRejected,
    closed_periods,
    display_filename,
    explain_line,
    import_statement_table,
    manual_match,
    preview_statement_table,
    summary_by_month,
    unmatch,
    withdraw_explanation,
)
from funds.reconcile.statements import locate_table

SHOWN_PROBLEMS = 200


def method_labels() -> dict:
    """How each match was made, for people."""
    return {REFERENCE: _("By reference"), AMOUNT_PAYEE: _("By amount, date and payee"), MANUAL: _("By hand")}


def _folder() -> Path:
    return upload_folder(current_app)


def _back(source: FundSource, period=None, amount=None):
    """Redirect to the reconciliation page, keeping the month and the amount filter."""
    month = queries.parse_period(period)
    return redirect(url_for("funds.reconcile", source_id=source.id, period=format_month(month) if month else None,
                            amount=amount or None))


def _commit(work) -> bool:
    """Run `work` as one transaction (core.saving); flash a refusal or a conflict. True when stored."""
    return save(work, on_form=False).ok


def _run_import(source: FundSource, table, meta: dict, mapping, page: Callable[[list], str], token: str = "",
                hold: bool = False) -> tuple[bool, ResponseReturnValue]:
    """Import and match the parsed table in one transaction: (True, redirect to the month) or,
    storing nothing, (False, `page(problems)`), or (False, redirect to the preview) when lines would be
    held apart in closed months and `hold` is not yet confirmed (the table is kept for it)."""
    try:
        result = commit_with_retry(lambda: import_statement_table(
            source, table, meta["name"], meta["sha256"], mapping=mapping, actor=current_user, hold=hold))
    except StatementRejected as error:
        db.session.rollback()
        return False, page(error.problems)
    except HeldLinesToConfirm:
        db.session.rollback()
        token = token or save_upload(_folder(), [table], meta)
        return False, redirect(url_for("funds.statement_preview", source_id=source.id, token=token))
    except ConflictError:
        flash(_("Someone imported or matched at the same moment; nothing was saved. Try again."), "error")
        return False, page([])
    message = _("%(lines)d lines read, %(new)d new, %(matched)d matched; %(left)d lines and %(payments)d payments "
                "of these months still to match.", lines=result.lines, new=result.new, matched=result.matched,
                left=result.unmatched_lines, payments=result.unmatched_payments)
    if result.held_closed_month:
        message += " " + _("%(n)d new lines of closed months are held apart: reopen a month to reconcile them.",
                           n=result.held_closed_month)
    flash(message, "success")
    return True, _back(source, format_month(result.last_period))


def _upload_meta(source: FundSource, name: str, data: bytes) -> dict:
    """What is kept beside an uploaded statement's table."""
    return {"name": name, "user_id": current_user.id, "source_id": source.id, "sha256": sha256_hex(data)}


def _own_upload(source: FundSource, token: str):
    """The signed-in user's upload of a statement for this source, or None."""
    upload = load_upload(_folder(), token)
    if upload is None or upload.meta.get("user_id") != current_user.id or upload.meta.get("source_id") != source.id:
        flash(_("This upload is no longer available. Upload the statement again."), "error")
        return None
    return upload


def _saved_mapping(upload) -> dict[int, str] | None:
    saved = upload.meta.get("mapping")
    return {int(i): k for i, k in saved.items()} if saved else None


@bp.route("/sources/<int:source_id>/statements", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def statements(source_id: int):
    """Upload a bank or treasury statement (.xlsx or .csv); recognised columns import at once."""
    source = db.get_or_404(FundSource, source_id)
    form = StatementUploadForm()

    def page(problems):
        return render_template("funds/statements.html", source=source, form=form, problems=problems[:SHOWN_PROBLEMS],
                               problem_count=len(problems), imports=queries.recent_imports(source.id))

    if form.validate_on_submit():
        data, name = form.file.data.read(), display_filename(form.file.data.filename)
        try:
            table = locate_table(data, name)
        except SpreadsheetError as error:
            add_field_error(form.file, spreadsheet_message(error))
            return page([])
        meta = _upload_meta(source, name, data)
        if not needs_mapping(table.headers):
            return _run_import(source, table, meta, None, page)[1]
        token = save_upload(_folder(), [table], meta)
        return redirect(url_for("funds.statement_mapping", source_id=source.id, token=token))
    return page([])


@bp.route("/sources/<int:source_id>/statements/<token>/mapping", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def statement_mapping(source_id: int, token: str):
    """Say what each column of an uploaded statement holds (pre-filled from its headers), then import."""
    source = db.get_or_404(FundSource, source_id)
    upload = _own_upload(source, token)
    if upload is None:
        return redirect(url_for("funds.statements", source_id=source.id))
    table = upload.sheets[0]
    form = mapping_form(table.headers, _saved_mapping(upload) or guess_mapping(table.headers))

    def page(problems):
        return render_template("funds/statement_mapping.html", source=source, form=form, table=table,
                               field_name=column_field, name=upload.meta["name"], problems=problems[:SHOWN_PROBLEMS],
                               problem_count=len(problems))

    if not form.validate_on_submit():
        return page([])
    chosen = mapping_from_form(form, len(table.headers))
    update_meta(_folder(), upload, mapping={str(i): k for i, k in chosen.items()})
    wrong = mapping_problems(chosen)
    for message in wrong:
        flash(message, "error")
    if wrong:
        return page([])
    imported, response = _run_import(source, table, upload.meta, chosen, page, token)
    if imported:
        discard_upload(_folder(), token)
    return response


@bp.route("/sources/<int:source_id>/statements/<token>/preview", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def statement_preview(source_id: int, token: str):
    """Before importing a statement with new lines in closed months: how many lines are new, how many
    would be held apart and in which months; confirming imports it, holding them."""
    source = db.get_or_404(FundSource, source_id)
    upload = _own_upload(source, token)
    if upload is None:
        return redirect(url_for("funds.statements", source_id=source.id))
    table, mapping, form = upload.sheets[0], _saved_mapping(upload), ConfirmStatementForm()

    def page(problems):
        return render_template("funds/statements.html", source=source, form=StatementUploadForm(),
                               problems=problems[:SHOWN_PROBLEMS], problem_count=len(problems),
                               imports=queries.recent_imports(source.id))

    if form.validate_on_submit():
        imported, response = _run_import(source, table, upload.meta, mapping, page, token, hold=True)
        if imported:
            discard_upload(_folder(), token)
        return response
    try:
        preview = preview_statement_table(source, table, mapping=mapping)
    except StatementRejected as error:
        return page(error.problems)
    months = ", ".join(format_month(period) for period in preview.held_periods)
    return render_template("funds/statement_preview.html", source=source, form=form, preview=preview,
                           months=months, name=upload.meta["name"], token=token)


def _amount_filter(text: str) -> int | None:
    try:
        return parse_amount(text.lstrip("-")) if text.strip() else None
    except MoneyError:
        return None


@bp.route("/sources/<int:source_id>/reconcile")
@role_required(*READERS)
def reconcile(source_id: int):
    """A month's statement lines with no payment and payments with no line, side by side, the pairs
    matched, and the reconciliation of every month."""
    source = db.get_or_404(FundSource, source_id)
    months = summary_by_month(source.id)
    period = query_month("period") or queries.default_period([month.period for month in months], date.today())
    amount_text = request.args.get("amount", "")
    amount = _amount_filter(amount_text)
    return render_template(
        "funds/reconcile.html", source=source, months=months, period=period, amount_text=amount_text,
        lines=queries.unmatched_lines(source.id, period, amount), payments=queries.unmatched_payments(
            source.id, period, amount), pairs=queries.matched_pairs(source.id, period, amount),
        explained=queries.explained_lines(source.id, period), held=queries.held_lines(source.id, period),
        hold_reasons=HOLD_REASONS,
        closed=period in closed_periods(source.id), can_write=current_user.role in MONEY_WRITERS,
        methods=method_labels(), gap_days=current_app.config["MATCH_GAP_DAYS"], explain_form=ExplainForm(formdata=None))


@bp.route("/sources/<int:source_id>/reconcile/match", methods=["POST"])
@role_required(*MONEY_WRITERS)
def match_statement_line(source_id: int):
    """Match the chosen statement line with the chosen payment (same source, equal amounts)."""
    source = db.get_or_404(FundSource, source_id)
    form = MatchForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(source, request.form.get("period"), request.form.get("amount"))
    line = db.session.get(StatementLine, form.line_id.data)
    payment = db.session.get(Payment, form.payment_id.data)
    if line is None or payment is None or line.source_id != source.id:
        abort(404)
    if _commit(lambda: manual_match(line, payment, actor=current_user)):
        flash(_("Statement line matched with payment %(voucher)s.", voucher=payment.voucher_no), "success")
        gap = (line.txn_date - payment.paid_on).days
        if abs(gap) > current_app.config["MATCH_GAP_DAYS"]:
            flash(_("The bank booked it %(n)d days from the payment date (%(paid)s): check that they belong "
                    "together.", n=abs(gap), paid=payment.paid_on.isoformat()), "warning")
    return _back(source, request.form.get("period"), request.form.get("amount"))


def _act_on_line(source_id: int, form, action, done: str):
    """Shared by unmatch, explain and unexplain: check the form, find the source's line, run `action(line)`
    in one transaction, say what happened, and go back to the same month."""
    source = db.get_or_404(FundSource, source_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(source, request.form.get("period"), request.form.get("amount"))
    line = db.session.get(StatementLine, form.line_id.data)
    if line is None or line.source_id != source.id:
        abort(404)
    if _commit(lambda: action(line)):
        flash(done, "success")
    return _back(source, request.form.get("period"), request.form.get("amount"))


@bp.route("/sources/<int:source_id>/reconcile/unmatch", methods=["POST"])
@role_required(*MONEY_WRITERS)
def unmatch_statement_line(source_id: int):
    """Free a matched statement line and its payment, once confirmed."""
    form = UnmatchForm()
    if form.validate_on_submit() and (question := confirm.ask(
            _("Unmatch this statement line and its payment?"), _("Unmatch"),
            back=url_for("funds.reconcile", source_id=source_id, period=request.form.get("period") or None,
                         amount=request.form.get("amount") or None),
            detail=_("Both become unmatched again and the month counts them as still to reconcile."))):
        return question
    return _act_on_line(source_id, form, lambda line: unmatch(line, actor=current_user),
                        _("The statement line and its payment are unmatched."))


@bp.route("/sources/<int:source_id>/reconcile/explain", methods=["POST"])
@role_required(*MONEY_WRITERS)
def explain_statement_line(source_id: int):
    """Settle the chosen line with an explanation (a bank fee, money received) instead of a payment."""
    form = ExplainForm()
    reason = (form.reason.data or "").strip()
    return _act_on_line(source_id, form, lambda line: explain_line(line, reason, actor=current_user),
                        _("Statement line explained: %(reason)s.", reason=reason))


@bp.route("/sources/<int:source_id>/reconcile/unexplain", methods=["POST"])
@role_required(*MONEY_WRITERS)
def unexplain_statement_line(source_id: int):
    """Withdraw a line's explanation so it can be matched or explained again."""
    return _act_on_line(source_id, UnmatchForm(), lambda line: withdraw_explanation(line, actor=current_user),
                        _("The explanation was withdrawn."))
