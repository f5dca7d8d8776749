"""Hostile spreadsheets are refused with a code naming the limit, read in a child process under a
memory ceiling and a timeout, so that a regression fails a test instead of exhausting the machine.

Speed is measured by bench/spreadsheets.py, never asserted here: the timeout is a safety bound,
generous on purpose. Limits too large to reach in a test are lowered with monkeypatch and checked
in this process.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest

from core.sheets import limits as sheet_limits
from core.sheets.limits import SpreadsheetError
from core.sheets.messages import SPREADSHEET_MESSAGES, spreadsheet_message
from core.sheets.tables import read_table, sniff_delimiter
from tests import hostile_files as hostile
from tests.spreadsheet_builders import csv_bytes, worksheet_xml, xlsx_from_parts

CEILING_MB = 512  # address space of the child reading a hostile file (the interpreter takes ~60)
TIMEOUT = 60


def refused(tmp_path: Path, data: bytes, name: str = "hostile.xlsx") -> dict:
    """The outcome of reading `data` in a capped child process; it must have been refused."""
    outcome = hostile.read_in_child(hostile.write(tmp_path / name, data), CEILING_MB, TIMEOUT)
    assert "code" in outcome, outcome
    return outcome


def test_a_cell_in_column_xfd_on_every_row_is_refused_at_once(tmp_path):
    """The review's 100 KB file (a cell in XFD on each of 20,000 rows; 210 s and 5.9 GB before) is
    refused at its first such cell, naming the column."""
    outcome = refused(tmp_path, hostile.wide())
    assert outcome["code"] == "too_many_columns" and outcome["facts"] == {"column": "XFD"}


def test_the_first_column_beyond_the_limit_is_named(tmp_path):
    """Column IW, one beyond IV, is refused and named."""
    assert refused(tmp_path, hostile.wide(rows=10, column="IW"))["facts"] == {"column": "IW"}


def test_empty_styled_cells_far_right_are_ignored():
    """A bordered but empty cell in column XFD is not a value: the sheet reads as its real columns."""
    [sheet] = read_table(hostile.blank_cells_far_right(rows=50))
    assert sheet.headers == ["编码"] and len(sheet.rows) == 50 and sheet.rows[0] == (2, [2])


@pytest.mark.parametrize("build, code", [
    (hostile.shared_strings_bomb, "xlsx_compression"),  # a million strings in 43 KB: ratio ~400
    (hostile.many_shared_strings, "too_many_shared_strings"),  # declared, refused before reading them
    (lambda: hostile.many_shared_strings(declared=10), "too_many_shared_strings"),  # lied about: counted
], ids=["bomb", "declared", "counted"])
def test_shared_string_bombs_are_refused(tmp_path, build, code):
    """A million shared strings (25-30 s per request before) is refused, whatever it declares."""
    assert refused(tmp_path, build())["code"] == code


@pytest.mark.parametrize("build, code", [
    (lambda: hostile.zip_bomb(300), "xlsx_too_large"),  # declares 300 MB: refused before decompressing
    (lambda: hostile.zip_bomb(100), "xlsx_compression"),  # 100 MB from 100 KB
    (hostile.lying_size, "damaged_xlsx"),  # declares 4 MB, holds 50 MB: never read past the declaration
    (hostile.many_parts, "too_many_parts"),
], ids=["expands", "ratio", "lying-size", "parts"])
def test_zip_bombs_are_refused_before_they_expand(tmp_path, build, code):
    """A part that expands hugely, or lies about its size, and a zip of thousands of parts."""
    assert refused(tmp_path, build())["code"] == code


@pytest.mark.parametrize("build, code", [
    (hostile.deep_xml, "xml_too_deep"),
    (hostile.entity_expansion, "xml_declarations"),
    (lambda: hostile.entity_expansion("workbook"), "xml_declarations"),
    (hostile.far_row, "sheet_too_long"),
    (hostile.many_empty_rows, "sheet_too_long"),
    (hostile.long_cell, "cell_too_long"),
], ids=["deep", "laughs-in-sheet", "laughs-in-workbook", "far-row", "empty-rows", "long-cell"])
def test_hostile_xml_is_refused(tmp_path, build, code):
    """Nesting 100,000 deep, the billion laughs, rows beyond the limit (empty ones too), a huge cell."""
    assert refused(tmp_path, build())["code"] == code


def test_a_csv_with_a_200000_character_first_line_is_refused(tmp_path):
    """A first line longer than csv's field limit was a 500 (raised outside the try); it is a refusal."""
    assert refused(tmp_path, hostile.long_first_line_csv(), "long.csv")["code"] == "line_too_long"
    with pytest.raises(SpreadsheetError) as caught:
        sniff_delimiter("x" * 200_000 + "\n")
    assert caught.value.code == "line_too_long"


def test_too_many_rows_are_refused_in_csv_and_xlsx(tmp_path):
    """200,001 data rows under a header: refused as the 200,001st arrives, from either kind of file."""
    assert refused(tmp_path, hostile.statement_csv(200_001, 4), "rows.csv")["code"] == "too_many_rows"
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 200_003))
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
    data = xlsx_from_parts([("S", worksheet_xml(header + rows))])
    assert refused(tmp_path, data)["code"] == "too_many_rows"


def test_large_legal_files_are_read_within_the_ceiling(tmp_path):
    """A 50,000-line statement as Excel writes it, and a 200,000-line CSV statement, are read whole
    by a child whose address space is capped."""
    xlsx = hostile.read_in_child(hostile.write(tmp_path / "big.xlsx", hostile.dense_xlsx(50_000, 10)), 1024, 120)
    assert xlsx["rows"] == 50_000 and xlsx["columns"] == 10
    text = hostile.read_in_child(hostile.write(tmp_path / "big.csv", hostile.statement_csv(200_000, 6)), 1024, 120)
    assert text["rows"] == 200_000 and text["columns"] == 6


# --- limits lowered in this process ------------------------------------------------------------

def refusal(data: bytes, name: str = "x.xlsx") -> SpreadsheetError:
    """The SpreadsheetError that reading `data` raises."""
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, name)
    return caught.value


def _rows_xlsx(rows: int, columns: int = 1) -> bytes:
    cells = "".join(f'<row r="{n}">' + "".join(f'<c r="{chr(65 + c)}{n}"><v>{n}</v></c>' for c in range(columns))
                    + "</row>" for n in range(1, rows + 1))
    return xlsx_from_parts([("S", worksheet_xml(cells))])


@pytest.mark.parametrize("limit, value, data, code", [
    ("MAX_FILE_BYTES", 100, b"a,b\n" + b"1,2\n" * 50, "file_too_large"),
    ("MAX_CELLS", 20, csv_bytes([["a", "b", "c"]] + [["1", "2", "3"]] * 7), "too_many_cells"),
    ("MAX_COLUMNS", 3, csv_bytes([["a", "b", "c", "", "e"]]), "too_many_columns"),
    ("MAX_SHEET_ROWS", 5, b"a\n\n\n\n\n\n1\n", "sheet_too_long"),
    ("MAX_CELL_CHARS", 10, b"a,b\n12345678901,2\n", "cell_too_long"),
    ("MAX_LINE_CHARS", 10, b"a,b\n1,2\n123456,7890123\n", "line_too_long"),
], ids=["file", "cells", "csv-columns", "csv-lines", "csv-cell", "csv-line"])
def test_each_csv_limit_refuses_with_its_code(monkeypatch, limit, value, data, code):
    """Every limit applies to CSV too, with the same codes."""
    monkeypatch.setattr(sheet_limits, limit, value)
    assert refusal(data, "x.csv").code == code


def test_a_line_exactly_at_the_limit_is_read(monkeypatch):
    """The limit is on the characters of a line, its line break not counted."""
    monkeypatch.setattr(sheet_limits, "MAX_LINE_CHARS", 5)
    assert read_table(b"ab,cd\r\n12,34\r\n", "x.csv")[0].rows == [(2, ["12", "34"])]


@pytest.mark.parametrize("limit, value, data, code", [
    ("MAX_CELLS", 20, _rows_xlsx(10, 3), "too_many_cells"),
    ("MAX_XML_ELEMENTS", 50, _rows_xlsx(30), "too_many_elements"),
    ("MAX_XML_BYTES", 2_000, _rows_xlsx(60), "xlsx_too_large"),
    ("MAX_TEXT_CHARS", 30, xlsx_from_parts([("S", worksheet_xml("".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(1, 20))))],
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>道路工程</t></si></sst>'),
     "too_much_text"),
    ("MAX_SHARED_CHARS", 10, xlsx_from_parts([("S", worksheet_xml(""))],
                                             '<sst xmlns="x"><si><t>123456</t></si><si><t>789012</t></si></sst>'),
     "shared_text_too_long"),
], ids=["cells", "elements", "expanded-bytes", "text-at-each-use", "shared-characters"])
def test_each_xlsx_limit_refuses_with_its_code(monkeypatch, limit, value, data, code):
    """Limits counted while reading: cells as kept, XML elements, bytes really decompressed,
    characters of text (a shared string counted at each use) and of the shared strings."""
    monkeypatch.setattr(sheet_limits, limit, value)
    assert refusal(data).code == code


def test_unreadable_compression_and_encryption_are_refused():
    """bzip2 and lzma decompress a whole block per read, so they are refused like damage."""
    stream = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_rows_xlsx(2))) as source, zipfile.ZipFile(stream, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_BZIP2)
    assert refusal(stream.getvalue()).code == "damaged_xlsx"


def test_a_zip64_directory_claiming_too_many_parts_is_refused_before_zipfile_reads_it():
    """zipfile takes its directory's size from a zip64 end record when a locator precedes the end
    record: that claim is checked too, before zipfile turns the directory into objects."""
    data = _rows_xlsx(2)
    end = data.rfind(b"PK\x05\x06")
    record = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, 10**7, 10**7, 10**9, 0)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, end, 1)
    assert refusal(data[:end] + record + locator + data[end:]).code == "too_many_parts"


def test_a_wrong_stored_dimension_is_neither_trusted_nor_refused():
    """A dimension claiming the whole sheet (A1:XFD1048576) changes nothing: the cells decide."""
    xml = worksheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>')
    xml = xml.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
    [sheet] = read_table(xlsx_from_parts([("S", xml)]))
    assert sheet.headers == ["1"] and sheet.rows == [(2, [2])]


def test_every_refusal_has_a_message_naming_its_limit(app):
    """Each code the readers raise has its own message (none falls back to 'not text'), and the
    column message names the column."""
    root = Path(__file__).resolve().parent.parent / "core" / "sheets"
    raised = set()
    for path in [*root.glob("*.py"), *root.glob("xlsx/*.py")]:
        raised |= set(re.findall(r'SpreadsheetError\("([a-z_]+)"', path.read_text("utf-8")))
    assert raised - set(SPREADSHEET_MESSAGES) == {"too_many_columns"}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        message = str(spreadsheet_message(SpreadsheetError("too_many_columns", column="XFD")))
        assert "XFD" in message and "256" in message and "IV" in message
        assert "200,000" in str(spreadsheet_message(SpreadsheetError("too_many_rows")))
