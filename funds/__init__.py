"""Finance: fund sources, appropriations, allocations, payments, statements, month close, fund rules.

Offers: `models` (the money model), `ledger/` (sources, receipts, allocations, payments, reversals,
month close; the source's lock every money operation takes first), `planned/` (the library
entry's planned funding by source, beside the allocations), `reconcile/` (bank and treasury
statements, matching, reconciliation), `rules/` (fund rules as data, their pure evaluation and the
checks), the readers of finance's choice columns for spreadsheet imports (`ledger.choices`), the pages
at /funds and `flask payments|statements|checks`, `requests/` (payment requests and their approval, maker–checker).
To planning it provides the ledger as `app.extensions["project_money"]` (projects.money says what that is).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The /funds pages, the finance commands, the ledger as the planning pages read it, finance's
    words for the audit trail, and the finance choice columns whose values a county may map by hand
    (import_values)."""
    import funds.rules.models  # noqa: F401  (its table belongs to the schema)
    from funds.audit_words import install as install_audit_words
    from funds.blueprint import bp
    from funds.ledger import entry_views, list_views, views  # noqa: F401  (their routes)
    from funds.ledger.choices import register_value_kinds
    from funds.ledger.cli import payments_cli
    from funds.ledger.project_money import LedgerForProjects
    from funds.planned import views as planned_views
    from funds.reconcile import views as reconcile_views  # noqa: F401  (its routes)
    from funds.reconcile.cli import statements_cli
    from funds.requests import views as request_views  # noqa: F401  (its routes)
    from funds.requests.wiring import install as install_requests
    from funds.rules import views as rule_views  # noqa: F401  (its routes)
    from funds.rules.cli import checks_command
    from funds.schedule import parse_curve

    parse_curve(app.config.get("SPENDING_CURVE"))  # a malformed curve stops the start, not a report
    app.register_blueprint(bp, url_prefix="/funds")
    for command in (payments_cli, statements_cli, checks_command):
        app.cli.add_command(command)
    app.extensions["project_money"] = LedgerForProjects()
    register_value_kinds(app)
    install_audit_words(app)
    planned_views.install(app)
    install_requests(app)
