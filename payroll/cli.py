"""`flask payroll import FILE ...` (a month's payroll sheet: new workers on the roster, the payroll,
its wages payment; all or nothing, each problem by row and column), `flask payroll roster FILE
--project CODE` (a roster sheet) and `flask payroll rotate-key` (personal data re-encrypted with the
first key)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from auth.cli import command_actor
from core.cli_options import commit_or_fail
from core.dates import DateProblem, parse_month
from core.money import format_yuan
from extensions import db
from funds.models import FundSource
from payroll import personal_data
from payroll.importing import import_payroll_file, import_roster_file
from payroll.services import ImportRefused, rotate_key
from projects.models import Milestone, Project


def _project(code: str) -> Project:
    project = db.session.scalar(select(Project).where(Project.code == code))
    if project is None:
        raise click.ClickException(f"no project {code!r}")
    return project


def _run(work):
    """commit_or_fail, with an import's every problem on its own line (stderr) before the exit."""
    try:
        return commit_or_fail(work)
    except click.ClickException as error:
        cause = error.__cause__
        if isinstance(cause, ImportRefused):
            for problem in cause.problems:
                click.echo(problem.text(), err=True)
            raise click.ClickException(f"{len(cause.problems)} problems; nothing was imported.") from cause
        raise


@click.group("payroll")
def payroll_cli():
    """Work-for-relief rosters and payrolls."""


@payroll_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--project", "project_code", required=True, help="Project code.")
@click.option("--source", "source_code", required=True, help="Work-for-relief fund source code.")
@click.option("--milestone", "sequence", required=True, type=int, help="Milestone number (sequence) paid against.")
@click.option("--month", required=True, help="Month worked, YYYY-MM.")
@click.option("--paid-on", default=None, help="Day the wages are paid (default: today).")
@click.option("--voucher", default="", help="Voucher number of the wages payment (default GZ-PROJECT-YYYYMM).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--user", "username", default=None, help="Account the import is recorded under.")
@with_appcontext
def import_command(path, project_code, source_code, sequence, month, paid_on, voucher, as_json, username):
    """Import and post a month's payroll (submitted as a payment request, with --user, where the source's
    payments need approval); any problem exits 1 naming row and column, nothing stored."""
    actor = command_actor(username)
    project = _project(project_code)
    source = db.session.scalar(select(FundSource).where(FundSource.code == source_code))
    if source is None:
        raise click.ClickException(f"no fund source {source_code!r}")
    milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == project.id,
                                                          Milestone.sequence == sequence))
    if milestone is None:
        raise click.ClickException(f"project {project_code} has no milestone {sequence}")
    try:
        period = parse_month(month)
        day = date.fromisoformat(paid_on) if paid_on else date.today()
    except (DateProblem, ValueError) as error:
        raise click.ClickException(str(getattr(error, "message", error))) from error
    data = Path(path).read_bytes()
    result = _run(lambda: import_payroll_file(project, source, milestone, period, data, Path(path).name,
                                              actor=actor, paid_on=day, voucher_no=voucher))
    payment, request = result.payment, result.request
    voucher_no = payment.voucher_no if payment is not None else ""
    if as_json:
        # "payment": the voucher of the wages payment, or null when the payroll waits for approval as
        # payment request number "payment_request" (null when paid directly).
        click.echo(json.dumps({"workers": result.payroll.line_count, "new_workers": result.new_workers,
                               "total_yuan": format_yuan(result.payroll.total_fen).replace(",", ""),
                               "status": result.payroll.status, "payment": voucher_no or None,
                               "payment_request": request.id if request is not None else None},
                              ensure_ascii=False))
    elif request is not None:
        click.echo(f"payroll {result.payroll.id}: {result.payroll.line_count} workers "
                   f"({result.new_workers} new on the roster), {format_yuan(result.payroll.total_fen)} yuan, "
                   f"waiting for approval as payment request {request.id} ({request.voucher_no})")
    else:
        click.echo(f"payroll {result.payroll.id}: {result.payroll.line_count} workers "
                   f"({result.new_workers} new on the roster), {format_yuan(result.payroll.total_fen)} yuan, "
                   f"paid by {voucher_no}")


@payroll_cli.command("roster")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--project", "project_code", required=True, help="Project code.")
@click.option("--user", "username", default=None, help="Account the import is recorded under.")
@with_appcontext
def roster_command(path, project_code, username):
    """Put a roster sheet's workers on a project's roster, all or none."""
    actor = command_actor(username)
    project = _project(project_code)
    data = Path(path).read_bytes()
    workers = _run(lambda: import_roster_file(project, data, Path(path).name, actor=actor))
    click.echo(f"{len(workers)} workers on the roster of {project.code}")


@payroll_cli.command("rotate-key")
@click.option("--keep-old", is_flag=True, help="Keep the old keys in the instance file (drop them later by hand).")
@with_appcontext
def rotate_key_command(keep_old: bool):
    """Re-encrypt every worker's numbers with a new key (see README, "Personal data").

    With the keys in the instance folder: a new key is put first, every number re-encrypted with it,
    and the old keys dropped. With LIANDONG_PERSONAL_DATA_KEY: put the new key first there yourself
    (NEW,OLD), run this, then remove OLD."""
    app = current_app._get_current_object()  # pyright: ignore[reportAttributeAccessIssue]
    in_file = personal_data.prepend_instance_key(app)
    count = commit_or_fail(rotate_key)  # a failure leaves the new key first: every number still opens
    if in_file and not keep_old:
        personal_data.drop_old_instance_keys(app)
    click.echo(f"re-encrypted {count} workers with the first key"
               + ("; the old keys were dropped" if in_file and not keep_old else ""))
