"""`flask audit verify` and `flask audit anchor`: check the chain against the key and the anchors;
write the chain's head outside the database."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from audit.anchors import AnchorLine, anchor_now, log_path, record_restore
from audit.services import verify_database


@click.group("audit")
def audit_cli():
    """Audit trail commands."""


@audit_cli.command("verify")
@with_appcontext
def verify_command():
    """Check every event's link and keyed hash and every anchor of the log; exit 1 at the first problem."""
    report = verify_database()
    for note in report.notes:
        click.echo(f"note: {note}")
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events; {report.anchors_checked} anchors checked")
        return
    where = f" at event {report.broken_id}" if report.broken_id is not None else ""
    click.echo(f"audit verification FAILED{where}: {report.problem} ({report.checked} events checked)", err=True)
    raise SystemExit(1)


def echo_anchor(line: AnchorLine) -> None:
    """Print an anchor for the operator: the short line for the paper register, then the full hash."""
    click.echo(line.paper_line())
    click.echo(f"full hash: {line.head_hash}  (written to {log_path()}, line {line.number})")


@audit_cli.command("anchor")
@click.option("--reason", default="manual", show_default=True, help="Why this anchor (shown in the log).")
@click.option("--restored", "restored_from", metavar="BACKUP",
              help="Record instead that the database was just restored from BACKUP by other means than "
                   "`flask restore` (pg_restore by hand).")
@with_appcontext
def anchor_command(reason: str, restored_from: str | None):
    """Write the chain's head (event count, newest event, its hash) to the anchor log and print it
    for a paper register."""
    echo_anchor(record_restore(restored_from) if restored_from else anchor_now(reason))


def note_restore(backup: object) -> None:
    """After `flask restore`: write a restore line to the anchor log, so that verification knows the
    anchors written since the backup describe a history the restore removed."""
    try:
        line = record_restore(str(backup))
    except Exception as error:  # the database is restored already: say how to finish by hand
        raise click.ClickException(
            f"the database was restored, but the restore could not be written to the audit anchor log "
            f"({error}); once that is fixed, run `flask audit anchor --restored {backup}`") from error
    click.echo("restore recorded in the audit anchor log:")
    echo_anchor(line)
