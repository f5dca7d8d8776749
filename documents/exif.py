"""When and where a photo was taken, read from its EXIF block: a small reader of our own, bounded.

A phone or a camera writes the moment (DateTimeOriginal) and, when asked, the position (GPS
latitude and longitude) into an APP1 "Exif" segment at the start of a JPEG. Reading them needs no
image library: a TIFF header, two or three directories of 12-byte entries, a few rationals. Every
offset is checked against the segment (at most 64 KB), directories hold at most 512 entries, at most
three directories are read (IFD0, its Exif and GPS directories: no chain is followed, so offsets
pointing back cannot loop), the Exif segment is looked for among the first 16 segments only (the
standard puts it right after the start of the image), and a malformed block yields nothing rather than
an error: EXIF is a bonus, never a reason to refuse.
Pure: bytes in, `PhotoFacts` out.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

MAX_SEGMENT = 65535
MAX_ENTRIES = 512
MAX_SEGMENTS = 16
EXIF_IFD, GPS_IFD, DATETIME_ORIGINAL, DATETIME = 0x8769, 0x8825, 0x9003, 0x0132


@dataclass(frozen=True)
class PhotoFacts:
    """What the EXIF block says: when (camera time, no zone), and where (degrees, north and east positive)."""

    taken_at: Optional[datetime] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None


def read_photo_facts(data: bytes) -> PhotoFacts:
    """The photo's facts from a JPEG's EXIF block; empty facts when there is none or it is malformed."""
    segment = _exif_segment(data)
    if segment is None:
        return PhotoFacts()
    try:
        return _read_tiff(segment)
    except (struct.error, ValueError, IndexError, ZeroDivisionError):
        return PhotoFacts()


def _exif_segment(data: bytes) -> Optional[bytes]:
    """The TIFF block inside the first APP1 Exif segment (the segments before the image data)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    position = 2
    for _segment in range(MAX_SEGMENTS):
        if position + 4 > len(data) or data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no metadata after this
            return None
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        if length < 2:
            return None
        body = data[position + 4:position + 2 + length]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            return body[6:MAX_SEGMENT]
        position += 2 + length
    return None


class _Tiff:
    def __init__(self, block: bytes):
        if block[:2] not in (b"II", b"MM"):
            raise ValueError("not TIFF")
        self.block = block
        self.order = "<" if block[:2] == b"II" else ">"

    def unpack(self, fmt: str, offset: int):
        size = struct.calcsize(self.order + fmt)
        if offset < 0 or offset + size > len(self.block):
            raise ValueError("outside the block")
        return struct.unpack(self.order + fmt, self.block[offset:offset + size])

    def directory(self, offset: int) -> dict[int, tuple[int, int, int, int]]:
        """{tag: (type, count, value or offset, where the value field is)} of the directory at `offset`."""
        (count,) = self.unpack("H", offset)
        if count > MAX_ENTRIES:
            raise ValueError("too many entries")
        entries = {}
        for index in range(count):
            start = offset + 2 + index * 12
            tag, kind, number, value = self.unpack("HHII", start)
            entries[tag] = (kind, number, value, start + 8)
        return entries

    def ascii(self, entry) -> str:
        kind, count, value, inline = entry
        start = inline if count <= 4 else value
        if kind != 2 or count > 64:
            raise ValueError("not short text")
        return self.block[start:start + count].split(b"\x00", 1)[0].decode("ascii")

    def rationals(self, entry, expected: int) -> list[float]:
        kind, count, value, _inline = entry
        if kind != 5 or count != expected:
            raise ValueError("not rationals")
        numbers = [self.unpack("II", value + 8 * index) for index in range(count)]
        return [top / bottom for top, bottom in numbers]


def _read_tiff(block: bytes) -> PhotoFacts:
    tiff = _Tiff(block)
    (first,) = tiff.unpack("I", 4)
    main = tiff.directory(first)
    taken_at = None
    if EXIF_IFD in main:
        exif = tiff.directory(main[EXIF_IFD][2])
        if DATETIME_ORIGINAL in exif:
            taken_at = _when(tiff.ascii(exif[DATETIME_ORIGINAL]))
    if taken_at is None and DATETIME in main:
        taken_at = _when(tiff.ascii(main[DATETIME]))
    latitude = longitude = None
    if GPS_IFD in main:
        gps = tiff.directory(main[GPS_IFD][2])
        if all(tag in gps for tag in (1, 2, 3, 4)):
            latitude = _degrees(tiff.rationals(gps[2], 3), tiff.ascii(gps[1]), "S")
            longitude = _degrees(tiff.rationals(gps[4], 3), tiff.ascii(gps[3]), "W")
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                latitude = longitude = None
    return PhotoFacts(taken_at, latitude, longitude)


def _when(text: str) -> Optional[datetime]:
    try:
        return datetime.strptime(text.strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _degrees(parts: list[float], reference: str, negative: str) -> float:
    value = parts[0] + parts[1] / 60 + parts[2] / 3600
    return round(-value if reference.strip().upper() == negative else value, 6)
