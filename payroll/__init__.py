"""Work-for-relief wages (以工代赈务工): a project's roster of workers, monthly payrolls, and the one
wages payment that pays each.

Offers: `idcard` (GB 11643 check digit, masking; pure), `personal_data` (identity and card numbers
encrypted at rest with Fernet, keyed lookup hashes, key rotation), `models` (Worker, Payroll,
PayrollLine), `services` (the roster's rules), `payrolls` (payrolls and `post_payroll`, the one
seam to the ledger), `sheets` and `importing` (county roster and payroll sheets, all or nothing),
`facts` (what the fund rules read of payrolls: wage share without managers, overdue months,
workers from registered households), `exports` (the bank's batch file, the signed ledger as .xlsx
and PDF), the pages at /payroll and `flask payroll import|roster|rotate-key`. Above finance: a
payroll is paid by a payment.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages, the `payroll` commands, the trail's words, the payroll facts for the fund rules, and the
    payroll's part in payment requests' decisions and payments' reversals."""
    from funds.rules.checks import provide_payroll_facts
    from payroll import models, views  # noqa: F401  (the tables; the routes)
    from payroll.audit_words import install as install_audit_words
    from payroll.blueprint import bp
    from payroll.cli import payroll_cli
    from payroll.facts import payroll_facts
    from payroll.payrolls import install as install_payroll_followers

    app.register_blueprint(bp, url_prefix="/payroll")
    app.cli.add_command(payroll_cli)
    install_audit_words(app)
    provide_payroll_facts(app, payroll_facts)
    install_payroll_followers(app)
