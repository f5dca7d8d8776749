"""Reading an .xlsx workbook's sheets as rows of values, within the limits of core.sheet_limits.

    for title, rows in read_workbook(data):   # rows: (row number, values up to the last one)
        ...

Replaces openpyxl for reading (openpyxl still writes): the zip and its XML are read with the
standard library (zipfile, expat), counted and bounded from the first byte, and the values are what
openpyxl's read-only, data-only reader returned. Parts: archive (the zip and the XML parser), parts
(workbook, relationships, styles, shared strings), worksheet (the cells), values (conversions).
"""
from __future__ import annotations

from collections.abc import Iterator

from core.sheets.xlsx.archive import Budget, open_archive, part_chunks
from core.sheets.xlsx.parts import read_book, read_date_styles, read_shared_strings
from core.sheets.xlsx.worksheet import CellContext, worksheet_rows

__all__ = ["read_workbook"]


def read_workbook(data: bytes) -> Iterator[tuple[str, Iterator[tuple[int, list]]]]:
    """(title, rows) of each worksheet in the workbook's order; chart sheets are skipped. Each
    sheet's rows stream: read them before asking for the next sheet. Raises SpreadsheetError."""
    archive = open_archive(data)
    with archive:
        budget = Budget.fresh()
        book = read_book(archive, budget)
        strings = read_shared_strings(archive, book.strings_part, budget)
        context = CellContext(strings, read_date_styles(archive, book.styles_part, budget), book.epoch)
        for title, part in book.sheets:
            yield title, worksheet_rows(part_chunks(archive, part, budget), context, budget)
