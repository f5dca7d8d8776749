"""`flask backup PATH` and `flask restore PATH`.

After a restore, each callable in `app.extensions["after_restore"]` is called with the backup's path:
features that keep state outside the database (the audit trail's anchor log) learn that the
database went back in time, without this module knowing them.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.backup import BackupError, backup, restore
from extensions import db


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    """Write a consistent backup of the database to PATH while the app keeps running."""
    try:
        backup(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {path} ({path.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the database's contents with the backup in PATH (stop the app first)."""
    if not yes:
        click.confirm(f"Replace everything in the database with {path}?", abort=True)
    try:
        restore(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"database restored from {path}")
    for hook in current_app.extensions.get("after_restore", ()):
        hook(path)
