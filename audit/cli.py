"""`flask audit verify`: check the hash chain and report the first broken link."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from audit.services import verify_database


@click.group("audit")
def audit_cli():
    """Audit trail commands."""


@audit_cli.command("verify")
@with_appcontext
def verify_command():
    """Recompute every event's hash; exit 1 at the first broken link."""
    report = verify_database()
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events")
        return
    click.echo(f"audit chain broken at event {report.broken_id}: {report.problem} "
               f"({report.checked} events before it are intact)", err=True)
    raise SystemExit(1)
