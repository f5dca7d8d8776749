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


# Hostile files: the reader's work is counted (calls to struct.unpack, directories read), never timed.

class _CountingStruct:
    """documents.exif's `struct`, counting every unpack (each a bounded read of a few bytes)."""

    error = struct.error
    calcsize = staticmethod(struct.calcsize)

    def __init__(self):
        self.unpacks = 0

    def unpack(self, fmt, buffer):
        self.unpacks += 1
        return struct.unpack(fmt, buffer)


@pytest.fixture
def work(monkeypatch):
    """The reader's unpacks and directories read, counted."""
    from documents import exif

    counting = _CountingStruct()
    monkeypatch.setattr(exif, "struct", counting)
    directories = []
    original = exif._Tiff.directory
    monkeypatch.setattr(exif._Tiff, "directory", lambda tiff, offset: directories.append(offset) or original(tiff, offset))
    return counting, directories


def _jpeg(tiff: bytes, before: bytes = b"") -> bytes:
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xd8" + before + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + b"\xff\xd9"


def _ifd0(count: int, entries: bytes, padding: int = 0) -> bytes:
    """A little-endian TIFF block whose IFD0 (at 8) says `count` entries and holds `entries`."""
    return b"II" + struct.pack("<HI", 42, 8) + struct.pack("<H", count) + entries + b"\x00" * padding


def test_huge_entry_count_is_refused_before_reading_an_entry(work):
    """IFD0 claiming 65,535 (or 513) entries: nothing read beyond the count, empty facts."""
    from documents.exif import MAX_ENTRIES

    counting, _directories = work
    for count in (0xFFFF, MAX_ENTRIES + 1):
        counting.unpacks = 0
        entries = struct.pack("<HHII", 0x0132, 2, 20, 0) * 8
        assert read_photo_facts(_jpeg(_ifd0(count, entries))).taken_at is None
        assert counting.unpacks <= 3  # the segment's length, the first offset, the count


def test_directories_pointing_back_at_themselves_are_read_at_most_three_times(work):
    """IFD0 of 512 entries whose Exif and GPS pointers lead back to IFD0 itself: three directories read
    (IFD0, "Exif", "GPS"), each within 512 entries; no loop, empty facts."""
    from documents.exif import MAX_ENTRIES

    counting, directories = work
    entries = (struct.pack("<HHII", 0x8769, 4, 1, 8) + struct.pack("<HHII", 0x8825, 4, 1, 8)) * (MAX_ENTRIES // 2)
    facts = read_photo_facts(_jpeg(_ifd0(MAX_ENTRIES, entries, padding=4)))
    assert facts.taken_at is None and facts.latitude is None
    assert directories == [8, 8, 8]
    assert counting.unpacks <= 2 + 3 * (1 + MAX_ENTRIES)


def test_truncated_directory_stops_at_the_end_of_the_block(work):
    """IFD0 claiming 500 entries where ten fit: the reader stops at the first entry outside the block."""
    counting, _directories = work
    entries = struct.pack("<HHII", 0x0132, 2, 20, 0) * 10
    assert read_photo_facts(_jpeg(_ifd0(500, entries))).taken_at is None
    assert counting.unpacks <= 3 + 10


def test_offsets_outside_the_segment_give_nothing(work):
    """A first directory offset past the 64 KB segment, and an Exif pointer past it: nothing, a few reads."""
    counting, directories = work
    far = b"II" + struct.pack("<HI", 42, 0xFFFFFFF0)
    assert read_photo_facts(_jpeg(far)).taken_at is None
    pointer = _ifd0(1, struct.pack("<HHII", 0x8769, 4, 1, 0x7FFFFFFF) + b"\x00" * 4)
    assert read_photo_facts(_jpeg(pointer)).taken_at is None
    assert counting.unpacks <= 8 and directories == [0xFFFFFFF0, 8, 0x7FFFFFFF]  # each tried once, refused


def test_many_segments_before_the_exif_block_are_not_all_walked(work):
    """Ten thousand empty APP2 segments before the Exif block: the reader gives up after MAX_SEGMENTS
    of them (work bounded whatever the file's size); behind a few segments the block is still read."""
    from documents.exif import MAX_SEGMENTS

    counting, _directories = work
    tiff = jpeg_with_exif()[6 + 6:-6]  # the TIFF block of the well-formed example
    empty = b"\xff\xe2\x00\x02"
    assert read_photo_facts(_jpeg(tiff, before=empty * 10_000)).taken_at is None
    assert counting.unpacks <= MAX_SEGMENTS
    assert read_photo_facts(_jpeg(tiff, before=empty * 3)).taken_at == datetime(2026, 5, 1, 10, 22, 33)
