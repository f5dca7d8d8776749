"""The bounded EXIF reader: the moment and the position of a photo, nothing (never an error) from a
malformed or absent block."""
from __future__ import annotations

import struct
from datetime import datetime

import pytest

from documents.exif import read_photo_facts


def jpeg_with_exif(when: str = "2026:05:01 10:22:33", gps: bool = True, order: str = "<") -> bytes:
    """A tiny JPEG whose APP1 holds IFD0 -> Exif IFD (DateTimeOriginal) and GPS IFD (25°57'36"N, 111°39'36"E)."""
    marker = b"II" if order == "<" else b"MM"
    pack = lambda fmt, *values: struct.pack(order + fmt, *values)  # noqa: E731
    ifd0_at, exif_at, gps_at = 8, 8 + 2 + 2 * 12 + 4, 8 + 2 + 2 * 12 + 4 + 2 + 12 + 4
    text_at = gps_at + 2 + 4 * 12 + 4
    lat_at, lon_at = text_at + 20, text_at + 44
    ifd0 = pack("H", 2) + pack("HHII", 0x8769, 4, 1, exif_at) + pack("HHII", 0x8825, 4, 1, gps_at if gps else 0) + \
        pack("I", 0)
    exif = pack("H", 1) + pack("HHII", 0x9003, 2, 20, text_at) + pack("I", 0)
    gps_ifd = pack("H", 4) + pack("HH", 1, 2) + pack("I", 2) + b"N\x00\x00\x00" + \
        pack("HHII", 2, 5, 3, lat_at) + pack("HH", 3, 2) + pack("I", 2) + b"E\x00\x00\x00" + \
        pack("HHII", 4, 5, 3, lon_at) + pack("I", 0)
    text = when.encode() + b"\x00"
    rationals = pack("IIIIII", 25, 1, 57, 1, 36, 1) + pack("IIIIII", 111, 1, 39, 1, 36, 1)
    tiff = marker + pack("H", 42) + pack("I", ifd0_at) + ifd0 + exif + gps_ifd + text + rationals
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + b"\xff\xda\x00\x02" + b"\xff\xd9"


@pytest.mark.parametrize("order", ["<", ">"])
def test_moment_and_position_are_read(order):
    """DateTimeOriginal and the GPS position are read, in either byte order."""
    facts = read_photo_facts(jpeg_with_exif(order=order))
    assert facts.taken_at == datetime(2026, 5, 1, 10, 22, 33)
    assert (facts.latitude, facts.longitude) == (25.96, 111.66)


@pytest.mark.parametrize("data", [b"", b"\xff\xd8\xff\xd9", b"%PDF-1.4", jpeg_with_exif()[:40],
                                  jpeg_with_exif().replace(b"II*", b"XX*"),
                                  jpeg_with_exif(when="not a date at all..")])
def test_no_or_bad_exif_gives_nothing_never_an_error(data):
    """No block, a cut or corrupt block, or a date that is no date: the facts are empty (or only the rest)."""
    facts = read_photo_facts(data)
    assert facts.taken_at is None
