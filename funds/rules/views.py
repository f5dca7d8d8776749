"""Fund rules and their checks at /funds/: the checks page, the rule list, new and edit.

Everyone who reads the ledger reads the rules and their breaches; RULE_EDITORS change rules.
Each view parses its form or filters, calls one service, commits or rolls back, then renders or
redirects. Registered on `funds.views.bp` by the import at the end of funds/views.py.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from audit.services import record
from core import confirm
from core.access import READERS, RULE_EDITORS, role_required
from core.exports import check_format, spreadsheet_download
from core.i18n import _l
from core.paging import Page
from core.params import query_int
from core.saving import save
from core.sheets.tables import OutputSheet
from core.transactions import commit_with_retry
from extensions import db
from funds.blueprint import bp
from funds.models import CHANNELS, RULE_KIND_DESCRIPTIONS, RULE_KINDS, FundRule, FundSource
from funds.rules import standing
from funds.rules.evaluate import BREACH_KINDS, Breach
from funds.rules.forms import rule_form
from funds.rules.services import create_rule, rule_rows, set_rule_active, update_rule, version_token
from projects.models import CATEGORIES


def _source_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(FundSource.id, FundSource.code, FundSource.name)
                              .order_by(FundSource.fiscal_year.desc(), FundSource.code))
    return [(str(row.id), f"{row.code} {row.name}") for row in rows]


# The thresholds are a table of fields: a refusal about them is shown above the form.
ABOVE_THE_FORM = {"thresholds": ""}
EXPORT_LIMIT = 1_000_000  # every breach a county can have, several times over


@bp.route("/checks")
@role_required(*READERS)
def checks():
    """Every fund-rule breach, grouped by kind, filtered by kind and source, a page at a time."""
    kind = request.args.get("kind", "")
    source_id = query_int("source")
    chosen = kind if kind in BREACH_KINDS else None
    today = date.today()
    run = standing.checks_summary(today, source_id, chosen)  # counts and problems; the page itself next
    page = Page.from_request(request.args, run.total, current_app.config["PAGE_SIZE"])
    return render_template("funds/checks.html", run=run, page=page, kinds=BREACH_KINDS, kind=kind,
                           source_id=source_id, sources=_source_choices(), more_checks=more_checks(today),
                           shown=standing.checks_list(today, source_id, chosen, page.offset, page.size))


def more_checks(today: date) -> list[tuple[str, dict]]:
    """The checks features above finance add to this page (disclosure: `notice_due`), as (template,
    context); each registers itself in app.extensions["more_checks"] as (template, context(today))."""
    return [(template, context(today)) for template, context in current_app.extensions.get("more_checks", [])]


def _shown_breaches(kind: str, source_id: int | None) -> list[Breach]:
    """Today's breaches in the source's scope (every source without one), of `kind` (every kind when it
    is not one), a kind's rows together in the order of the kinds: what the checks page lists."""
    chosen = kind if kind in BREACH_KINDS else None
    return standing.checks_list(date.today(), source_id, chosen, 0, EXPORT_LIMIT)


CHECK_HEADERS = (_l("Kind of breach"), _l("Project code"), _l("Project name"), _l("Fund source"),
                 _l("What is wrong"), _l("Rule"))


@bp.route("/checks/export.<fmt>")
@role_required(*READERS)
def export_checks(fmt: str):
    """The breaches as filtered on the checks page (?kind, ?source), as .xlsx or .csv."""
    check_format(fmt)
    kind, source_id = request.args.get("kind", ""), query_int("source")
    shown = _shown_breaches(kind, source_id)
    rows = [[str(b.kind_label), b.project_code, b.project_name, b.source_code, str(b.message), b.rule_id]
            for b in shown]
    sheet = OutputSheet(str(_l("Fund-rule checks")), [str(header) for header in CHECK_HEADERS], rows,
                        column_widths=(20, 16, 30, 14, 80, 6))
    response = spreadsheet_download([sheet], fmt, "checks", date.today())
    user, query = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("checks.export", user=user,
                                     after={"rows": len(rows), "format": fmt, "filters": query}))
    return response


@bp.route("/rules")
@role_required(*READERS)
def rules():
    """Every fund rule, what it binds and its parameters in words; editors may change them."""
    return render_template("funds/rules.html", rows=rule_rows(), kinds=RULE_KINDS, channels=CHANNELS,
                           categories=CATEGORIES, form=FlaskForm(),
                           can_edit=current_user.role in RULE_EDITORS)


@bp.route("/rules/new", methods=["GET", "POST"])
@role_required(*RULE_EDITORS)
def rule_new():
    """Add a rule: first choose its kind, then fill in what it binds and its parameters."""
    kind = request.args.get("kind", "")
    if kind not in RULE_KINDS:
        return render_template("funds/rule_kinds.html", kinds=RULE_KINDS, descriptions=RULE_KIND_DESCRIPTIONS)
    form = rule_form(kind, None, _source_choices())
    if form.validate_on_submit() and (saved := save(
            lambda: create_rule(kind, form.rule_input(kind), actor=current_user), form, fields=ABOVE_THE_FORM)).ok:
        rule = saved.value
        flash(_("Rule %(id)d added: %(kind)s.", id=rule.id, kind=RULE_KINDS[kind]), "success")
        return redirect(url_for("funds.rules") + f"#rule-{rule.id}")
    return render_template("funds/rule_form.html", form=form, kind=kind, rule=None, kinds=RULE_KINDS)


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@role_required(*RULE_EDITORS)
def rule_edit(rule_id: int):
    """Change what a rule binds, its parameters, note, or whether it is active."""
    rule = db.get_or_404(FundRule, rule_id)
    form = rule_form(rule.kind, rule, _source_choices())
    if form.validate_on_submit() and (saved := save(lambda: update_rule(
            rule, form.rule_input(rule.kind), actor=current_user, expected_version=form.version.data or None),
            form, fields=ABOVE_THE_FORM)).ok:
        flash(_("Rule %(id)d saved.", id=rule.id) if saved.value else _("Nothing to change."), "success")
        return redirect(url_for("funds.rules") + f"#rule-{rule.id}")
    if not form.is_submitted():
        form.version.data = version_token(rule)
    return render_template("funds/rule_form.html", form=form, kind=rule.kind, rule=rule, kinds=RULE_KINDS)


@bp.route("/rules/<int:rule_id>/active", methods=["POST"])
@role_required(*RULE_EDITORS)
def rule_toggle(rule_id: int):
    """Activate or deactivate a rule from the list (rules are never deleted)."""
    rule = db.get_or_404(FundRule, rule_id)
    active = request.form.get("active") == "1"
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("funds.rules") + f"#rule-{rule.id}")
    if not active and rule.active and (question := confirm.ask(
            _("Switch off rule %(id)d (%(kind)s)?", id=rule.id, kind=RULE_KINDS.get(rule.kind, rule.kind)),
            _("Deactivate"), back=url_for("funds.rules") + f"#rule-{rule.id}",
            detail=_("Its breaches are no longer checked or shown until it is switched on again."))):
        return question
    if save(lambda: set_rule_active(rule, active, actor=current_user), on_form=False).ok:
        flash(_("Rule %(id)d is now active.", id=rule.id) if rule.active
              else _("Rule %(id)d is now inactive.", id=rule.id), "success")
    return redirect(url_for("funds.rules") + f"#rule-{rule.id}")
