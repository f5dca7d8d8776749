"""Data tables beside the charts: typed columns, formatted for a page or written as CSV at the edge."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

from flask_babel import gettext

from core.money import format_basis_points, format_wan, format_yuan
from core.sheets.tables import neutralise

# Column kinds: text, int, fen (money), bp (basis points shown as %), date, flag (bool), ratio (Ratio).


@dataclass(frozen=True)
class Column:
    """A column's heading and the kind of value it holds."""

    label: Any
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    """Rows of raw values (fen, basis points, dates) under typed columns."""

    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]


def cell_text(value: Any, kind: str, yes: str = "✓") -> str:
    """A value as shown on a page: money in 万元, shares in %, dates in ISO form, '—' for nothing."""
    if value is None:
        return "—"
    if kind == "fen":
        return format_wan(value)
    if kind == "bp":
        return format_basis_points(value, 1)
    if kind == "date":
        return value.isoformat()
    if kind == "flag":
        return yes if value else ""
    return str(value)


def _csv_value(value: Any, kind: str) -> str:
    """A value as written to CSV: money in yuan with two decimals (exact), shares in %, dates ISO."""
    if value is None:
        return ""
    if kind == "fen":
        return format_yuan(value, grouped=False)
    if kind == "bp":
        return str(Decimal(int(value)).scaleb(-2))  # basis points as a percentage, exactly: 6249 -> 62.49
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "flag":
        return "1" if value else "0"
    return str(neutralise(str(value)))  # names typed by users: never a formula in a spreadsheet


def to_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark (so spreadsheet programs read Chinese right).

    Money columns are in yuan and shares in percent; their headings say so in the reader's language
    ("到位资金（元）", "Received (yuan)").
    """
    stream = StringIO()
    writer = csv.writer(stream)
    writer.writerow([heading(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(value, column.kind) for value, column in zip(row, table.columns)])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def heading(column: Column) -> str:
    """A CSV column's heading, with the unit of its numbers for money and shares."""
    unit = {"fen": gettext("yuan"), "bp": "%"}.get(column.kind)
    return gettext("%(label)s (%(unit)s)", label=str(column.label), unit=unit) if unit else str(column.label)
