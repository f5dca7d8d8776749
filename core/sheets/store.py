"""Parsed tables written to a file and read back, so that a spreadsheet is parsed once per upload.

    write_sheets(stream, sheets)     # gzip'd JSON lines
    sheets = read_sheets(stream)     # the same Sheets, value for value and type for type

JSON rather than pickle: reading a file must never run code. The first line lists the sheets (title,
headers, header row, number of rows); then comes one line per row, [number, [values]]. JSON keeps
text, int, float, bool and null as they are; dates, times, durations and Decimals are tagged objects
such as {"$date": "2026-03-01"} (a cell is never a JSON object, so a tag cannot be confused with a
value). The tables come from core.spreadsheets, within its limits, and the file is written to a
private folder by the server itself; reading checks the format and nothing more.
"""
from __future__ import annotations

import gzip
import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

from core.sheets.tables import Sheet
from core.sheets.text_pool import TextPool

FORMAT = 1
ROWS_PER_WRITE = 1_000
_TAGS = {"$date": date.fromisoformat, "$datetime": datetime.fromisoformat, "$time": time.fromisoformat,
         "$timedelta": lambda parts: timedelta(*parts), "$decimal": Decimal}


class StoreError(ValueError):
    """The file is not a table written by write_sheets (damaged, or from another version)."""


def _tagged(value: Any) -> dict:
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"a cell cannot hold {type(value).__name__}")


def _untagged(tagged: dict) -> Any:
    if len(tagged) != 1:
        raise StoreError("not a tagged value")
    [(tag, text)] = tagged.items()
    if tag not in _TAGS:
        raise StoreError(f"unknown tag {tag[:20]!r}")
    return _TAGS[tag](text)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_tagged, check_circular=False)
_DECODER = json.JSONDecoder(object_hook=_untagged)


def write_sheets(stream: BinaryIO, sheets: list[Sheet]) -> None:
    """Write the sheets to a binary stream, gzip'd (level 1: tables of text compress ten times, fast)."""
    summary = {"format": FORMAT, "sheets": [{"title": sheet.title, "headers": sheet.headers,
                                             "header_row": sheet.header_row, "rows": len(sheet.rows)}
                                            for sheet in sheets]}
    with gzip.GzipFile(fileobj=stream, mode="wb", compresslevel=1, mtime=0) as packed:
        packed.write(_line(summary))
        for sheet in sheets:
            for start in range(0, len(sheet.rows), ROWS_PER_WRITE):
                packed.write(b"".join(_line(row) for row in sheet.rows[start:start + ROWS_PER_WRITE]))


def _line(value: Any) -> bytes:
    return (_ENCODER.encode(value) + "\n").encode("utf-8", "surrogatepass")


def read_sheets(stream: BinaryIO) -> list[Sheet]:
    """The sheets written by write_sheets; StoreError when the file is not one."""
    try:
        with io.TextIOWrapper(gzip.GzipFile(fileobj=stream, mode="rb"), encoding="utf-8",
                              errors="surrogatepass") as lines:
            summary = json.loads(next(lines, "{}"))
            if summary.get("format") != FORMAT:
                raise StoreError("not a stored table")
            return [_read_sheet(entry, lines) for entry in summary["sheets"]]
    except (OSError, EOFError, ValueError, KeyError, TypeError, StopIteration) as error:
        if isinstance(error, StoreError):
            raise
        raise StoreError(str(error)[:200]) from error


def _read_sheet(entry: dict, lines) -> Sheet:
    rows, share = [], TextPool()  # JSON makes an object per cell; repeated texts are kept once, as read
    for _ in range(entry["rows"]):
        number, values = _DECODER.decode(next(lines))
        rows.append((number, [share(value) if value.__class__ is str else value for value in values]))
    return Sheet(title=entry["title"], headers=entry["headers"], rows=rows, header_row=entry["header_row"])
