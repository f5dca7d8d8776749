"""`flask <records> export FILE.csv`, the one way: write the rows as CSV (UTF-8 with BOM, formulas
neutralised: core.sheets), record the export in the audit trail, say how many rows went out."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import click

from audit.services import record
from core.cli_options import commit_or_fail
from core.sheets.tables import write_csv


def export_csv(path: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, action: str, noun: str,
               **detail: Any) -> int:
    """Write `rows` to `path`, record `action` with the count (and `detail`); the count."""
    counted = 0

    def counting():
        nonlocal counted
        for row in rows:
            counted += 1
            yield row

    with open(path, "wb") as stream:
        write_csv(stream, headers, counting())
    commit_or_fail(lambda: record(action, after={"rows": counted, **detail, "path": path[-100:]}))
    click.echo(f"wrote {counted} {noun} to {path}")
    return counted
