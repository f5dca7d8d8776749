"""A worksheet's rows, read as its XML streams: sparse, counted, and never wider than the limit.

Each cell is placed by its reference (B7 -> the second column), or after the previous cell when it
has none, so a lone cell in column XFD costs one cell, not 16,384: a value beyond MAX_COLUMNS is
refused, naming its column. Rows count as they arrive, empty ones included, and a row numbered
beyond MAX_SHEET_ROWS is refused; a row numbered at or before one already read is skipped, as
openpyxl skipped it. Only values are kept: a row is the list of its values up to its last one,
and a row without any is not handed on at all. Values are converted by core.xlsx.values; a date at
midnight becomes a date and blank text nothing, as the readers' callers expect.

The handlers are closures over plain variables, not methods: they run five times per cell, and
this is the reader's whole cost.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from itertools import repeat

from core.sheets import limits
from core.sheets.limits import SpreadsheetError
from core.sheets.references import column_letter, reference_column
from core.sheets.text_pool import TextPool
from core.sheets.xlsx.archive import Budget, stream_part
from core.sheets.xlsx.parts import DateStyles
from core.sheets.xlsx.values import from_iso8601, from_serial, number

DIGITS = "0123456789"
MIDNIGHT = time(0, 0)
NUMBER, DATE, DURATION = "number", "date", "duration"  # how a cell style shows a number
MOMENTS_KEPT = 65_536  # distinct date cells converted once each (about 180 years of days)


@dataclass(frozen=True)
class CellContext:
    """What turning a cell's text into a value needs from the rest of the workbook."""

    strings: list
    styles: DateStyles
    epoch: datetime


def worksheet_rows(chunks: Iterator[bytes], context: CellContext,
                   budget: Budget) -> Iterator[tuple[int, list]]:
    """(row number, values up to the last one) of each row of the worksheet that has a value."""
    ready: list[tuple[int, list]] = []
    for _ in stream_part(chunks, budget, "worksheet",
                         lambda namespace, _attributes: _cell_handlers(namespace, context, budget, ready)):
        yield from ready
        ready.clear()


def _day_if_midnight(value):
    """A datetime at midnight is a date (a spreadsheet cannot tell them apart); anything else as it is."""
    if value.__class__ is datetime and value.time() == MIDNIGHT:
        return value.date()
    return value


def _other_value(kind: str, content: str):
    """The value of a cell that is neither a number nor a shared string."""
    if kind == "b":
        return bool(int(content))
    if kind == "d":
        return _day_if_midnight(from_iso8601(content))
    return content  # inlineStr, str (a formula's text), e (an error such as #N/A), and unknown kinds


def _parse_row_number(label: str) -> int:
    try:
        return int(label)
    except ValueError:
        value = float(label)  # openpyxl accepts "5.0"; anything else is a damaged file
        if not value.is_integer():
            raise
        return int(value)


def _cell_handlers(namespace: str, context: CellContext, budget: Budget, ready: list):
    """expat's start, end and text handlers for the worksheet's elements, and a function that
    returns (and resets) the number of elements seen since it was last called."""
    CELL, VALUE, TEXT, INLINE, PHONETIC, ROW = (namespace + local for local in ("c", "v", "t", "is", "rPh", "row"))
    strings, epoch = context.strings, context.epoch
    max_depth, max_columns = limits.MAX_XML_DEPTH, limits.MAX_COLUMNS
    max_rows, max_chars = limits.MAX_SHEET_ROWS, limits.MAX_CELL_CHARS
    columns = {column_letter(index): index for index in range(max_columns)}
    style_kinds: dict = {}  # the style attribute's text -> NUMBER, DATE or DURATION
    share = TextPool()
    dates: dict = {}  # a date cell's text -> its value
    durations: dict = {}
    depth = elements = 1  # the worksheet element is open
    rows_seen = last_number = row_number = position = text_chars = 0
    next_number = 1
    values = None  # the open row's values; None outside a row, or in a row skipped
    reference = style = content = None
    kind = "n"  # the open cell's type (its t attribute; a number when it has none)
    collecting = inline = phonetic = False

    def start(name: str, attributes: dict) -> None:
        nonlocal depth, elements, reference, kind, style, content, collecting, inline, phonetic
        nonlocal rows_seen, row_number, last_number, next_number, values, position
        depth += 1
        elements += 1
        if depth > max_depth:
            raise SpreadsheetError("xml_too_deep")
        if name == CELL:
            reference, kind, style = attributes.get("r"), attributes.get("t", "n"), attributes.get("s")
            content = None
        elif name == VALUE:
            collecting = kind != "inlineStr"  # openpyxl reads an inline string's is, never its v
        elif name == TEXT:
            collecting = inline and not phonetic
        elif name == ROW:
            rows_seen += 1
            label = attributes.get("r")
            row_number = last_number + 1 if label is None else _parse_row_number(label)
            last_number = row_number
            if rows_seen > max_rows or row_number > max_rows:
                raise SpreadsheetError("sheet_too_long")
            position = 0
            if row_number < next_number:  # openpyxl skipped a row numbered at or before one read
                values = None
            else:
                values, next_number = [], row_number + 1
        elif name == INLINE:
            inline = kind == "inlineStr"
        elif name == PHONETIC:
            phonetic = True

    def end(name: str) -> None:
        nonlocal depth, collecting, inline, phonetic, position, text_chars
        depth -= 1
        if name == CELL:  # inline, not a call: this runs for every cell
            if reference is None:
                column = position
            else:
                column = columns.get(reference.rstrip(DIGITS))
                if column is None:
                    column = reference_column(reference)  # lower case, $, or beyond the limit
            position = column + 1
            if values is None or not content:
                return
            if kind == "n":
                shown_as = style_kinds.get(style) or style_kind(style)
                if shown_as is NUMBER:
                    value = float(content) if "." in content or "E" in content or "e" in content else int(content)
                else:
                    value = moment(content, shown_as is DURATION)
            elif kind == "s":
                value = strings[int(content)]
            else:  # an inline string, a formula's text, an error: a new object per cell unless pooled
                value = _other_value(kind, content)
                if type(value) is str:
                    value = share(value)
            if type(value) is str:
                if not value or value.isspace():  # blank text is an empty cell
                    return
                text_chars += len(value)
            if column >= max_columns:
                raise SpreadsheetError("too_many_columns", column=column_letter(column))
            size = len(values)
            if column == size:
                values.append(value)
            elif column > size:
                values.extend(repeat(None, column - size))
                values.append(value)
            else:
                values[column] = value
        elif name in (VALUE, TEXT):
            collecting = False
        elif name == ROW:
            end_row()
        elif name == INLINE:
            inline = False
        elif name == PHONETIC:
            phonetic = False

    def style_kind(label):
        index = 0 if label is None else int(label)
        if index not in context.styles.dates:  # a duration format that is no date format ([S]) is a number
            shown_as = NUMBER
        else:
            shown_as = DURATION if index in context.styles.durations else DATE
        style_kinds[label] = shown_as
        return shown_as

    def moment(text: str, duration: bool):
        """A date-formatted number's value; the same serial recurs line after line, so each is
        converted once (and shares one object), up to MOMENTS_KEPT of them."""
        cache = durations if duration else dates
        value = cache.get(text)
        if value is None:
            value = _day_if_midnight(from_serial(number(text), epoch, duration))
            if len(cache) < MOMENTS_KEPT:
                cache[text] = value
        return value

    def end_row() -> None:
        nonlocal values, text_chars
        if values:
            ready.append((row_number, values))
        values = None
        if text_chars:
            budget.spend_text(text_chars)
            text_chars = 0

    def text(data: str) -> None:
        nonlocal content
        if collecting:
            content = data if content is None else content + data
            if len(content) > max_chars:
                raise SpreadsheetError("cell_too_long")

    def take_elements() -> int:
        nonlocal elements
        count, elements = elements, 0
        return count

    return start, end, text, take_elements
