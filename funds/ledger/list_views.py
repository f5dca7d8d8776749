"""The payment ledger across sources at /funds/payments: filtered by source and months, searched by
voucher number, payee or amount, a page at a time, and exported (.xlsx, .csv) as filtered.

Everyone who reads the funds reads it. An export is audited (it is not a change of data: the report
cache ignores it, reports.cache.store).
"""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from audit.services import record
from core.access import READERS, role_required
from core.exports import check_format, counted, spreadsheet_download
from core.paging import Page
from core.transactions import commit_with_retry
from extensions import db
from funds.blueprint import bp
from funds.ledger.payment_list import EXPORT_MAX_ROWS, PaymentFilter, count_payments, payment_rows_query, payment_sheet
from funds.ledger.project_money import LedgerForProjects
from funds.models import COST_CATEGORIES


@bp.route("/payments")
@role_required(*READERS)
def payments():
    """Every payment and reversal, newest first, as filtered and searched."""
    filters = PaymentFilter.from_args(request.args)
    page = Page.from_request(request.args, count_payments(filters), current_app.config["PAGE_SIZE"])
    rows = db.session.execute(payment_rows_query(filters).offset(page.offset).limit(page.size)).all()
    return render_template("funds/payments.html", rows=rows, page=page, filters=filters,
                           sources=LedgerForProjects().source_choices(), cost_categories=COST_CATEGORIES)


@bp.route("/payments/export.<fmt>")
@role_required(*READERS)
def export_payments(fmt: str):
    """The filtered payments (of one source with ?source=, or all), oldest first, as .xlsx or .csv."""
    check_format(fmt)
    filters = PaymentFilter.from_args(request.args)
    if count_payments(filters) > EXPORT_MAX_ROWS:
        flash(_("More than %(n)d payments: narrow the filter (a source, some months), or ask for the command "
                "`flask payments export`.", n=EXPORT_MAX_ROWS), "error")
        return redirect(url_for("funds.payments", **filters.args()))
    sheet = payment_sheet(filters)
    rows = counted(sheet)
    response = spreadsheet_download([sheet], fmt, "payments", date.today())
    user, query = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("payment.export", user=user,
                                     object_type="fund_source" if filters.source_id else None,
                                     object_id=filters.source_id,
                                     after={"rows": rows.count, "format": fmt, "filters": query}))
    return response
