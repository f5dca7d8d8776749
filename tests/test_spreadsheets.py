"""Spreadsheets are read by content (xlsx, CSV in UTF-8/GB18030), and written with formulas neutralised."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.spreadsheets import (OutputSheet, SpreadsheetError, column_letter, neutralise, read_table,
                               restore_neutralised, sniff_delimiter, write_csv, write_xlsx)
from tests.spreadsheet_builders import xlsx_bytes


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("道路", "道路"), ("", ""), (5, 5), (Decimal("-1.50"), Decimal("-1.50")), (None, None),
])
def test_neutralise_prefixes_formula_triggers_only(value, expected):
    """Only text starting with = + - @ tab or CR gets an apostrophe; numbers stay numbers."""
    assert neutralise(value) == expected
    assert restore_neutralised(neutralise(value)) == value


def test_column_letters():
    """Column indexes name columns as a spreadsheet does."""
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_reads_xlsx_with_row_numbers_types_and_empty_rows_skipped():
    """Rows keep their spreadsheet numbers, empty rows are skipped, dates and numbers keep their type."""
    data = xlsx_bytes(("项目", [["编码", "金额", "日期"], ["A", 12.5, datetime(2026, 3, 1)], [None, None, None],
                                ["B", 3, datetime(2026, 3, 1, 8, 30)]]), ("空", []))
    [sheet] = read_table(data, "whatever.csv")
    assert sheet.title == "项目" and sheet.headers == ["编码", "金额", "日期"] and sheet.header_row == 1
    assert sheet.rows == [(2, ["A", 12.5, date(2026, 3, 1)]), (4, ["B", 3, datetime(2026, 3, 1, 8, 30)])]


def test_xlsx_with_wrong_stored_dimensions_is_read_whole():
    """A writer that stores A1:A1 as the used range does not truncate what is read."""
    data = xlsx_bytes(("S", [["a", "b"], [1, 2]]))
    import zipfile
    source, target = BytesIO(data), BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                assert b'<dimension ref="A1:B2" />' in content
                content = content.replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:A1" />')
            new.writestr(item, content)
    [sheet] = read_table(target.getvalue())
    assert sheet.headers == ["a", "b"] and sheet.rows == [(2, [1, 2])]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_reads_csv_in_the_encodings_excel_uses(encoding):
    """GB18030 (GBK), UTF-8 with and without BOM, and Excel's UTF-16 'Unicode text' all read alike."""
    text = "项目编号,项目名称,总投资（万元）\r\nP1,\"泷泊镇道路, 一期\",１２.５\r\n"
    if encoding == "utf-16":
        text = text.replace(",", "\t").replace("\"泷泊镇道路\t 一期\"", "泷泊镇道路, 一期")
    [sheet] = read_table(text.encode(encoding), "清单.csv")
    assert sheet.title == "清单"
    assert sheet.headers == ["项目编号", "项目名称", "总投资（万元）"]
    assert sheet.rows == [(2, ["P1", "泷泊镇道路, 一期", "１２.５"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_sniffs_the_delimiter(delimiter):
    """Comma, semicolon or tab: the one that splits the header into the most cells wins."""
    text = delimiter.join(["编码", "名称", "金额"]) + "\n" + delimiter.join(["A", "x,y", "1"]) + "\n"
    assert sniff_delimiter(text) == delimiter


def test_csv_rows_numbered_as_spreadsheet_shows_them():
    """Blank lines are skipped but counted; a quoted line break stays in its cell and its row."""
    text = "a,b\n\n1,\"two\nlines\"\n3,4\n"
    [sheet] = read_table(text.encode("utf-8"))
    assert sheet.rows == [(3, ["1", "two\nlines"]), (4, ["3", "4"])]


def test_kind_is_decided_by_content_not_name():
    """CSV text named .xlsx reads as CSV; an xlsx named .csv reads as xlsx."""
    assert read_table(b"a,b\n1,2\n", "projects.xlsx")[0].rows == [(2, ["1", "2"])]
    assert read_table(xlsx_bytes(("S", [["a"], [1]])), "projects.csv")[0].rows == [(2, [1])]


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"  \r\n ", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_xls"),
    (b"PK\x03\x04 this is not really a zip", "damaged_xlsx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_text"),
    (bytes(range(256)) * 4, "not_text"),
])
def test_unreadable_files_are_refused_with_a_code(data, code):
    """Garbage, old .xls and broken zips raise SpreadsheetError with a code the UI can explain."""
    with pytest.raises(SpreadsheetError) as caught:
        read_table(data, "x.xlsx")
    assert caught.value.code == code


def test_a_zip_that_is_not_a_workbook_is_refused():
    """A .docx or any other zip is not taken for a spreadsheet."""
    import zipfile
    stream = BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<xml/>")
    with pytest.raises(SpreadsheetError) as caught:
        read_table(stream.getvalue(), "x.xlsx")
    assert caught.value.code == "damaged_xlsx"


def test_with_header_at_skips_a_title_row():
    """A title row above the real header can be skipped, keeping row numbers."""
    [sheet] = read_table("2026年项目表\n编码,名称\nA,x\n".encode("gb18030"))
    moved = sheet.with_header_at(2)
    assert moved.headers == ["编码", "名称"] and moved.rows == [(3, ["A", "x"])] and moved.header_row == 2


def test_write_csv_has_bom_neutralised_text_and_plain_numbers():
    """CSV output is UTF-8 with BOM; text formulas are neutralised, numbers and dates are plain."""
    stream = BytesIO()
    write_csv(stream, ["名称", "金额", "日期"], [["=HYPERLINK(\"http://x\",\"y\")", Decimal("1234.50"), date(2026, 3, 1)],
                                              ["-负数文字", -3, None]])
    data = stream.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1234.50,2026-03-01"
    assert lines[2] == "'-负数文字,-3,"


def test_write_xlsx_keeps_numbers_and_dates_and_never_writes_a_formula():
    """Numbers and dates are real cells; formula-looking text is stored as text with an apostrophe."""
    stream = BytesIO()
    write_xlsx(stream, [OutputSheet("项目", ["名称", "金额", "日期"],
                                    [["=HYPERLINK(\"http://x\",\"y\")", Decimal("1234.50"), date(2026, 3, 1)],
                                     ["@cmd", 7, None]], header_notes=["Name", "", ""])])
    worksheet = load_workbook(BytesIO(stream.getvalue()))["项目"]
    formula_cell, amount, day = worksheet["A2"], worksheet["B2"], worksheet["C2"]
    assert formula_cell.data_type == "s" and formula_cell.value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("1234.5")
    assert amount.number_format == "#,##0.00"
    assert day.is_date and day.value.date() == date(2026, 3, 1)
    assert worksheet["A3"].value == "'@cmd" and worksheet["B3"].value == 7
    assert worksheet["A1"].comment.text == "Name"
