"""Spreadsheets built to hurt a reader, and a child process that reads one under a memory ceiling.

Used by tests/test_hostile_files.py (each file refused with the right code, within the ceiling) and
by bench/spreadsheets.py (the seconds and memory each costs, and the worst files that are accepted).
Every file is built here, on the fly: no binaries are kept in the repository.
"""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Optional

from core.sheets import limits
from core.sheets.references import column_letter
from tests.spreadsheet_builders import MAIN, shared_strings_xml, styles_xml, xlsx_from_parts

ROOT = Path(__file__).resolve().parent.parent
WORKSHEET_OPEN = f'<worksheet xmlns="{MAIN}"><sheetData>'
WORKSHEET_CLOSE = "</sheetData></worksheet>"
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>编码</t></is></c></row>'

# The child: cap its own address space, read one file with core.spreadsheets, and print the outcome,
# the CPU seconds and the peak resident memory as JSON. The peak is VmHWM, the high-water mark of the
# child's own memory since exec (ru_maxrss would include the forked parent's).
CHILD = """
import json, resource, sys, time
limit = int(sys.argv[3]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.path.insert(0, sys.argv[1])
from core.sheets.tables import SpreadsheetError, read_table
data = open(sys.argv[2], "rb").read()
started = time.process_time()
try:
    sheets = read_table(data, sys.argv[2])
    outcome = {"rows": sum(len(sheet.rows) for sheet in sheets), "columns": max(len(s.headers) for s in sheets)}
except SpreadsheetError as error:
    outcome = {"code": error.code, "facts": error.facts}
outcome["seconds"] = round(time.process_time() - started, 2)
status = open("/proc/self/status").read().split("VmHWM:")[1]
outcome["peak_mb"] = int(status.split()[0]) // 1024
print(json.dumps(outcome))
"""


def read_in_child(path: Path, memory_mb: int = 1024, timeout: float = 120) -> dict:
    """Read the file in a child process whose address space is capped at `memory_mb` and which is
    killed after `timeout` seconds: a regression then fails one test instead of eating the machine.
    Returns the child's outcome: the code it was refused with, or its rows; CPU seconds; peak RSS."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path), str(memory_mb)],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"the reader died (exit {done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def _zip(parts: dict[str, bytes | str]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return stream.getvalue()


def _sheet(rows: Iterable[str]) -> str:
    return WORKSHEET_OPEN + "".join(rows) + WORKSHEET_CLOSE


def wide(rows: int = 20_000, column: str = "XFD") -> bytes:
    """The security review's file: a header, then one cell in column XFD on each of 20,000 rows."""
    cells = (f'<row r="{n}"><c r="{column}{n}"><v>1</v></c></row>' for n in range(2, rows + 2))
    return xlsx_from_parts([("wide", _sheet([HEADER_ROW, *cells]))])


def blank_cells_far_right(rows: int = 1_000) -> bytes:
    """Styled but empty cells in column XFD beside real data: nothing there to read, nothing refused."""
    cells = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="XFD{n}" s="1"/></row>' for n in range(2, rows + 2))
    return xlsx_from_parts([("blank", _sheet([HEADER_ROW, *cells]))], styles=styles_xml([0, 0]))


def shared_strings_bomb(count: int = 1_000_000) -> bytes:
    """A million one-letter shared strings: 43 KB of zip, 17 MB of XML."""
    strings = f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * count + "</sst>"
    return xlsx_from_parts([("bomb", _sheet([HEADER_ROW]))], shared_strings=strings)


def many_shared_strings(count: int = 1_000_001, declared: Optional[int] = None) -> bytes:
    """More different shared strings than allowed, scrambled enough that the compression ratio is
    ordinary; `declared` is the uniqueCount the file claims (the true count when None)."""
    return xlsx_from_parts([("strings", _sheet([HEADER_ROW]))],
                           shared_strings=shared_strings_xml(_scrambled(count), unique_count=declared or count))


@lru_cache(maxsize=2)
def _scrambled(count: int) -> tuple[str, ...]:
    return tuple(f"<t>{number * 2_654_435_761 % 4_294_967_296:08x}</t>" for number in range(count))


def _expanding_sheet(padding_mb: int) -> Iterator[bytes]:
    yield (WORKSHEET_OPEN + HEADER_ROW).encode()
    for _ in range(padding_mb):
        yield b" " * (1024 * 1024)  # whitespace between rows: well-formed, and it compresses 1000 times
    yield WORKSHEET_CLOSE.encode()


def zip_bomb(padding_mb: int = 300) -> bytes:
    """A worksheet that expands to `padding_mb` MB of spaces from a few hundred KB, written as it
    is compressed so that the test never holds the expanded part."""
    base = xlsx_from_parts([("bomb", _sheet([HEADER_ROW]))])
    stream = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w") as part:
            for chunk in _expanding_sheet(padding_mb):
                part.write(chunk)
    return stream.getvalue()


def lying_size(padding_mb: int = 50, declared_bytes: int = 4_000_000) -> bytes:
    """A worksheet that expands to `padding_mb` MB while the zip declares `declared_bytes`, so that
    its compression ratio looks ordinary: the declaration must not be trusted."""
    data = bytearray(zip_bomb(padding_mb))
    name = b"xl/worksheets/sheet1.xml"
    entry = _central_entry(data, name)
    struct.pack_into("<I", data, entry + 24, declared_bytes)
    return bytes(data)


def _central_entry(data: bytearray, name: bytes) -> int:
    start = 0
    while (start := data.find(b"PK\x01\x02", start + 1)) >= 0:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + name_length] == name:
            return start
    raise ValueError("no such entry")


def deep_xml(depth: int = 100_000) -> bytes:
    """Elements nested 100,000 deep inside the sheet data."""
    return xlsx_from_parts([("deep", _sheet([HEADER_ROW, "<x>" * depth, "</x>" * depth]))])


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
                  + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
                  + "]>")


def entity_expansion(part: str = "worksheet") -> bytes:
    """The billion laughs: nested entities that expand to gigabytes, in the worksheet or the workbook."""
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>'
    if part == "worksheet":
        return xlsx_from_parts([("laughs", BILLION_LAUGHS + _sheet([cell]))])
    base = xlsx_from_parts([("laughs", _sheet([HEADER_ROW]))])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    parts["xl/workbook.xml"] = BILLION_LAUGHS.encode() + parts["xl/workbook.xml"]
    return _zip(parts)


def many_parts(count: int = 6_000) -> bytes:
    """A workbook whose zip holds thousands of tiny extra parts."""
    base = xlsx_from_parts([("parts", _sheet([HEADER_ROW]))])
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    parts.update({f"xl/media/extra{n}.bin": b"x" for n in range(count)})
    return _zip(parts)


def far_row() -> bytes:
    """A single row numbered beyond the limit (the sheet is that long, counting empty rows)."""
    number = limits.MAX_SHEET_ROWS + 1
    return xlsx_from_parts([("far", _sheet([HEADER_ROW, f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>']))])


def many_empty_rows(count: Optional[int] = None) -> bytes:
    """One empty row element more than the limit of rows counting empty ones."""
    count = count or limits.MAX_SHEET_ROWS
    return xlsx_from_parts([("empty", _sheet([HEADER_ROW, *(f'<row r="{n}"/>' for n in range(2, count + 2))]))])


def long_cell() -> bytes:
    """An inline string longer than Excel allows in a cell."""
    cell = f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"长" * 40_000}</t></is></c></row>'
    return xlsx_from_parts([("long", _sheet([HEADER_ROW, cell]))])


def dense_xlsx(rows: int, columns: int, distinct: bool = False) -> bytes:
    """A statement as Excel writes one: shared strings for the texts, styled dates, numbers; with
    `distinct`, every cell a different number (the most memory a cell can cost)."""
    letters = [column_letter(index) for index in range(columns)]
    strings = [f"<t>永州某某路桥建设有限公司{n}</t>" for n in range(500)] + [f"<t>列{n}</t>" for n in range(columns)]
    header = ('<row r="1">' + "".join(f'<c r="{letters[i]}1" t="s"><v>{500 + i}</v></c>' for i in range(columns))
              + "</row>")
    body = (_dense_row(number, letters, distinct) for number in range(2, rows + 2))
    return _stream_xlsx(header, body, shared_strings_xml(strings))


def _dense_row(number: int, letters: list, distinct: bool) -> str:
    cells = []
    for index, letter in enumerate(letters):
        if distinct:
            cells.append(f'<c r="{letter}{number}"><v>{number * 1000 + index}.{index + 1}</v></c>')
        elif index % 4 == 0:
            cells.append(f'<c r="{letter}{number}" s="1"><v>{43831 + number % 2000}</v></c>')
        elif index % 4 == 1:
            cells.append(f'<c r="{letter}{number}"><v>{(number * 7919 + index) % 1000000 / 100}</v></c>')
        elif index % 4 == 2:
            cells.append(f'<c r="{letter}{number}" t="s"><v>{number % 500}</v></c>')
        else:
            cells.append(f'<c r="{letter}{number}"><v>{number}</v></c>')
    return f'<row r="{number}">' + "".join(cells) + "</row>"


def _stream_xlsx(header: str, body: Iterable[str], strings: str) -> bytes:
    base = xlsx_from_parts([("流水", _sheet([header]))], shared_strings=strings, styles=styles_xml([0, 14]))
    stream = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write((WORKSHEET_OPEN + header).encode())
            batch = []
            for row in body:
                batch.append(row)
                if len(batch) == 1000:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + WORKSHEET_CLOSE).encode())
    return stream.getvalue()


def statement_csv(rows: int, columns: int = 8) -> bytes:
    """A bank statement as CSV in GB18030: date, amounts, payee, reference and more."""
    lines = [",".join(f"列{n}" for n in range(columns))]
    for number in range(rows):
        cells = ["2026-03-01", f"{number % 100000 / 100:.2f}", f"永州某某路桥建设有限公司{number % 500}",
                 f"REF{number:08d}"]
        lines.append(",".join((cells * (columns // len(cells) + 1))[:columns]))
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def long_first_line_csv(characters: int = 200_000) -> bytes:
    """A CSV whose first line has 200,000 characters and no delimiter."""
    return ("x" * characters + "\n1\n").encode()


def write(path: Path, data: bytes) -> Path:
    """Write `data` to `path` and return the path."""
    path.write_bytes(data)
    return path
