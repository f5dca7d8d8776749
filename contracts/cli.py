"""`flask contractors add` (register a contractor from a script; exit 1 with the reason when refused)
and `flask contracts export FILE.csv` (every contract with its money, for auditors and scheduled jobs)."""
from __future__ import annotations

from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from audit.exports import export_csv
from auth.cli import command_actor
from contracts.models import Contract, Contractor
from contracts.services import ContractorInput, register_contractor
from core.cli_options import commit_or_fail
from extensions import db
from projects.models import Project

CENT = Decimal("0.01")
EXPORT_HEADERS = ("contract_no", "project_code", "contractor", "uscc", "method", "value_yuan", "paid_yuan",
                  "retained_yuan", "outstanding_yuan")


@click.group("contractors")
def contractors_cli():
    """The contractor register."""


@contractors_cli.command("add")
@click.option("--name", required=True, help="Registered name.")
@click.option("--uscc", required=True, help="Unified social credit code (18 characters).")
@click.option("--legal-rep", "legal_representative", default="", help="Legal representative.")
@click.option("--contact", "contact_person", default="", help="Contact person.")
@click.option("--phone", "contact_phone", default="", help="Contact phone.")
@click.option("--bank", "bank_name", default="", help="Bank holding the account.")
@click.option("--account", "bank_account", default="", help="Bank account number.")
@click.option("--user", "username", default=None, help="Account the registration is recorded under.")
@with_appcontext
def add(username, **fields):
    """Register a contractor; a wrong credit code or a duplicate exits 1 naming the field."""
    actor = command_actor(username)
    contractor = commit_or_fail(lambda: register_contractor(ContractorInput(**fields), actor=actor))
    click.echo(f"contractor {contractor.id}: {contractor.name} ({contractor.uscc})")


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def contract_rows():
    """Every contract by number, as the export's columns (amounts exact, in yuan)."""
    query = (select(Contract, Project.code, Contractor.name, Contractor.uscc)
             .join(Project, Project.id == Contract.project_id).join(Contractor, Contractor.id == Contract.contractor_id)
             .order_by(Contract.contract_no))
    for contract, project_code, name, code in db.session.execute(query):
        yield (contract.contract_no, project_code, name, code or "", contract.method, _yuan(contract.value_fen),
               _yuan(contract.paid_fen), _yuan(contract.retained_fen), _yuan(contract.outstanding_fen))


@click.group("contracts")
def contracts_cli():
    """Contracts."""


@contracts_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(path: str):
    """Write every contract to PATH as CSV (UTF-8 with BOM; formulas neutralised)."""
    export_csv(path, EXPORT_HEADERS, contract_rows(), action="contract.export", noun="contracts")
