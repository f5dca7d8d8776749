"""What a file really is, read from its bytes, never from its name; and whether its name may be kept.

A document store that serves back whatever it was given is a way to put a web page, a script or a
program onto the county's server under the county's name. So a file is accepted only when its first
bytes say it is one of the six kinds a county files (PDF, JPEG, PNG, WebP, .xlsx, .docx), its name's
extension (when it has one) agrees, and nothing in it says it is something else: HTML, SVG or XML,
an executable or a script, a PDF whose first bytes are a web page's, a macro-enabled Office file.
Pure: bytes and text in, a `FileKind` out or `Refused` naming the field (`file` or `filename`).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from core.errors import Refused
from core.i18n import _l

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a scanned contract or a phone photo; well under MAX_CONTENT_LENGTH
MAX_NAME = 200
MAX_ZIP_ENTRIES = 5000


@dataclass(frozen=True)
class FileKind:
    """A kind of file we keep: its short name, media type, the extensions its name may have, and
    whether a browser may show it as a picture."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    image: bool = False


PDF = FileKind("PDF", "application/pdf", (".pdf",))
JPEG = FileKind("JPEG", "image/jpeg", (".jpg", ".jpeg"), image=True)
PNG = FileKind("PNG", "image/png", (".png",), image=True)
WEBP = FileKind("WebP", "image/webp", (".webp",), image=True)
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
KINDS = (PDF, JPEG, PNG, WEBP, XLSX, DOCX)
BY_MEDIA_TYPE = {kind.media_type: kind for kind in KINDS}

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                     b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|script|iframe|svg|\?xml|meta|a\s|img\s|object|embed)",
                     re.IGNORECASE)
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def clean_name(filename: str) -> str:
    """The name to keep (trimmed), or Refused("filename") for one that is empty, too long, or says a
    path (`../`, a slash, a drive) or holds control characters: a name is text, never a path."""
    name = (filename or "").strip()
    if not name:
        raise Refused("filename", _l("File name: the file has no name."))
    if ".." in name or _BAD_NAME.search(name):
        raise Refused("filename", _l("File name: “%(name)s” is refused: a name may not contain a path (.. / \\) "
                                     "or the characters : * ? \" < > |.", name=name[:80]))
    if len(name) > MAX_NAME:
        raise Refused("filename", _l("File name: at most %(n)d characters.", n=MAX_NAME))
    return name


def sniff(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FileKind:
    """The kind of `data` (module docstring), checked against its size cap and its name's extension."""
    if not data:
        raise Refused("file", _l("File: the file is empty."))
    if len(data) > max_bytes:
        raise Refused("file", _l("File: %(size)s MB is more than the %(cap)s MB a document may have.",
                                 size=_megabytes(len(data)), cap=_megabytes(max_bytes)))
    kind = _kind_of(data)
    extension = _extension(filename)
    if extension and extension not in kind.extensions:
        raise Refused("file", _l("File: the name ends in %(extension)s but the content is %(kind)s; "
                                 "rename it or choose the right file.", extension=extension, kind=kind.name))
    return kind


def _kind_of(data: bytes) -> FileKind:
    head = data[:1024]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c")
    if stripped.startswith(_EXECUTABLE_MAGIC):
        raise Refused("file", _l("File: this is a program or a script; only PDF, JPEG, PNG, WebP, .xlsx and "
                                 ".docx files are kept."))
    if _MARKUP.match(stripped) or stripped[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise Refused("file", _l("File: this is a web page (HTML, SVG or XML), which is never kept; save it as "
                                 "PDF first."))
    if data.startswith(b"%PDF-"):
        if _MARKUP.search(head):
            raise Refused("file", _l("File: this PDF holds a web page at its start; it is refused. Save it as "
                                     "PDF again from the program that made it."))
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    raise Refused("file", _l("File: not a PDF, JPEG, PNG, WebP, .xlsx or .docx file (read from its content, "
                             "whatever its name says)."))


def _office_kind(data: bytes) -> FileKind:
    """An .xlsx or .docx (a ZIP with the Office parts), refusing macro-enabled ones and other archives."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise Refused("file", _l("File: this archive has too many parts."))
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile as error:
        raise Refused("file", _l("File: a damaged .xlsx or .docx file.")) from error
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Refused("file", _l("File: a document with macros is refused; save it as a plain .xlsx or .docx."))
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    raise Refused("file", _l("File: a ZIP archive that is not an .xlsx or .docx file; archives are not kept."))


def _extension(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
