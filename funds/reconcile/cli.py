"""`flask statements import FILE --source CODE [--json]`: import and match a statement from the shell.

Reads the file once and runs funds.reconciliation.import_statement_table, the code the web page
runs, in one transaction. A file with problems prints each as row, column and message (JSON with
--json) and exits with status 1, storing nothing. New lines dated in a closed month are held apart
and counted (`held_closed_month`), as the web page does once finance confirms.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.files import sha256_hex
from core.sheets.messages import spreadsheet_message
from core.sheets.tables import SpreadsheetError
from core.transactions import ConflictError, commit_with_retry
from extensions import db
from funds.models import FundSource
from funds.reconcile.columns import mapping_from_names
from funds.reconcile.services import StatementRejected, import_statement_table
from funds.reconcile.statements import Problem, locate_table


@click.group("statements")
def statements_cli():
    """Bank and treasury statements."""


def _mapping(headers: list[str], columns: tuple[str, ...]):
    """The mapping from --map FIELD=HEADER options, on top of the recognised headers; None without any."""
    if not columns:
        return None
    pairs = dict(option.split("=", 1) for option in columns if "=" in option)
    if len(pairs) != len(columns):
        raise click.BadParameter("use FIELD=HEADER", param_hint="--map")
    try:
        return mapping_from_names(headers, pairs)
    except KeyError as error:
        raise click.BadParameter(f"unknown field or header: {error.args[0]}", param_hint="--map") from error


def _report(problems: list[Problem], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"problems": [problem.as_dict() for problem in problems]}, ensure_ascii=False))
        return
    for problem in problems:
        where = f"row {problem.row}" + (f", column {problem.column}" if problem.column else "")
        header = f" ({problem.header})" if problem.header else ""
        click.echo(f"{where}{header}: {problem.message}", err=True)


@statements_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "source_code", required=True, help="Code of the fund source the statement belongs to.")
@click.option("--map", "columns", multiple=True, metavar="FIELD=HEADER",
              help="Say which header holds a field (date, debit, credit, amount, direction, reference, payee, "
                   "account, summary) when it is not recognised; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts (or the problems) as one JSON object.")
@with_appcontext
def import_command(file: Path, source_code: str, columns: tuple[str, ...], as_json: bool):
    """Import FILE (.xlsx or .csv) for a source and match its lines with the recorded payments."""
    source = db.session.scalar(select(FundSource).where(FundSource.code == source_code))
    if source is None:
        raise click.ClickException(f"no fund source with code {source_code!r}")
    data = file.read_bytes()
    try:
        table = locate_table(data, file.name)  # parsed once, here
    except SpreadsheetError as error:
        _report([Problem(0, "", "", spreadsheet_message(error))], as_json)
        click.get_current_context().exit(1)
    mapping = _mapping(table.headers, columns)
    try:
        result = commit_with_retry(lambda: import_statement_table(source, table, file.name, sha256_hex(data),
                                                                  mapping=mapping))
    except StatementRejected as error:
        db.session.rollback()
        _report(error.problems, as_json)
        click.get_current_context().exit(1)
    except ConflictError as error:
        raise click.ClickException(f"a concurrent change stopped the import; nothing was stored ({error})") from error
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        click.echo(f"{result.lines} lines read, {result.new} new, {result.matched} matched; "
                   f"{result.unmatched_lines} lines and {result.unmatched_payments} payments of "
                   f"{result.first_period}-{result.last_period} still unmatched"
                   + (f"; {result.held_closed_month} new lines of closed months held apart (reopen a month to "
                      "reconcile them)" if result.held_closed_month else ""))
