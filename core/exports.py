"""Sending a table as a spreadsheet download: .xlsx (every sheet) or .csv (the first), formula-safe.

    return spreadsheet_download([sheet, ...], fmt, "payments")   # payments-20261203.xlsx

The writers are core.sheets': every text cell neutralised (a payee typed as =HYPERLINK(...) stays
text), amounts as exact numbers, dates as dates, CSV in UTF-8 with a BOM. The view records the export
in the audit trail (an export is not a change of data: reports.cache ignores it).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from io import BytesIO
from typing import Any

from flask import abort, send_file

from core.sheets.tables import OutputSheet, write_csv, write_xlsx

FORMATS = ("xlsx", "csv")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def check_format(fmt: str) -> str:
    """`fmt` when it is one of FORMATS; 404 otherwise (the format is part of the address)."""
    if fmt not in FORMATS:
        abort(404)
    return fmt


def spreadsheet_bytes(sheets: Sequence[OutputSheet], fmt: str) -> bytes:
    """The sheets written as `fmt`: an .xlsx holds them all, a CSV file the first."""
    stream = BytesIO()
    if fmt == "csv":
        write_csv(stream, sheets[0].headers, sheets[0].rows)
    else:
        write_xlsx(stream, sheets)
    return stream.getvalue()


def spreadsheet_download(sheets: Sequence[OutputSheet], fmt: str, stem: str, day: date):
    """A download response named `stem-YYYYMMDD.fmt`."""
    body = BytesIO(spreadsheet_bytes(sheets, check_format(fmt)))
    return send_file(body, mimetype=MIMETYPES[fmt], as_attachment=True, download_name=f"{stem}-{day:%Y%m%d}.{fmt}")


class CountedRows:
    """An iterable of rows that counts what it has given (a sheet's rows are often a generator; the
    audit event says how many were exported)."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def counted(sheet: OutputSheet) -> CountedRows:
    """Make `sheet` count its rows as they are written; returns the counter."""
    rows = CountedRows(sheet.rows)
    sheet.rows = rows
    return rows
