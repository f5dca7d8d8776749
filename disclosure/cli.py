"""`flask notices print PROJECT_CODE FILE.pdf`: the project's notice as printed for its board, for a
county that prints in batches or from a script. Outside a request the QR code needs the public
address: PUBLIC_BASE_URL (LIANDONG_PUBLIC_BASE_URL)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click
from flask import current_app
from sqlalchemy import select

from core.typeset import TypesetError
from disclosure.models import NOTICE_KINDS, Notice
from disclosure.printing import notice_pdf
from extensions import db
from projects.models import Project


@click.group("notices")
def notices_cli():
    """Public notices (公示)."""


@notices_cli.command("print")
@click.argument("project_code")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(sorted(NOTICE_KINDS)), default=None,
              help="which notice (default: the project's newest)")
def print_command(project_code: str, path: Path, kind: Optional[str]):
    """Write the project's newest notice (of --kind) as an A4 PDF to PATH."""
    if not current_app.config.get("PUBLIC_BASE_URL"):
        raise click.ClickException("set LIANDONG_PUBLIC_BASE_URL (the public address the QR code points to)")
    project_id = db.session.scalar(select(Project.id).where(Project.code == project_code.strip()))
    if project_id is None:
        raise click.ClickException(f"no project with code {project_code!r}")
    query = select(Notice).where(Notice.project_id == project_id)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    notice = db.session.scalars(query.order_by(Notice.start_date.desc(), Notice.id.desc()).limit(1)).first()
    if notice is None:
        raise click.ClickException(f"project {project_code} has no notice" + (f" of kind {kind}" if kind else ""))
    try:
        pdf = notice_pdf(notice)
    except TypesetError as error:
        raise click.ClickException(f"the notice could not be typeset: {error}") from error
    path.write_bytes(pdf)
    click.echo(f"{path}: {NOTICE_KINDS[notice.kind]} {notice.start_date}–{notice.end_date}, {len(pdf):,} bytes")
