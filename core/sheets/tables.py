"""Reading and writing spreadsheets (.xlsx and .csv) as plain tables, safely.

Generic on purpose: the planning import, the project export, bank statements and the payments
ledger all use it. No Flask and no database here.

Reading decides the kind of file by its content, never by its name: an .xlsx is a zip archive
(`PK\\x03\\x04`, read by core.xlsx); anything else must be text (read by core.csv_reader): UTF-8
(with or without BOM), UTF-16 with a BOM ("Unicode text" from Excel), else GB18030 (the superset of
the GBK that Chinese Excel uses). Every read stays within the limits of core.sheet_limits, which
also says what time and memory that guarantees; a file beyond one is refused with a
SpreadsheetError naming it.

Writing neutralises every text cell that a spreadsheet could run as a formula (CSV/formula
injection): text starting with = + - @, tab or CR gets a leading apostrophe. Numbers, Decimals and
dates stay real numeric and date cells.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import repeat
from typing import Any, BinaryIO, Optional

from core.collector import cycle_collector_paused
from core.sheets import limits
from core.sheets.csv_text import bounded_lines, csv_rows, delimiter_of, first_filled_line
from core.sheets.limits import SpreadsheetError
from core.sheets.references import column_letter

__all__ = [
    "OutputSheet",
    "Sheet",
    "SpreadsheetError",
    "column_letter",
    "neutralise",
    "read_table",
    "require_table",
    "restore_neutralised",
    "sniff_delimiter",
    "write_csv",
    "write_xlsx",
]

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """One table: its title, the header row's texts and each later non-empty row.

    `rows` holds (row number as the spreadsheet shows it, cell values padded to the header's width).
    """

    title: str
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_row: int = 1

    def with_header_at(self, row_number: int) -> Sheet:
        """The same sheet read with a later row as its header (for sheets with a title row on top)."""
        for position, (number, values) in enumerate(self.rows):
            if number == row_number:
                rows = self.rows[position + 1:]
                return _build_sheet(self.title, row_number, values, rows)
        raise ValueError(f"row {row_number} is not a data row of {self.title!r}")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with `'`; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore_neutralised(value: Any) -> Any:
    """Undo `neutralise`, so that an exported file re-imports with exactly the original text."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


# --- reading ------------------------------------------------------------------------------------

def read_table(data: bytes, filename: str = "") -> list[Sheet]:
    """Every non-empty sheet of an .xlsx, or the one table of a CSV, as `Sheet`s.

    `filename` only names the CSV's sheet; the kind of file is decided by its content.
    Raises SpreadsheetError when the file cannot be read or passes a limit of core.sheet_limits.
    """
    if not data or data.isspace():
        raise SpreadsheetError("empty")
    if len(data) > limits.MAX_FILE_BYTES:
        raise SpreadsheetError("file_too_large")
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError("old_xls")
    with cycle_collector_paused():  # a table of millions of cells, none in a cycle: see core.collector
        if data.startswith(XLSX_MAGIC):
            return _read_xlsx(data)
        sheet = _split_header(_csv_title(filename), csv_rows(data))
    if sheet is None:
        raise SpreadsheetError("empty")
    return [sheet]


def require_table(sheets: list[Sheet]) -> list[Sheet]:
    """The sheets, when at least one is a table: two columns or more, and a row below the header.

    What read_table accepts is any text; a note saved as .txt ("hello") reads as a one-column sheet
    with no rows, which no import can use. SpreadsheetError("not_a_table") when no sheet has two
    columns, SpreadsheetError("no_rows") when those that do hold nothing below their header."""
    tables = [sheet for sheet in sheets if len(sheet.headers) >= 2]
    if not tables:
        raise SpreadsheetError("not_a_table")
    if not any(sheet.rows for sheet in tables):
        raise SpreadsheetError("no_rows")
    return sheets


def _csv_title(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else (name or "CSV")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: Any) -> str:
    if _is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _build_sheet(title: str, header_number: int, header_values: Sequence, rows: list[tuple[int, list]]) -> Sheet:
    """A Sheet whose width covers the header and every data cell, rows padded to that width."""
    width = _last_filled(header_values)
    for _, values in rows:
        if len(values) > width:  # a row no longer than the width so far cannot widen it: no need to look
            width = _last_filled(values, width)
    headers = [_header_text(value) for value in list(header_values)[:width]]
    headers += [""] * (width - len(headers))
    padded = [(number, values[:width] if len(values) >= width else values + [None] * (width - len(values)))
              for number, values in rows]  # a new list per row either way, as before
    return Sheet(title=title, headers=headers, rows=padded, header_row=header_number)


def _last_filled(values: Sequence, at_least: int = 0) -> int:
    """One past the last non-empty cell, or `at_least` when that is further (cells before it unread)."""
    for position in range(len(values) - 1, at_least - 1, -1):
        if not _is_empty(values[position]):
            return position + 1
    return at_least


def _split_header(title: str, numbered_rows: Iterable[tuple[int, list]]) -> Optional[Sheet]:
    """The first non-empty row is the header; later non-empty rows are data. None for an empty sheet.

    Counts as it goes, so that a runaway file stops early: data rows, columns, and the cells of the
    table as it will be kept (rows × the widest row so far); trailing empty cells are dropped here."""
    header: Optional[tuple[int, list]] = None
    rows: list[tuple[int, list]] = []
    widest = 0
    max_rows, max_columns, max_cells = limits.MAX_ROWS, limits.MAX_COLUMNS, limits.MAX_CELLS
    for number, values in numbered_rows:
        filled = _last_filled(values)
        if not filled:
            continue
        if filled < len(values):
            values = values[:filled]
        if filled > widest:
            if filled > max_columns:
                raise SpreadsheetError("too_many_columns", column=column_letter(filled - 1))
            widest = filled
        if header is None:
            header = (number, values)
            continue
        rows.append((number, values))
        if len(rows) > max_rows:  # stop reading: one upload must not tie up a server process
            raise SpreadsheetError("too_many_rows")
        if len(rows) * widest > max_cells:
            raise SpreadsheetError("too_many_cells")
    if header is None:
        return None
    return _padded_in_place(title, header, rows, widest)


def _padded_in_place(title: str, header: tuple[int, list], rows: list[tuple[int, list]], width: int) -> Sheet:
    """A Sheet of rows just read (lists nobody else holds), each padded to `width` where it stands:
    copying them, as _build_sheet must for a sheet's own rows, would hold the table twice at the end."""
    for _number, values in rows:
        if len(values) < width:
            values.extend(repeat(None, width - len(values)))
    headers = [_header_text(value) for value in header[1]] + [""] * (width - len(header[1]))
    return Sheet(title=title, headers=headers, rows=rows, header_row=header[0])


def _read_xlsx(data: bytes) -> list[Sheet]:
    from core.sheets.xlsx import read_workbook

    sheets = []
    try:
        for title, rows in read_workbook(data):
            sheet = _split_header(title, rows)
            if sheet is not None:
                sheets.append(sheet)
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged part can fail in many ways (a bad number, a missing string)
        raise SpreadsheetError("damaged_xlsx", str(error)[:200]) from error
    if not sheets:
        raise SpreadsheetError("empty")
    return sheets


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that splits the first non-blank line into the most cells (ties:
    comma); SpreadsheetError("line_too_long") when the lines before it are longer than the limit."""
    return delimiter_of(first_filled_line(bounded_lines(io.StringIO(text, newline=""))))


# --- writing ------------------------------------------------------------------------------------

@dataclass
class OutputSheet:
    """A table to write: title, header texts, rows of values, optional notes shown on the headers."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    header_notes: Sequence[str] = ()
    column_widths: Sequence[int] = ()


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(neutralise(value))


def write_csv(stream: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a CSV in UTF-8 with a BOM (so Chinese Excel opens it), every text cell neutralised."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([_csv_text(value) for value in headers])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    stream.write(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))


def _number_format(value: Any) -> Optional[str]:
    if isinstance(value, datetime):
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent  # a letter for NaN and the infinities
        places = -exponent if isinstance(exponent, int) else 0
        return "#,##0." + "0" * places if places > 0 else "#,##0"
    return None


def _xlsx_cell(worksheet, value: Any):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=neutralise(value))
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise take any text starting with "=" for a formula
    number_format = _number_format(value)
    if number_format:
        cell.number_format = number_format
    return cell


def _header_cells(worksheet, sheet: OutputSheet) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    cells = []
    for position, header in enumerate(sheet.headers):
        cell = WriteOnlyCell(worksheet, value=neutralise(header))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        note = sheet.header_notes[position] if position < len(sheet.header_notes) else ""
        if note:
            cell.comment = Comment(note, "Liandong", width=260, height=110)
        cells.append(cell)
    return cells


def write_xlsx(stream: BinaryIO, sheets: Iterable[OutputSheet]) -> None:
    """Write the sheets as one .xlsx: bold frozen header row, text neutralised, real numbers and dates."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.freeze_panes = "A2"
        for position, header in enumerate(sheet.headers):
            width = sheet.column_widths[position] if position < len(sheet.column_widths) else 0
            worksheet.column_dimensions[column_letter(position)].width = width or max(10, 2 * len(header) + 2)
        worksheet.append(_header_cells(worksheet, sheet))
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    workbook.save(stream)
