"""`flask documents add` (attach a file from a script) and `flask documents verify` (re-hash the store)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
from flask.cli import with_appcontext

from auth.cli import command_actor
from core.cli_options import commit_or_fail
from core.dates import DateProblem, parse_day
from documents import services
from documents.document_types import find_type
from documents.owners import owner_kind, registered


@click.group("documents")
def documents_cli():
    """Attach documents and check the stored files."""


def _owner(project: Optional[str], owner: Optional[str]) -> tuple[str, int]:
    """(kind, id) from --project CODE or --owner KIND:CODE (a code, or the record's number)."""
    if bool(project) == bool(owner):
        raise click.UsageError("give exactly one of --project CODE and --owner KIND:CODE")
    kind_key, code = ("project", project or "") if project else (owner or "").partition(":")[::2]
    kind = owner_kind(kind_key)
    if kind is None:
        raise click.ClickException(f"owner: documents attach to {', '.join(registered())}, not {kind_key!r}")
    found = kind.by_code(code) if kind.by_code is not None else None
    if found is None and code.isdigit() and len(code) < 19:
        found = int(code) if kind.find(int(code)) is not None else None
    if found is None:
        raise click.ClickException(f"owner: no {kind_key} {code!r}")
    return kind_key, found


@documents_cli.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", default=None, help="Code of the project the document is attached to.")
@click.option("--owner", default=None, help="KIND:CODE of another record (milestone:12, ...).")
@click.option("--type", "type_name", required=True, help="Document type: its code or its name (e.g. 验收报告).")
@click.option("--title", default="", help="Title (default: the file's name).")
@click.option("--date", "day", default=None, help="Date of the document, YYYY-MM-DD.")
@click.option("--user", "username", default=None, help="Account the document is recorded under.")
@with_appcontext
def add(file: Path, project, owner, type_name, title, day, username):
    """Attach FILE; refused (exit 1, nothing stored) when its content is not what its name says."""
    kind_key, owner_id = _owner(project, owner)
    document_type = find_type(type_name)
    if document_type is None:
        raise click.ClickException(f"type: unknown document type {type_name!r}")
    try:
        document_date = parse_day(day) if day else None
    except DateProblem as problem:
        raise click.ClickException(f"date: {problem.message}") from problem
    if file.stat().st_size > services.max_bytes():
        data = b"\0" * (services.max_bytes() + 1)  # the service words the refusal; no need to read it all
    else:
        data = file.read_bytes()
    actor = command_actor(username)
    document = commit_or_fail(lambda: services.attach(
        kind_key, owner_id, document_type=document_type.code, title=title, document_date=document_date,
        filename=file.name, data=data, actor=actor))
    click.echo(f"document {document.id}: {document.filename} ({document.media_type}, {document.size_bytes} bytes, "
               f"sha256 {document.sha256}) attached to {kind_key} {owner_id}")


@documents_cli.command("verify")
@with_appcontext
def verify():
    """Re-hash every stored file; exit 1 naming each document whose file is missing or changed."""
    problems = services.stored_file_problems()
    for document, problem in problems:
        click.echo(f"document {document.id} ({document.filename}, sha256 {document.sha256}): file {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("every stored document file is present and unchanged")
