"""`flask assets export FILE.csv`: the asset register as CSV, the export page's columns (codes for the
class and owner type, so a script reads them whatever the language), formula-safe."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from assets.register import CSV_HEADERS, RegisterFilters, export_rows
from audit.services import record
from core.cli_options import commit_or_fail
from core.sheets.tables import write_csv


@click.group("assets")
def assets_cli():
    """Assets of accepted projects."""


@assets_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(path: str):
    """Write every asset to PATH as CSV (UTF-8 with BOM; formulas neutralised)."""
    rows = list(export_rows(RegisterFilters(), "zh_CN", labels=False))
    with open(path, "wb") as stream:
        write_csv(stream, CSV_HEADERS, rows)
    commit_or_fail(lambda: record("asset.export", after={"rows": len(rows), "format": "csv", "path": path[-100:]}))
    click.echo(f"wrote {len(rows)} assets to {path}")
