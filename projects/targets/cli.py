"""`flask assessments print PROJECT_CODE FILE.pdf`: a project's self-assessment form (自评表) as an A4
PDF, for a county that files them in batches at year end."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from core.typeset import TypesetError
from extensions import db
from projects.models import Project
from projects.targets.printing import assessment_pdf


@click.group("assessments")
def assessments_cli():
    """Performance self-assessments (绩效自评)."""


@assessments_cli.command("print")
@click.argument("project_code")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def print_command(project_code: str, path: Path):
    """Write the project's self-assessment form as an A4 PDF to PATH."""
    project = db.session.scalar(select(Project).where(Project.code == project_code.strip()))
    if project is None:
        raise click.ClickException(f"no project with code {project_code!r}")
    try:
        pdf = assessment_pdf(project)
    except TypesetError as error:
        raise click.ClickException(f"the self-assessment could not be typeset: {error}") from error
    path.write_bytes(pdf)
    click.echo(f"{path}: self-assessment of {project.code}, {len(pdf):,} bytes")
