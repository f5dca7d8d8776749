"""A1-style cell references: a column's letters from its index and back, as spreadsheets name them."""
from __future__ import annotations

import re

REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
LAST_COLUMN = 16_383  # XFD, the last column a spreadsheet can have


def column_letter(index: int) -> str:
    """The spreadsheet's name of the 0-based column `index`: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """The 0-based index of the column named `letters` (A -> 0, AA -> 26); ValueError beyond XFD."""
    index = 0
    for letter in letters.upper():
        if not "A" <= letter <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        index = index * 26 + ord(letter) - 64
    if not 1 <= index <= LAST_COLUMN + 1:
        raise ValueError(f"not a column: {letters!r}")
    return index - 1


def reference_column(reference: str) -> int:
    """The 0-based column of a cell reference such as B7 or $B$7; ValueError for anything else."""
    match = REFERENCE.fullmatch(reference)
    if match is None:
        raise ValueError(f"not a cell reference: {reference!r}")
    return column_index(match.group(1))
