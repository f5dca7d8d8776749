"""Spreadsheets are read by content (xlsx, CSV in UTF-8/GB18030), and written with formulas neutralised."""
from __future__ import annotations

import warnings
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.sheets.tables import (
    OutputSheet,
    SpreadsheetError,
    column_letter,
    neutralise,
    read_table,
    restore_neutralised,
    sniff_delimiter,
    write_csv,
    write_xlsx,
)
from core.sheets.xlsx import read_workbook
from tests.spreadsheet_builders import (
    MILESTONE_HEADERS,
    PROJECT_HEADERS,
    project_line,
    shared_strings_xml,
    styles_xml,
    worksheet_xml,
    xlsx_bytes,
    xlsx_from_parts,
)


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


# --- the .xlsx reader returns what openpyxl's read-only reader returned -------------------------

def openpyxl_rows(data: bytes) -> list:
    """The oracle: per worksheet, (title, [(row number, values up to the last non-empty one)]) as
    openpyxl's read-only, data-only reader gave them to the reader this one replaced."""
    with warnings.catch_warnings():  # about hand-written styles and out-of-range dates, both meant
        warnings.simplefilter("ignore")
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        sheets = [(worksheet.title, _openpyxl_sheet_rows(worksheet)) for worksheet in workbook.worksheets]
    workbook.close()
    return sheets


def _openpyxl_sheet_rows(worksheet) -> list:
    worksheet.reset_dimensions()
    rows = []
    for number, values in enumerate(worksheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
        values = [None if isinstance(value, str) and not value.strip() else
                  value.date() if isinstance(value, datetime) and value.time() == time(0) else value
                  for value in values]
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append((number, values))
    return rows


def typed(sheets: list) -> list:
    """The same rows with every value's type beside it: 1, 1.0 and True are equal, but not the same."""
    return [(title, [(number, [(type(value).__name__, value) for value in values]) for number, values in rows])
            for title, rows in sheets]


def reader_rows(data: bytes) -> list:
    """The new reader's rows, in the oracle's shape."""
    return [(title, list(rows)) for title, rows in read_workbook(data)]


def _openpyxl_workbook(epoch=None, iso_dates=False) -> bytes:
    """Every kind of value openpyxl writes, with merged, sparse and empty cells, on several sheets."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    workbook.iso_dates = iso_dates
    sheet = workbook.active
    sheet.title = "值"
    sheet.append(["文本", "整数", "小数", "日期", "日期时间", "时间", "布尔"])
    sheet.append(["  道路 ", 3, 12.5, date(2026, 3, 1), datetime(2026, 3, 1, 8, 30, 15), time(14, 5), True])
    sheet.append([" ", -7, -0.25, date(1900, 3, 1), datetime(1900, 1, 1, 12), time(0, 0, 1), False])
    sheet.append(["=1+1", 2 ** 53, 1e-7, 1e20, Decimal("1.10"), timedelta(hours=30, minutes=5), datetime(2026, 3, 1)])
    sheet.append([])
    sheet.append([None, None, date(9999, 12, 31), datetime(2026, 3, 1, 0, 0, 0, 500_000)])
    sheet["Z9"] = "far right"
    sheet["A12"] = "merged"
    sheet.merge_cells("A12:C13")
    workbook.create_sheet("空")
    hidden = workbook.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden["B2"] = 1
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    workbook.create_chartsheet("图").add_chart(chart)
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


HAND_WRITTEN_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><r><t>行</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 内 </t></r>'
    '</is></c><c r="B2" t="inlineStr"><is><t>x005F_x000D_</t></is></c><c r="C2"><f>1+1</f><v>2</v></c>'
    '<c r="D2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="E2" t="e"><v>#N/A</v></c><c r="F2" t="b"><v>1</v></c>'
    '<c r="G2"><v>1.5E3</v></c><c r="H2"><v>-0</v></c><c r="I2" t="inlineStr"><v>ignored</v></c></row>'
    '<row r="4"><c><v>1</v></c><c><v>2</v></c><c r="E4"><v>5</v></c><c><v>6</v></c></row>'
    '<row><c r="b5" t="s"><v>5</v></c></row>'
    '<row r="3"><c r="A3" t="str"><v>skipped: row 3 comes after row 5</v></c></row>'
    '<row r="7"><c r="A7" s="1"><v>45000</v></c><c r="B7" s="2"><v>45000.75</v></c><c r="C7" s="3"><v>1.25</v></c>'
    '<c r="D7" s="4"><v>0.5</v></c><c r="E7" s="5"><v>59</v></c><c r="F7" s="5"><v>61</v></c>'
    '<c r="G7" s="6"><v>45000</v></c><c r="H7" s="7"><v>45000</v></c><c r="I7" s="8"><v>45000</v></c>'
    '<c r="J7" s="1"><v>1E10</v></c><c r="K7" s="9"><v>45000</v></c><c r="L7" s="1"><v>-1</v></c>'
    '<c r="M7" s="10"><v>45000</v></c><c r="N7" s="11"><v>0.0208333</v></c><c r="O7" s="99"><v>45000</v></c>'
    '<c r="P7" t="d"><v>2026-03-01T08:30:00</v></c><c r="Q7" t="d"><v>2026-03-01</v></c>'
    '<c r="R7" t="d"><v>10:20:30.5</v></c><c r="S7" s="1"/><c r="T7" t="s"/><c r="U7"><v></v></c>'
    '<c r="V7" s="12"><v>2.5</v></c></row>'
    '<row r="8" spans="1:3"><c r="A8" t="s"><v>6</v></c><c r="C8"><v>3</v></c></row>')
HAND_WRITTEN_STRINGS = ["<t>编码</t>", '<t xml:space="preserve">  有空格  </t>',
                        "<r><t>富</t></r><r><rPr><i/></rPr><t>文本</t></r>",
                        "<t>双牌</t><rPh sb=\"0\" eb=\"2\"><t>shuangpai</t></rPh><phoneticPr fontId=\"1\"/>",
                        "<t>_x005F_x000D_ and x005F_</t>", "<t/>", "<t>   </t>"]
HAND_WRITTEN_STYLES = styles_xml([0, 14, 22, 164, 21, 15, 165, 166, 167, 46, 168, 47, 169],
                                 {164: "0.00_);[Red](0.00)", 165: 'yyyy"年"m"月"d"日"', 166: '"day" 0',
                                  167: "[$-F800]dddd, mmmm dd, yyyy", 168: "[Red]0.00;[Blue]dd", 14: "yyyy-mm-dd",
                                  169: "[S]"})


def _hand_written(prefix: str = "", date1904: bool = False) -> bytes:
    return xlsx_from_parts([("手写", worksheet_xml(HAND_WRITTEN_ROWS.replace("<", f"<{prefix}").replace(
        f"<{prefix}/", f"</{prefix}") if prefix else HAND_WRITTEN_ROWS, prefix))],
        shared_strings_xml(HAND_WRITTEN_STRINGS), HAND_WRITTEN_STYLES, date1904=date1904)


@pytest.mark.parametrize("build", [
    _openpyxl_workbook,
    lambda: _openpyxl_workbook(epoch=datetime(1904, 1, 1)),
    lambda: _openpyxl_workbook(iso_dates=True),
    _hand_written,
    lambda: _hand_written(prefix="x:"),
    lambda: _hand_written(date1904=True),
    lambda: xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("A1"), project_line("A2", status="在建")]),
                       ("里程碑", [MILESTONE_HEADERS, ["A1", 1, "路基", date(2026, 6, 30), 100, 10, ""]])),
], ids=["openpyxl", "1904", "iso-dates", "hand-written", "prefixed", "hand-written-1904", "import-template"])
def test_xlsx_reader_returns_what_openpyxl_returned(build):
    """Sheet order and titles, shared and inline strings, rich text, numbers, booleans, errors, cached
    formula values, every kind of date: the new reader's rows are openpyxl's, value for value and type for type."""
    data = build()
    assert typed(reader_rows(data)) == typed(openpyxl_rows(data))


def test_a_text_repeated_in_many_cells_is_kept_once():
    """A payee on every line is one object in the table, from CSV and from inline strings alike, so a
    long statement costs memory for its different texts, not for its cells."""
    from core.sheets.text_pool import TextPool

    [from_csv] = read_table(("付款方\n" + "永州某某路桥建设有限公司\n" * 3).encode())
    inline = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>永州某某路桥建设有限公司</t></is></c></row>'
                     for n in range(1, 5))
    [from_xlsx] = read_table(xlsx_from_parts([("S", worksheet_xml(inline))]))
    for sheet in (from_csv, from_xlsx):
        first, second, third = (values[0] for _number, values in sheet.rows)
        assert first == "永州某某路桥建设有限公司" and first is second is third
    pool = TextPool(size=1)
    assert pool("a" * 2) is pool("".join(["a", "a"])) and pool("b" * 2) is not pool("".join(["b", "b"]))
