"""Finance pages at /funds/: the fund sources with their balances, and each source's ledger.

Money entry lives in funds/money_views.py, reconciliation in funds/reconcile_views.py and fund
rules in funds/rule_views.py; they register on this blueprint (see the imports at the end).
"""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import MONEY_WRITERS, READERS, REOPENERS, role_required
from core.dates import format_month
from core.forms import required
from core.paging import Page
from core.saving import save
from extensions import db
from funds.blueprint import bp
from funds.ledger import queries, services
from funds.ledger.forms import AppropriationForm, CloseMonthForm, ReopenMonthForm, SourceForm
from funds.ledger.payment_list import PaymentFilter, count_payments, payment_rows_query
from funds.models import CHANNELS, COST_CATEGORIES, LEVELS, FundSource, month_of
from funds.rules.checks import Scope
from funds.rules.standing import check_run_head

BREACHES_LISTED = 20  # on a source's ledger; the checks page lists them all


@bp.route("/")
@role_required(*READERS)
def index():
    """Every source with received, allocated, spent and unallocated balances."""
    sources = db.session.scalars(select(FundSource).order_by(FundSource.fiscal_year.desc(), FundSource.code)).all()
    totals = {key: sum(getattr(s, key) for s in sources) for key in ("received_fen", "allocated_fen", "spent_fen")}
    return render_template("funds/index.html", sources=sources, totals=totals, channels=CHANNELS, levels=LEVELS,
                           can_write=current_user.role in MONEY_WRITERS)


@bp.route("/sources/<int:source_id>")
@role_required(*READERS)
def source(source_id: int):
    """A source's ledger: balances, money received, allocations per project, months, every entry."""
    fund = db.get_or_404(FundSource, source_id)
    filters = PaymentFilter.from_args(request.args, source_id=fund.id)
    months = queries.months(fund.id)
    page = Page.from_request(request.args, _payment_count(filters, months), current_app.config["PAGE_SIZE"])
    breaches, breaches_total = check_run_head(date.today(), Scope(source_id=fund.id), BREACHES_LISTED)
    return render_template(
        "funds/source.html", fund=fund, appropriations=queries.appropriations(fund.id),
        allocations=queries.allocations(fund.id), allocation_count=queries.allocation_count(fund.id),
        months=months, entries=queries.allocation_entries(fund.id), filters=filters, page=page,
        payments=db.session.execute(payment_rows_query(filters).offset(page.offset).limit(page.size)).all(),
        channels=CHANNELS, levels=LEVELS, cost_categories=COST_CATEGORIES,
        can_write=current_user.role in MONEY_WRITERS, can_reopen=current_user.role in REOPENERS,
        appropriation_form=AppropriationForm(formdata=None, received_on=date.today()),
        close_form=CloseMonthForm(formdata=None, period=format_month(_previous_month(date.today()))),
        reopen_form=ReopenMonthForm(formdata=None),
        breaches=breaches, breaches_total=breaches_total, breaches_more_url=url_for("funds.checks", source=fund.id))


def _payment_count(filters: PaymentFilter, months: list[queries.MonthLine]) -> int:
    """How many payments the ledger lists: without a search the months already count them (no second
    pass over a county account's 100,000 payments); a search counts what it finds."""
    if filters.text:
        return count_payments(filters)
    return sum(month.entries for month in months
               if (not filters.first or month.period >= filters.first)
               and (not filters.last or month.period <= filters.last))


def _previous_month(today: date) -> int:
    return month_of(today) - 1 if today.month > 1 else (today.year - 1) * 100 + 12


def _source_form_save(form: SourceForm, fund: FundSource | None):
    values = form.description()
    if fund is None:
        saved = save(lambda: services.create_source(code=required(form.code.data), actor=current_user, **values),
                     form)
        return saved.value if saved.ok else None
    return fund if save(lambda: services.update_source(fund, actor=current_user, **values), form).ok else None


@bp.route("/sources/new", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def create_source():
    """Register a fund source."""
    form = SourceForm(fiscal_year=date.today().year)
    if form.validate_on_submit() and (fund := _source_form_save(form, None)):
        flash(_("Fund source %(code)s registered.", code=fund.code), "success")
        return redirect(url_for("funds.source", source_id=fund.id))
    return render_template("funds/source_form.html", form=form, fund=None)


@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
@role_required(*MONEY_WRITERS)
def edit_source(source_id: int):
    """Edit a source's name, channel, level, year, department and document."""
    fund = db.get_or_404(FundSource, source_id)
    form = SourceForm(obj=fund)
    if form.validate_on_submit() and _source_form_save(form, fund):
        flash(_("Fund source %(code)s saved.", code=fund.code), "success")
        return redirect(url_for("funds.source", source_id=fund.id))
    return render_template("funds/source_form.html", form=form, fund=fund)

