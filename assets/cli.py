"""`flask assets export FILE.csv`: the asset register as CSV, the export page's columns (codes for the
class and owner type, so a script reads them whatever the language), formula-safe."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from assets.register import CSV_HEADERS, RegisterFilters, export_rows
from audit.exports import export_csv


@click.group("assets")
def assets_cli():
    """Assets of accepted projects."""


@assets_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_command(path: str):
    """Write every asset to PATH as CSV (UTF-8 with BOM; formulas neutralised)."""
    export_csv(path, CSV_HEADERS, export_rows(RegisterFilters(), "zh_CN", labels=False), action="asset.export",
               noun="assets", format="csv")
