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

from core import sheet_limits as limits
from core.sheet_limits import SpreadsheetError
from core.xlsx.archive import (Budget, element_starts, feed, has_part, local_name, namespace_of, part_chunks,
                               xml_parser)
from core.xlsx.values import BUILTIN_DATE_FORMATS, MAC_EPOCH, WINDOWS_EPOCH, is_date_format, is_duration_format

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
    if part is None:
        return []
    reader = _SharedStrings()
    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = reader.start, reader.end
    parser.CharacterDataHandler = reader.text
    for _ in feed(parser, part_chunks(archive, part, budget)):
        budget.spend_elements(reader.elements)
        reader.elements = 0
    return reader.strings


class _SharedStrings:
    """expat's handlers for sharedStrings.xml, counting as they go."""

    def __init__(self):
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.names: dict[str, str] = {}
        self.depth = self.elements = self.length = self.characters = 0
        self.collecting = self.phonetic = False
        self.max_depth, self.max_strings = limits.MAX_XML_DEPTH, limits.MAX_SHARED_STRINGS

    def start(self, name: str, attributes: dict) -> None:
        """An element begins: a string, a text run, a phonetic guide, or the table (with its count)."""
        self.depth += 1
        self.elements += 1
        if self.depth > self.max_depth:
            raise SpreadsheetError("xml_too_deep")
        local = self.names.get(name) or self._name(name, attributes)
        if local == "si":
            self.parts, self.length = [], 0
        elif local == "t":
            self.collecting = not self.phonetic
        elif local == "rPh":
            self.phonetic = True

    def _name(self, name: str, attributes: dict) -> str:
        if self.depth == 1:
            if local_name(name) != "sst":
                raise SpreadsheetError("damaged_xlsx", "no shared strings table")
            declared = attributes.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.max_strings:
                raise SpreadsheetError("too_many_shared_strings")  # before reading any of them
            namespace = namespace_of(name)
            self.names.update({namespace + local: local for local in ("si", "t", "rPh")})
        return self.names.get(name, "")

    def end(self, name: str) -> None:
        """An element ends; a string ends with its si element."""
        self.depth -= 1
        local = self.names.get(name)
        if local == "t":
            self.collecting = False
        elif local == "si":
            self._add("".join(self.parts).replace("x005F_", ""))
        elif local == "rPh":
            self.phonetic = False

    def _add(self, text: str) -> None:
        self.strings.append(text)
        self.characters += len(text)
        if len(self.strings) > self.max_strings:
            raise SpreadsheetError("too_many_shared_strings")
        if self.characters > limits.MAX_SHARED_CHARS:
            raise SpreadsheetError("shared_text_too_long")

    def text(self, data: str) -> None:
        """Text arrives; kept only inside a string's text elements."""
        if self.collecting:
            self.length += len(data)
            if self.length > limits.MAX_CELL_CHARS:
                raise SpreadsheetError("cell_too_long")
            self.parts.append(data)

