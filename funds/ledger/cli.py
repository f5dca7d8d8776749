"""`flask payments export FILE`: the payments ledger as CSV for auditors and scheduled jobs."""
from __future__ import annotations

from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import aliased

from audit.exports import export_csv
from extensions import db
from funds.models import FundSource, Payment
from projects.models import Milestone, Project

CENT = Decimal("0.01")
EXPORT_HEADERS = ("voucher", "date", "amount_yuan", "payee", "source_code", "project_code", "milestone",
                  "category", "reversal_of")


def payment_rows():
    """Every payment and reversal, oldest first, as the export's columns (amounts exact, in yuan)."""
    original = aliased(Payment)
    query = (select(Payment.voucher_no, Payment.paid_on, Payment.amount_fen, Payment.payee, FundSource.code,
                    Project.code, Milestone.name, Payment.cost_category, original.voucher_no)
             .join(FundSource, Payment.source_id == FundSource.id)
             .join(Project, Payment.project_id == Project.id)
             .join(Milestone, Payment.milestone_id == Milestone.id)
             .outerjoin(original, Payment.reversal_of_id == original.id)
             .order_by(Payment.paid_on, Payment.id).execution_options(yield_per=5000))
    for row in db.session.execute(query):
        voucher, paid_on, amount_fen, payee, source, project, milestone, category, reversal_of = row
        yield (voucher, paid_on.isoformat(), (Decimal(amount_fen) / 100).quantize(CENT), payee, source, project,
               milestone,
               category, reversal_of or "")


@click.group("payments")
def payments_cli():
    """The payments ledger."""


@payments_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(path: str):
    """Write every payment to PATH as CSV (UTF-8 with BOM; formulas neutralised)."""
    export_csv(path, EXPORT_HEADERS, payment_rows(), action="payment.export", noun="payments")
