"""Reading and writing spreadsheets (.xlsx and .csv) as plain tables, safely.

Generic on purpose: the planning import, the project export, bank statements and the payments
ledger all use it. No Flask and no database here.

Reading decides the kind of file by its content, never by its name: an .xlsx is a zip archive
(`PK\\x03\\x04`); anything else must be text, decoded as UTF-8 (with or without BOM), UTF-16 with a
BOM ("Unicode text" from Excel), else GB18030 (the superset of the GBK that Chinese Excel uses).

Writing neutralises every text cell that a spreadsheet could run as a formula (CSV/formula
injection): text starting with = + - @, tab or CR gets a leading apostrophe. Numbers, Decimals and
dates stay real numeric and date cells.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO, Iterable, Optional, Sequence

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = (",", ";", "\t")


MAX_ROWS = 200_000  # rows per sheet: a county's decade of statement lines fits; a runaway file does not


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; `code` says why (empty, old_xls, damaged_xlsx, not_text)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass
class Sheet:
    """One table: its title, the header row's texts and each later non-empty row.

    `rows` holds (row number as the spreadsheet shows it, cell values padded to the header's width).
    """

    title: str
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_row: int = 1

    def with_header_at(self, row_number: int) -> "Sheet":
        """The same sheet read with a later row as its header (for sheets with a title row on top)."""
        for position, (number, values) in enumerate(self.rows):
            if number == row_number:
                rows = self.rows[position + 1:]
                return _build_sheet(self.title, row_number, values, rows)
        raise ValueError(f"row {row_number} is not a data row of {self.title!r}")


def column_letter(index: int) -> str:
    """The spreadsheet's name of the 0-based column `index`: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


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
    Raises SpreadsheetError when the file cannot be read.
    """
    if not data or not data.strip():
        raise SpreadsheetError("empty")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError("old_xls")
    return _read_csv(data, _csv_title(filename))


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
    """The first non-empty row is the header; later non-empty rows are data. None for an empty sheet."""
    header: Optional[tuple[int, list]] = None
    rows: list[tuple[int, list]] = []
    for number, values in numbered_rows:
        for value in values:  # a loop, not all(...): no generator per row on long files
            if not _is_empty(value):
                break
        else:
            continue
        if header is None:
            header = (number, values)
        else:
            rows.append((number, values))
            if len(rows) > MAX_ROWS:  # stop reading: one upload must not tie up a server process
                raise SpreadsheetError("too_many_rows")
    if header is None:
        return None
    return _build_sheet(title, header[0], header[1], rows)


def _xlsx_value(value: Any) -> Any:
    """Dates without a time of day become dates; everything else as openpyxl read it."""
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _read_xlsx(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
        raise SpreadsheetError("damaged_xlsx", str(error)[:200]) from error
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "reset_dimensions"):
                continue  # a chart sheet has no cells
            # The stored dimensions are often wrong (some writers say A1:A1): read what is there.
            worksheet.reset_dimensions()
            numbered = ((number, [_xlsx_value(value) for value in values]) for number, values in
                        enumerate(worksheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1))
            sheet = _split_header(worksheet.title, numbered)
            if sheet is not None:
                sheets.append(sheet)
    except SpreadsheetError:
        raise
    except Exception as error:
        raise SpreadsheetError("damaged_xlsx", str(error)[:200]) from error
    finally:
        workbook.close()
    if not sheets:
        raise SpreadsheetError("empty")
    return sheets


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SpreadsheetError("not_text") from error
    if b"\x00" in data:
        raise SpreadsheetError("not_text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("not_text")  # pragma: no cover - GB18030 decodes almost any byte string


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that splits the first line into the most cells (ties: comma)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: len(next(csv.reader([first], delimiter=delimiter), [])) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _read_csv(data: bytes, title: str) -> list[Sheet]:
    text = decode_text(data)
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text[:4096]):
        raise SpreadsheetError("not_text")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    numbered = ((number, [cell if cell.strip() else None for cell in cells])  # csv gives text: empty -> None
                for number, cells in enumerate(reader, start=1))
    try:
        sheet = _split_header(title, numbered)
    except csv.Error as error:
        raise SpreadsheetError("not_text", str(error)) from error
    if sheet is None:
        raise SpreadsheetError("empty")
    return [sheet]


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
        places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 0
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
