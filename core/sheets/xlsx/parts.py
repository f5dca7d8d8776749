"""The parts of an .xlsx that say how to read its sheets: which sheets there are (workbook.xml and its
relationships), which cell styles are dates (styles.xml) and the shared strings (sharedStrings.xml).

A sheet's title and order come from workbook.xml; its part from the workbook's relationships;
chart sheets and other kinds are skipped. The shared strings are counted as they stream: their
number (the declared count is checked first, so a bomb is refused before it is read), each one's
length and their characters together.
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from core.sheets import limits
from core.sheets.limits import SpreadsheetError
from core.sheets.xlsx.archive import Budget, element_starts, has_part, part_chunks, stream_part
from core.sheets.xlsx.values import BUILTIN_DATE_FORMATS, MAC_EPOCH, WINDOWS_EPOCH, is_date_format, is_duration_format

ROOT_RELATIONSHIPS = "_rels/.rels"
FALLBACK_WORKBOOK = "xl/workbook.xml"
OFFICE_DOCUMENT, WORKSHEET = "/officeDocument", "/worksheet"
SHARED_STRINGS, STYLES = "/sharedStrings", "/styles"
FALSE_FLAGS = ("false", "f", "0", "")  # what openpyxl reads as false in a boolean attribute


@dataclass
class Book:
    """What reading the sheets needs: their titles and parts in order, the date system, and where
    the shared strings and the styles are."""

    sheets: list[tuple[str, str]] = field(default_factory=list)
    epoch: datetime = WINDOWS_EPOCH
    strings_part: Optional[str] = None
    styles_part: Optional[str] = None


@dataclass(frozen=True)
class DateStyles:
    """The cell style numbers (indexes into cellXfs) whose number format is a date, or a duration."""

    dates: frozenset = frozenset()
    durations: frozenset = frozenset()


def read_book(archive: zipfile.ZipFile, budget: Budget) -> Book:
    """The workbook's sheets and date system, and where its shared strings and styles are."""
    workbook = _workbook_part(archive, budget)
    folder, name = posixpath.split(workbook)
    relationships = _relationships(archive, posixpath.join(folder, "_rels", name + ".rels"), folder, budget)
    book = Book()
    for kind, part in relationships.values():
        if kind.endswith(SHARED_STRINGS) and has_part(archive, part):
            book.strings_part = part
        elif kind.endswith(STYLES) and has_part(archive, part):
            book.styles_part = part
    names = element_starts(part_chunks(archive, workbook, budget), budget)
    root, _attributes, _parent = next(names, ("", {}, ""))
    if root != "workbook":
        raise SpreadsheetError("damaged_xlsx", "no workbook")
    for local, attributes, parent in names:
        if local == "workbookPr" and attributes.get("date1904", "false") not in FALSE_FLAGS:
            book.epoch = MAC_EPOCH
        elif local == "sheet" and parent == "sheets":
            _add_sheet(book, attributes, relationships, archive)
    return book


def _add_sheet(book: Book, attributes: dict, relationships: dict, archive: zipfile.ZipFile) -> None:
    identifier = next((value for key, value in attributes.items() if key.endswith(" id")), None)
    if identifier is None:
        return  # openpyxl warns and leaves such a sheet out
    if identifier not in relationships:
        raise SpreadsheetError("damaged_xlsx", "a sheet without its part")
    kind, part = relationships[identifier]
    if kind.endswith(WORKSHEET) and has_part(archive, part):
        book.sheets.append((attributes.get("name", ""), part))


def _workbook_part(archive: zipfile.ZipFile, budget: Budget) -> str:
    if has_part(archive, ROOT_RELATIONSHIPS):
        for kind, part in _relationships(archive, ROOT_RELATIONSHIPS, "", budget).values():
            if kind.endswith(OFFICE_DOCUMENT) and has_part(archive, part):
                return part
    if has_part(archive, FALLBACK_WORKBOOK):
        return FALLBACK_WORKBOOK
    raise SpreadsheetError("damaged_xlsx", "no workbook")


def _relationships(archive: zipfile.ZipFile, name: str, folder: str, budget: Budget) -> dict[str, tuple[str, str]]:
    """{relationship id: (type, part name)} of a .rels part; targets resolved against `folder`."""
    if not has_part(archive, name):
        raise SpreadsheetError("damaged_xlsx", f"no {name[:100]}")
    found = {}
    for local, attributes, _parent in element_starts(part_chunks(archive, name, budget), budget):
        if local == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[attributes.get("Id", "")] = (attributes.get("Type", ""), part)
    return found


def read_date_styles(archive: zipfile.ZipFile, part: Optional[str], budget: Budget) -> DateStyles:
    """Which cell styles show dates or durations, as openpyxl decides it (no styles: none)."""
    if part is None:
        return DateStyles()
    custom: dict[int, str] = {}
    formats: list[int] = []
    for local, attributes, parent in element_starts(part_chunks(archive, part, budget), budget):
        if local == "numFmt" and parent == "numFmts":
            custom[int(attributes.get("numFmtId", 0))] = attributes.get("formatCode", "")
        elif local == "xf" and parent == "cellXfs":
            formats.append(int(attributes.get("numFmtId", 0)))
    codes = [custom[number] if number in custom else BUILTIN_DATE_FORMATS.get(number) for number in formats]
    return DateStyles(frozenset(index for index, code in enumerate(codes) if is_date_format(code)),
                      frozenset(index for index, code in enumerate(codes) if is_duration_format(code)))


def read_shared_strings(archive: zipfile.ZipFile, part: Optional[str], budget: Budget) -> list[str]:
    """The shared strings table: each string's text and its rich text runs' texts, phonetic guides
    left out, and "x005F_" removed as openpyxl removes it."""
    strings: list[str] = []
    if part is not None:
        for _ in stream_part(part_chunks(archive, part, budget), budget, "sst",
                             lambda namespace, attributes: _string_handlers(namespace, attributes, strings)):
            pass
    return strings


def _string_handlers(namespace: str, attributes: dict, strings: list[str]):
    """expat's handlers for the shared strings, counting as they go (closures, like a worksheet's:
    a million strings cost five calls each)."""
    declared = attributes.get("uniqueCount", "")
    max_strings = limits.MAX_SHARED_STRINGS
    if declared.isdigit() and int(declared) > max_strings:
        raise SpreadsheetError("too_many_shared_strings")  # before reading any of them
    STRING, TEXT, PHONETIC = (namespace + local for local in ("si", "t", "rPh"))
    max_depth, max_length, max_characters = limits.MAX_XML_DEPTH, limits.MAX_CELL_CHARS, limits.MAX_SHARED_CHARS
    depth = elements = 1
    length = characters = 0
    parts: list[str] = []
    collecting = phonetic = False

    def start(name: str, _attributes: dict) -> None:
        nonlocal depth, elements, parts, length, collecting, phonetic
        depth += 1
        elements += 1
        if depth > max_depth:
            raise SpreadsheetError("xml_too_deep")
        if name == STRING:
            parts, length = [], 0
        elif name == TEXT:
            collecting = not phonetic
        elif name == PHONETIC:
            phonetic = True

    def end(name: str) -> None:
        nonlocal depth, characters, collecting, phonetic
        depth -= 1
        if name == TEXT:
            collecting = False
        elif name == STRING:
            text = "".join(parts).replace("x005F_", "")
            strings.append(text)
            characters += len(text)
            if len(strings) > max_strings:
                raise SpreadsheetError("too_many_shared_strings")
            if characters > max_characters:
                raise SpreadsheetError("shared_text_too_long")
        elif name == PHONETIC:
            phonetic = False

    def text(data: str) -> None:
        nonlocal length
        if collecting:
            length += len(data)
            if length > max_length:
                raise SpreadsheetError("cell_too_long")
            parts.append(data)

    def take_elements() -> int:
        nonlocal elements
        count, elements = elements, 0
        return count

    return start, end, text, take_elements
