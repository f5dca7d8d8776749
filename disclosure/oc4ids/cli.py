"""`flask oc4ids export FILE.json [--project CODE] [--all]` and `flask oc4ids validate FILE.json`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click

from audit.services import record
from core.cli_options import commit_or_fail
from disclosure.oc4ids import as_json, build
from disclosure.oc4ids.checks import additional_findings, schema_errors

# A package larger than this is refused before it is read: parsed, JSON takes several times its size
# in memory. A county's package (thousands of projects, their payments) is well below it.
MAX_PACKAGE_BYTES = 100 * 1024 * 1024


@click.group("oc4ids")
def oc4ids_cli():
    """Open data in OC4IDS (the infrastructure projects standard of CoST)."""


@oc4ids_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--project", "code", default=None, help="only the project with this code")
@click.option("--all", "all_projects", is_flag=True,
              help="every project, disclosed or not (for internal use: not for publication)")
def export_command(path: Path, code: Optional[str], all_projects: bool):
    """Write an OC4IDS project package to PATH: the disclosed projects, or --all."""
    package = build(all_projects=all_projects, code=code)
    if not package.get("projects"):
        which = f"project {code}" if code else "project"
        raise click.ClickException(f"no {which} to export" + ("" if all_projects else
                                                             " (only disclosed projects without --all)"))
    path.write_bytes(as_json(package))
    commit_or_fail(lambda: record("oc4ids.export", after={"rows": len(package["projects"]), "path": str(path)[-100:],
                                                          "project": code, "disclosed_only": not all_projects}))
    click.echo(f"{path}: {len(package['projects'])} projects")


@oc4ids_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_command(path: Path):
    """Check an OC4IDS package against the 0.9.5 schema and the Data Review Tool's additional checks;
    exit 1 naming each problem."""
    size = path.stat().st_size
    if size > MAX_PACKAGE_BYTES:
        raise click.ClickException(f"{path} has {size} bytes: more than the {MAX_PACKAGE_BYTES} a package may have")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        errors = schema_errors(package)
        findings = additional_findings(package) if isinstance(package, dict) else []
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path} is not JSON in UTF-8: {error}") from error
    except RecursionError as error:  # nesting deeper than any package has: refused, not a crash
        raise click.ClickException(f"{path} is nested too deeply to be an OC4IDS package") from error
    for error in errors:
        click.echo(f"schema {error}")
    for finding in findings:
        for where in finding["paths"]:
            click.echo(f"{finding['check_id']} {where}: {finding['message']}")
    if errors or findings:
        raise click.ClickException(f"{len(errors)} schema errors, {len(findings)} failed additional checks")
    click.echo(f"{path}: valid OC4IDS, {len(package.get('projects', []))} projects, no additional-check findings")
