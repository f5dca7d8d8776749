"""Reading CSV text as rows within the limits of core.sheet_limits, never holding the whole text.

The encoding is decided from the bytes: UTF-16 with a BOM ("Unicode text" from Excel), else UTF-8
(with or without BOM) when the whole file decodes as UTF-8 (checked a chunk at a time), else
GB18030 (the superset of the GBK that Chinese Excel uses). The text is then decoded as it is read,
one line at a time and never more than MAX_LINE_CHARS of it, so a file that is one enormous line is
refused after reading that many characters, and the delimiter (comma, semicolon or tab) is sniffed
from the first non-blank line alone. csv's own field limit (131,072, left as it is: it is
process-wide) stops a quoted cell that runs on over many lines.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain

from core.sheets import limits
from core.sheets.limits import SpreadsheetError
from core.sheets.text_pool import TextPool

DELIMITERS = (",", ";", "\t")
DECODE_CHUNK_BYTES = 1024 * 1024
HEAD_BYTES = 16_384  # enough bytes for the first 4,096 characters in any of the encodings
HEAD_CHARS = 4_096  # characters checked for the control characters that only binary files have
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
FIELD_LIMIT_MESSAGE = "field larger than field limit"  # csv.Error's text when a cell passes csv's limit


def csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """(record number, cells) of each record, an empty cell as None; raises SpreadsheetError."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=text_encoding(data), newline="")
    try:
        yield from _records(bounded_lines(stream))
    except csv.Error as error:
        code = "cell_too_long" if FIELD_LIMIT_MESSAGE in str(error) else "not_text"
        raise SpreadsheetError(code, str(error)[:200]) from error
    except UnicodeDecodeError as error:
        raise SpreadsheetError("not_text", str(error)[:200]) from error


def _records(lines: Iterator[str]) -> Iterator[tuple[int, list]]:
    head = []  # the lines up to the first non-blank one: read to sniff the delimiter, then parsed
    for line in lines:
        head.append(line)
        if line.strip():
            break
    reader = csv.reader(chain(head, lines), delimiter=delimiter_of(head[-1] if head else ""))
    max_chars, share = limits.MAX_CELL_CHARS, TextPool()
    for number, cells in enumerate(reader, start=1):
        if cells and max(map(len, cells)) > max_chars:
            raise SpreadsheetError("cell_too_long")
        yield number, [share(cell) if cell.strip() else None for cell in cells]  # csv gives text: empty -> None


def text_encoding(data: bytes) -> str:
    """The encoding of a CSV file's bytes; SpreadsheetError("not_text") for anything binary."""
    if data.startswith(UTF16_BOMS):
        encoding = "utf-16"
    elif b"\x00" in data:
        raise SpreadsheetError("not_text")
    else:
        encoding = "utf-8-sig" if _decodes(data, "utf-8-sig") else "gb18030"
    try:
        head = codecs.getincrementaldecoder(encoding)().decode(data[:HEAD_BYTES])[:HEAD_CHARS]
    except UnicodeDecodeError as error:
        raise SpreadsheetError("not_text") from error
    if any(ord(char) < 32 and char not in "\t\r\n" for char in head):
        raise SpreadsheetError("not_text")
    return encoding


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), DECODE_CHUNK_BYTES):
            decoder.decode(data[start:start + DECODE_CHUNK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def bounded_lines(stream: io.TextIOBase) -> Iterator[str]:
    """The stream's lines, each with its line break; SpreadsheetError when a line is longer than
    MAX_LINE_CHARS (found having read no more than that) or there are more than MAX_SHEET_ROWS."""
    limit, max_lines = limits.MAX_LINE_CHARS, limits.MAX_SHEET_ROWS
    count = 0
    while line := stream.readline(limit + 2):  # + 2: room for the CR LF of a line exactly at the limit
        if len(line) > limit and len(line.rstrip("\r\n")) > limit:
            raise SpreadsheetError("line_too_long")
        count += 1
        if count > max_lines:
            raise SpreadsheetError("sheet_too_long")
        yield line


def first_filled_line(lines: Iterable[str]) -> str:
    """The first line with anything but spaces, or "" when there is none."""
    return next((line for line in lines if line.strip()), "")


def delimiter_of(line: str) -> str:
    """The delimiter among , ; and tab that splits the line into the most cells (ties: comma)."""
    counts = {delimiter: _cell_count(line, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _cell_count(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:
        return 1
