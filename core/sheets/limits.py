"""How much of a spreadsheet from outside is read, and the error that refuses one: every limit in one place.

An uploaded file costs the server what its content asks for, not what its size suggests: a 100 KB
.xlsx can claim a cell in column XFD on every row, a million shared strings or a part that expands
a thousand times. So every reader checks these limits before it starts (file size, zip directory,
declared part sizes and compression ratios) and while it runs (bytes really decompressed, XML
elements and nesting, shared strings, rows, columns, cells and characters), and refuses a file with
a SpreadsheetError whose code names the limit passed. Readers look the limits up here when they
run, so a test can lower one with monkeypatch.

The values keep real files working: a bank statement of 200,000 lines × 20 columns (4,000,000
cells: 15 MB as .xlsx; as CSV only within the 20 MB the web has always accepted, some 70,000 such
lines), a planning sheet of 5,000 projects × 40 columns, anything Excel itself holds in one cell.

Guaranteed bounds (bench/spreadsheets.py, figures in bench/SPREADSHEETS.md, on the 2-core
development machine): every file these limits accept is read within 25 seconds of CPU and 350 MB of
peak resident memory, the interpreter included (the worst measured: 20 s for 3,300,000 inline
texts, 310 MB for 3,300,000 different CSV texts; a 5 MB statement of 100,000 lines: 4 s, 64 MB).
Reading the table back from an upload (core.sheet_store) costs about as much memory and 3 s at most.
A refusal by a check made before the counting can start (file size, zip directory, part sizes and
ratios, DOCTYPE, nesting, a column beyond the limit, the shared strings' declared count) comes
within 0.1 s; one by a count (rows, elements, cells, shared strings whose declared count lied) when
the count passes its limit: within 2.5 s for the security review's files, and never later than the
bound, for a file built to pass every other limit first.
"""
from __future__ import annotations

MIB = 1024 * 1024

# --- any file -----------------------------------------------------------------------------------
MAX_FILE_BYTES = 20 * MIB  # the web's MAX_CONTENT_LENGTH, so the command line accepts what the web does
MAX_ROWS = 200_000  # non-empty data rows per sheet: a county's decade of statement lines fits
MAX_SHEET_ROWS = 500_000  # rows counting empty ones (the highest row number; lines of a CSV): empty rows
# cost time too, and a sheet of 200,000 lines has no need of 300,000 empty ones
MAX_COLUMNS = 256  # columns read, A to IV; a value further right is refused, naming its column
MAX_CELLS = 4_000_000  # rows × columns of a table as kept (every row padded to the widest)
MAX_CELL_CHARS = 32_767  # characters in one cell (Excel's own maximum)

# --- CSV ----------------------------------------------------------------------------------------
MAX_LINE_CHARS = 100_000  # characters in one line of text (a quoted cell may span lines)

# --- .xlsx --------------------------------------------------------------------------------------
MAX_ZIP_MEMBERS = 5_000  # parts in the zip (a workbook of 300 sheets with drawings has ~1,500)
MAX_ZIP_DIRECTORY_BYTES = 2 * MIB  # the zip's central directory, checked before it is parsed
MAX_XML_BYTES = 256 * MIB  # bytes the parts read expand to, together (declared, then really counted)
MAX_COMPRESSION_RATIO = 100  # expanded ÷ compressed, per part; sheets compress 5-30 times
MAX_XML_ELEMENTS = 10_000_000  # XML elements of the parts read, together (4M cells as Excel writes them: 8.2M)
MAX_XML_DEPTH = 64  # nesting of XML elements (a worksheet needs about 8)
MAX_SHARED_STRINGS = 1_000_000  # distinct texts in the shared strings table
MAX_SHARED_CHARS = 20_000_000  # characters of the shared strings table, together
MAX_TEXT_CHARS = 50_000_000  # characters of text in the sheets read, a shared string counted at each use


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; `code` says why (empty, old_xls, damaged_xlsx, not_text,
    or the limit passed: too_many_rows, too_many_columns, xlsx_too_large, ...). `facts` carry what a
    message needs beyond the limit itself, such as the column that is too far right."""

    def __init__(self, code: str, detail: str = "", **facts: str):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.facts = facts
