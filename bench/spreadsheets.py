"""Measure what reading a spreadsheet can cost: the worst files core.sheet_limits accepts, and the
hostile ones it refuses, each read by core.spreadsheets.read_table in a fresh child process.

    .venv/bin/python bench/spreadsheets.py                 # every file; a table of CPU seconds and peak MB
    .venv/bin/python bench/spreadsheets.py wide zip-bomb   # some of them
    .venv/bin/python bench/spreadsheets.py --json out.json

Not a test: it prints what it measured (the figures behind the bounds stated in core.sheet_limits
and bench/SPREADSHEETS.md). Peak is the child's resident high-water mark (VmHWM), the interpreter
included; seconds are the child's CPU seconds for read_table alone.
"""
from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.sheets import limits  # noqa: E402
from core.sheets.references import column_letter  # noqa: E402
from tests import hostile_files as hostile  # noqa: E402
from tests.spreadsheet_builders import styles_xml, xlsx_from_parts  # noqa: E402

CEILING_MB = 4096
TIMEOUT = 600


def _rows_xlsx(header: str, rows, styles: str = "") -> bytes:
    """An .xlsx streamed row by row (the bench's files are too large to build as one string)."""
    base = xlsx_from_parts([("S", hostile.WORKSHEET_OPEN + hostile.WORKSHEET_CLOSE)],
                           styles=styles or styles_xml([0, 14]))
    stream = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write((hostile.WORKSHEET_OPEN + header).encode())
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 2_000:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + hostile.WORKSHEET_CLOSE).encode())
    return stream.getvalue()


def _header(columns: int) -> str:
    return '<row r="1">' + "".join(f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>列{i}</t></is></c>'
                                   for i in range(columns)) + "</row>"


def most_cells_distinct_numbers() -> bytes:
    """The most cells a table may have (200,000 × 20), each a different number: the most memory."""
    letters = [column_letter(i) for i in range(20)]
    rows = (f'<row r="{n}">' + "".join(f'<c r="{letter}{n}"><v>{n * 7919 + i}.{i + 1}</v></c>'
                                       for i, letter in enumerate(letters)) + "</row>"
            for n in range(2, limits.MAX_ROWS + 2))
    return _rows_xlsx(_header(20), rows)


def most_elements_empty_cells() -> bytes:
    """Nearly MAX_XML_ELEMENTS elements, empty cells of random styles (random enough to pass the ratio
    check, small enough to fit MAX_FILE_BYTES) after one value per row: the most time for the least data."""
    columns, rows = 62, (limits.MAX_XML_ELEMENTS - 1_000) // 64  # a row, its value (c, v), 61 empty cells
    rng = random.Random(1)
    body = (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>'
            + "".join(f'<c s="{style}"/>' for style in rng.choices("0123456", k=columns - 1)) + "</row>"
            for n in range(2, rows + 2))
    return _rows_xlsx(_header(1), body, styles_xml([0] * 7))


def _unique_texts(start: int, count: int) -> list[str]:
    """`count` different five-letter texts (base 36), so that no pool can share them."""
    texts = []
    for number in range(start, start + count):
        text = ""
        for _ in range(5):
            number, digit = divmod(number, 36)
            text += "0123456789abcdefghijklmnopqrstuvwxyz"[digit]
        texts.append(text)
    return texts


def most_text_objects() -> bytes:
    """As many inline-string cells as the element limit allows (three elements each), every text
    different: the most memory text can cost in an .xlsx."""
    columns = 20
    rows = (limits.MAX_XML_ELEMENTS - 1_000) // (3 * columns + 1)
    letters = [column_letter(i) for i in range(columns)]
    body = (f'<row r="{n}">' + "".join(f'<c r="{letter}{n}" t="inlineStr"><is><t>{text}</t></is></c>' for letter, text
                                       in zip(letters, _unique_texts(n * columns, columns))) + "</row>"
            for n in range(2, rows + 2))
    return _rows_xlsx(_header(columns), body)


def csv_most_cells() -> bytes:
    """As many cells as fit in MAX_FILE_BYTES as CSV (about 3,300,000), every text different: the
    most memory a CSV can cost."""
    columns = 20
    rows = limits.MAX_FILE_BYTES // (6 * columns) - 1_000
    lines = [",".join(f"c{i}" for i in range(columns))]
    lines += [",".join(_unique_texts(n * columns, columns)) for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


FILES = {
    # accepted: the worst cases, and ordinary large files
    "most-cells-distinct-numbers.xlsx": most_cells_distinct_numbers,
    "most-elements-empty-cells.xlsx": most_elements_empty_cells,
    "most-text-objects.xlsx": most_text_objects,
    "statement-200000x20.xlsx": lambda: hostile.dense_xlsx(limits.MAX_ROWS, 20),
    "statement-200000x10.xlsx": lambda: hostile.dense_xlsx(limits.MAX_ROWS, 10),
    "statement-100000x10.xlsx": lambda: hostile.dense_xlsx(100_000, 10),
    "most-cells-different-texts.csv": csv_most_cells,
    "statement-70000x20.csv": lambda: hostile.statement_csv(70_000, 20),
    "projects-5000x40.xlsx": lambda: hostile.dense_xlsx(5_000, 40),
    # refused
    "wide-xfd-20000-rows.xlsx": hostile.wide,
    "shared-strings-bomb.xlsx": hostile.shared_strings_bomb,
    "shared-strings-declared.xlsx": hostile.many_shared_strings,
    "shared-strings-counted.xlsx": lambda: hostile.many_shared_strings(declared=10),
    "zip-bomb-300mb.xlsx": lambda: hostile.zip_bomb(300),
    "zip-bomb-ratio.xlsx": lambda: hostile.zip_bomb(100),
    "lying-size.xlsx": hostile.lying_size,
    "deep-xml.xlsx": hostile.deep_xml,
    "billion-laughs.xlsx": hostile.entity_expansion,
    "many-parts.xlsx": hostile.many_parts,
    "empty-rows.xlsx": hostile.many_empty_rows,
    "long-first-line.csv": hostile.long_first_line_csv,
    "too-many-rows.csv": lambda: hostile.statement_csv(limits.MAX_ROWS + 1, 4),
}


def measure(names: list[str]) -> list[dict]:
    """Build and read each file; its size, outcome, CPU seconds and peak memory."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            path = hostile.write(Path(folder) / name, FILES[name]())
            outcome = hostile.read_in_child(path, CEILING_MB, TIMEOUT)
            results.append({"file": name, "kb": path.stat().st_size // 1024, **outcome})
            path.unlink()
            row = results[-1]
            print(f"{name:36} {row['kb']:>8} KB  {row.get('code') or str(row.get('rows')) + ' rows':>24}"
                  f"  {row['seconds']:>6.2f} s  {row['peak_mb']:>5} MB", flush=True)
    return results


def main() -> None:
    """Measure the files named on the command line, or all of them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="file names (or parts of them) to measure; all when none")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    names = [name for name in FILES if not args.names or any(part in name for part in args.names)]
    results = measure(names)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
