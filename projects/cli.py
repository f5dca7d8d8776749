"""`flask projects import FILE` and `flask projects export FILE`: the spreadsheet import and export
for scheduled jobs. The import guesses the columns from the headers (as the web page does before
anyone changes them), reads values as remembered (and as `--map-value` says, remembered in turn) and
is all-or-nothing: on any problem it prints every one and exits 1.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit.services import record
from auth.cli import command_actor
from core.cli_options import commit_or_fail
from core.files import sha256_hex
from core.sheets.messages import spreadsheet_message
from core.sheets.tables import SpreadsheetError
from extensions import db
from projects.imports import Problem, apply_import, guess_import_mapping, plan_import, read_import_file
from projects.imports.mapped_values import (
    MappedValue,
    ValueMappingError,
    mapped_lookup,
    parse_value_mapping,
    remember_values,
)
from projects.models import Area, Project


@click.group("projects")
def projects_cli():
    """Import and export the planning spreadsheet."""


def describe_problem(problem: Problem, with_sheet: bool = False) -> str:
    """A problem as one line: "row 3, column 总投资（万元）: message" (the sheet first when asked)."""
    place = f"row {problem.row}" if problem.row else "file"
    if problem.column:
        place += f", column {problem.column}"
    if with_sheet and problem.sheet:
        place = f"sheet {problem.sheet}, {place}"
    return f"{place}: {problem.message}"


def _counts_line(plan) -> str:
    counts = plan.counts()
    line = "projects: {new} new, {changed} changed, {unchanged} unchanged".format(**counts["projects"])
    if plan.milestones:
        line += "; milestones: {new} new, {changed} changed, {unchanged} unchanged".format(**counts["milestones"])
    for kind in ("targets", "contracts"):
        if kind in counts:
            line += f"; {kind}: " + "{new} new, {changed} changed, {unchanged} unchanged".format(**counts[kind])
    return line


def _mapped_values(options: tuple[str, ...]) -> list[MappedValue]:
    try:
        return [parse_value_mapping(option) for option in options]
    except ValueMappingError as error:
        raise click.BadParameter(str(error), param_hint="--map-value") from error


@projects_cli.command("import")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; store nothing.")
@click.option("--user", "username", default=None, help="Account the changes are recorded under.")
@click.option("--map-value", "value_options", multiple=True, metavar="COLUMN:VALUE=CODE",
              help="Say what a value the import does not know means: COLUMN is category, status, township or "
                   "area (or the column's header), CODE a code or name the column accepts. Remembered for later "
                   "imports once this one succeeds (not with --dry-run). Repeatable.")
@with_appcontext
def import_command(path: Path, dry_run: bool, username: Optional[str], value_options: tuple[str, ...]):
    """Import projects and milestones from FILE (.xlsx or .csv, UTF-8 or GB18030)."""
    data = path.read_bytes()
    try:
        sheets = read_import_file(data, path.name)
    except SpreadsheetError as error:
        raise click.ClickException(str(spreadsheet_message(error))) from error
    mapped = _mapped_values(value_options)
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name=path.name, sha256=sha256_hex(data),
                       mapped=mapped_lookup(mapped))
    if plan.problems:
        for problem in plan.problems:
            click.echo(describe_problem(problem, with_sheet=len(plan.sheets) > 1), err=True)
        click.echo(f"{len(plan.problems)} problems; nothing was imported.", err=True)
        if plan.unknown_values():
            click.echo("Say what an unknown value means with --map-value COLUMN:VALUE=CODE.", err=True)
        raise SystemExit(1)
    if dry_run:
        click.echo(f"Dry run, nothing stored. Would import {_counts_line(plan)}.")
        return
    actor = command_actor(username)

    def import_and_remember():
        apply_import(plan, actor)
        remember_values({item.value: item.code for item in mapped}, actor)

    commit_or_fail(import_and_remember)
    click.echo(f"Imported {_counts_line(plan)}." + (f" {len(mapped)} values remembered." if mapped else ""))


@projects_cli.command("export")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(path: Path):
    """Write every project, ordered by code, to FILE (.xlsx with milestones, or .csv)."""
    from projects.imports.exporting import write_projects

    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise click.BadParameter("the file name must end in .xlsx or .csv", param_hint="FILE")
    query = (select(Project).order_by(Project.code)
             .options(selectinload(Project.area).selectinload(Area.parent)))
    projects = db.session.scalars(query).all()
    with path.open("wb") as stream:
        write_projects(projects, stream, fmt)
    commit_or_fail(lambda: record("project.export", object_type="project",
                                  after={"rows": len(projects), "format": fmt, "file": path.name}))
    click.echo(f"Exported {len(projects)} projects to {path}.")


@projects_cli.command("scope")
@click.argument("username")
@click.argument("area_code", required=False)
@click.option("--county", is_flag=True, help="Lift the scope: the account sees the whole county.")
@with_appcontext
def scope_command(username: str, area_code: Optional[str], county: bool):
    """Limit account USERNAME to the town or township AREA_CODE (its staff), or to none with --county."""
    user = command_actor(username)
    assert user is not None
    if county == bool(area_code):
        raise click.UsageError("give a town or township code, or --county")
    area = db.session.scalar(select(Area).where(Area.code == area_code)) if area_code else None
    if area_code and (area is None or area.parent_id is not None):
        raise click.ClickException(f"no town or township with code {area_code!r}")

    def change():
        before = user.area_id
        user.area_id = area.id if area else None
        record("user.scope", object_type="user", object_id=user.id, before={"area": before},
               after={"area": area_code or None})

    commit_or_fail(change)
    click.echo(f"{user.username}: {area_code or 'county'}")
