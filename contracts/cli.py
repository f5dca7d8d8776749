"""`flask contractors add`: register a contractor from a script (exit 1 with the reason when refused)."""
from __future__ import annotations

from typing import Optional

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from auth.models import User
from contracts.services import ContractorInput, register_contractor
from core.cli_options import commit_or_fail
from extensions import db


@click.group("contractors")
def contractors_cli():
    """The contractor register."""


def _actor(username: Optional[str]) -> Optional[User]:
    if not username:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    return user


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
    actor = _actor(username)
    contractor = commit_or_fail(lambda: register_contractor(ContractorInput(**fields), actor=actor))
    click.echo(f"contractor {contractor.id}: {contractor.name} ({contractor.uscc})")
