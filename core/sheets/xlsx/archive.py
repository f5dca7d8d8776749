"""The .xlsx zip archive opened, and its XML parts streamed, within the limits of core.sheet_limits.

Before anything is decompressed: the size and entry count of the zip's central directory (read from
its end record, before zipfile parses the directory into objects), then each part's compression
method, declared size and compression ratio. While decompressing: the bytes really produced are
counted, against the declared size and against the workbook's budget, in chunks; the declaration is
never trusted. The XML is parsed by expat (C, streaming) as it arrives; a DOCTYPE, which no
spreadsheet has and every entity-expansion bomb needs, is refused at its first byte.
"""
from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from core.sheets import limits
from core.sheets.limits import SpreadsheetError

CHUNK_BYTES = 64 * 1024
SEPARATOR = " "  # between an element's namespace and its local name, as expat reports them
END_RECORD = b"PK\x05\x06"
END_RECORD_BYTES = 22
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_LOCATOR_BYTES = 20
ZIP64_END_RECORD_BYTES = 56
MAX_COMMENT_BYTES = 65_535
RATIO_FREE_BYTES = 1024 * 1024  # a part expanding to less is cheap whatever its ratio (styles compress well)
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # all Excel writes; bzip2 and lzma
# decompress a whole block per read, so their output could not be bounded chunk by chunk


@dataclass
class Budget:
    """What the parts of one workbook may still cost together: expanded bytes, XML elements and
    characters of text placed in the sheets."""

    bytes_left: int
    elements_left: int
    text_left: int

    @classmethod
    def fresh(cls) -> Budget:
        """The whole allowance of one workbook."""
        return cls(limits.MAX_XML_BYTES, limits.MAX_XML_ELEMENTS, limits.MAX_TEXT_CHARS)

    def spend_bytes(self, count: int) -> None:
        """Count expanded bytes; refuse the workbook once they pass the limit."""
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise SpreadsheetError("xlsx_too_large")

    def spend_elements(self, count: int) -> None:
        """Count XML elements; refuse the workbook once they pass the limit."""
        self.elements_left -= count
        if self.elements_left < 0:
            raise SpreadsheetError("too_many_elements")

    def spend_text(self, count: int) -> None:
        """Count characters of text placed in cells; refuse the workbook once they pass the limit."""
        self.text_left -= count
        if self.text_left < 0:
            raise SpreadsheetError("too_much_text")


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip archive of an .xlsx, its directory checked first; SpreadsheetError when refused."""
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as error:
        raise SpreadsheetError("damaged_xlsx", str(error)[:200]) from error
    if len(archive.infolist()) > limits.MAX_ZIP_MEMBERS:
        raise SpreadsheetError("too_many_parts")
    return archive


def _check_directory(data: bytes) -> None:
    """Refuse a central directory that is too large before zipfile turns every entry into an object.

    zipfile finds the end record as this does (the last signature in the file's tail) and, when a
    zip64 locator precedes it, takes the sizes from the zip64 end record just before that: both are
    checked."""
    start = data.rfind(END_RECORD, max(0, len(data) - END_RECORD_BYTES - MAX_COMMENT_BYTES))
    if start < 0 or len(data) < start + END_RECORD_BYTES:
        raise SpreadsheetError("damaged_xlsx", "no zip end record")
    entries, directory_bytes = struct.unpack_from("<HI", data, start + 10)
    _check_counts(entries, directory_bytes)
    locator = start - ZIP64_LOCATOR_BYTES
    if locator >= 0 and data[locator:locator + 4] == ZIP64_LOCATOR:
        record = locator - ZIP64_END_RECORD_BYTES
        if record < 0:
            raise SpreadsheetError("damaged_xlsx", "no zip64 end record")
        _check_counts(*struct.unpack_from("<QQ", data, record + 32))


def _check_counts(entries: int, directory_bytes: int) -> None:
    if entries > limits.MAX_ZIP_MEMBERS or directory_bytes > limits.MAX_ZIP_DIRECTORY_BYTES:
        raise SpreadsheetError("too_many_parts")


def has_part(archive: zipfile.ZipFile, name: str) -> bool:
    """True when the archive holds a part of that name."""
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def part_chunks(archive: zipfile.ZipFile, name: str, budget: Budget) -> Iterator[bytes]:
    """The part's expanded bytes, chunk by chunk, each counted; refused before decompressing when its
    declared size or ratio is too large, and while decompressing when it yields more than declared."""
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        raise SpreadsheetError("damaged_xlsx", f"no part {name[:100]}") from error
    _check_declared(info, budget)
    produced = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                produced += len(chunk)
                if produced > info.file_size:
                    raise SpreadsheetError("xlsx_too_large", "a part expands beyond its declared size")
                budget.spend_bytes(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as error:
        raise SpreadsheetError("damaged_xlsx", str(error)[:200]) from error


def _check_declared(info: zipfile.ZipInfo, budget: Budget) -> None:
    if info.compress_type not in READABLE_METHODS or info.flag_bits & 0x1:  # bit 0: encrypted
        raise SpreadsheetError("damaged_xlsx", f"unreadable compression in {info.filename[:100]}")
    if info.file_size > budget.bytes_left:
        raise SpreadsheetError("xlsx_too_large")
    ratio_limit = limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
    if info.file_size > RATIO_FREE_BYTES and info.file_size > ratio_limit:
        raise SpreadsheetError("xlsx_compression")


def xml_parser() -> expat.XMLParserType:
    """An expat parser that reports namespaced names ("uri local"), buffers text, and refuses any
    DOCTYPE or entity declaration."""
    parser = expat.ParserCreate(namespace_separator=SEPARATOR)
    parser.buffer_text = True
    parser.buffer_size = CHUNK_BYTES
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _refuse_declaration(*_details) -> None:
    raise SpreadsheetError("xml_declarations")


def feed(parser: expat.XMLParserType, chunks: Iterator[bytes]) -> Iterator[None]:
    """Parse the chunks one by one, pausing after each so that the caller can hand on what it found."""
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise SpreadsheetError("damaged_xlsx", str(error)[:200]) from error
    yield


def stream_part(chunks: Iterator[bytes], budget: Budget, root: str, handlers_for) -> Iterator[None]:
    """Parse a large part (a worksheet, the shared strings) whose root element must be `root`,
    pausing after each chunk. At the root, `handlers_for(namespace, root attributes)` returns expat's
    start, end and text handlers for the rest and a function that returns (and resets) how many
    elements they saw: those are charged to the budget after each chunk."""
    parser = xml_parser()
    counters: list = []

    def at_root(name: str, attributes: dict) -> None:
        if local_name(name) != root:
            raise SpreadsheetError("damaged_xlsx", f"not a {root} part")
        start, end, text, take_elements = handlers_for(namespace_of(name), attributes)
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        counters.append(take_elements)

    parser.StartElementHandler = at_root
    for _ in feed(parser, chunks):
        budget.spend_elements(counters[0]() if counters else 0)
        yield


def namespace_of(name: str) -> str:
    """The namespace prefix of a name as expat reports it ("uri " or "" for none), to build the
    names a part's elements will have."""
    namespace, separator, _local = name.rpartition(SEPARATOR)
    return namespace + separator


def local_name(name: str) -> str:
    """An element's name without its namespace."""
    return name.rpartition(SEPARATOR)[2]


def element_starts(chunks: Iterator[bytes], budget: Budget) -> Iterator[tuple[str, dict, str]]:
    """(local name, attributes, parent's local name) of each element of a small part (relationships,
    the workbook, the styles) in document order; text is not needed there and not kept."""
    max_depth = limits.MAX_XML_DEPTH
    parser = xml_parser()
    path = [""]
    found: list[tuple[str, dict, str]] = []

    def start(name: str, attributes: dict) -> None:
        if len(path) > max_depth:
            raise SpreadsheetError("xml_too_deep")
        local = local_name(name)
        found.append((local, attributes, path[-1]))
        path.append(local)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: path.pop()
    for _ in feed(parser, chunks):
        budget.spend_elements(len(found))
        yield from found
        found.clear()
