"""Uploads wait between import steps as parsed tables: stored privately, read back exactly, purged
promptly, and limited per user."""
from __future__ import annotations

import io
import json
import os
import stat
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

import pytest

from core import uploads
from core.sheets.store import StoreError, read_sheets, write_sheets
from core.sheets.tables import Sheet
from core.uploads import discard_upload, enforce_quota, load_upload, purge_old, save_upload, update_meta

VALUES = ["道路", "  spaces kept ", 3, -7, 12.5, 1e20, float("inf"), True, False, None, date(2026, 3, 1),
          datetime(2026, 3, 1, 8, 30, 15, 500_000), clock(14, 5, 1), timedelta(days=2, seconds=5),
          Decimal("1234.50"), "#VALUE!", '{"$date": "not a tag"}', "\u2028 line separator"]


def sheets() -> list[Sheet]:
    """Two sheets holding every kind of value a reader returns."""
    return [Sheet("项目", ["编码", "值"], [(2, ["A", v]) for v in VALUES], header_row=1),
            Sheet("空表", ["x"], [], header_row=3)]


def typed(tables: list[Sheet]) -> list:
    """The sheets with each value's type beside it: 1, 1.0 and True are equal, but not the same."""
    return [(sheet.title, sheet.headers, sheet.header_row,
             [(number, [(type(v).__name__, v) for v in values]) for number, values in sheet.rows])
            for sheet in tables]


def test_stored_sheets_read_back_value_for_value_and_type_for_type():
    """Dates, times, durations, Decimals, numbers, booleans and text survive the store exactly."""
    stream = io.BytesIO()
    write_sheets(stream, sheets())
    assert stream.getvalue()[:2] == b"\x1f\x8b"  # gzip
    assert typed(read_sheets(io.BytesIO(stream.getvalue()))) == typed(sheets())


@pytest.mark.parametrize("content", [b"", b"not gzip", b"\x1f\x8b\x08\x00garbage"])
def test_a_damaged_store_is_refused(content):
    """Anything that is not a table written by the store raises StoreError, never something else."""
    with pytest.raises(StoreError):
        read_sheets(io.BytesIO(content))


def test_an_unknown_tag_is_refused_and_nothing_runs():
    """The store is JSON: an object with an unknown tag is refused; no pickle, nothing is ever run."""
    import gzip
    body = json.dumps({"format": 1, "sheets": [{"title": "t", "headers": ["a"], "header_row": 1, "rows": 1}]})
    data = gzip.compress((body + '\n[2, [{"$pickle": "cos\\nsystem"}]]\n').encode())
    with pytest.raises(StoreError):
        read_sheets(io.BytesIO(data))


def test_an_upload_is_kept_privately_and_read_back(tmp_path):
    """The table and its facts are mode 0600 in a 0700 folder; the file's bytes are not kept."""
    folder = tmp_path / "uploads"
    token = save_upload(folder, sheets(), {"name": "清单.xlsx", "user_id": 1, "sha256": "ab"})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(path.name for path in folder.iterdir()) == sorted([token, f"{token}.json"])
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in folder.iterdir())
    upload = load_upload(folder, token)
    assert typed(upload.sheets) == typed(sheets()) and upload.meta["sha256"] == "ab"
    update_meta(folder, upload, mapping={"x": 1})
    assert load_upload(folder, token).meta["mapping"] == {"x": 1}
    discard_upload(folder, token)
    assert load_upload(folder, token) is None and list(folder.iterdir()) == []


def test_malformed_unknown_or_damaged_tokens_find_nothing(tmp_path):
    """A token that is not ours, or whose table is damaged, reads as no upload."""
    folder = tmp_path / "uploads"
    token = save_upload(folder, sheets(), {"user_id": 1})
    (folder / token).write_bytes(b"raw spreadsheet bytes of an older version")
    for candidate in (token, "../../etc/passwd", "0" * 32, ""):
        assert load_upload(folder, candidate) is None


def _age(folder, token: str, seconds: float) -> None:
    then = time.time() - seconds
    for path in (folder / token, folder / f"{token}.json"):
        os.utime(path, (then, then))


def test_uploads_older_than_two_hours_are_purged_when_saving_or_reading(tmp_path):
    """An upload left behind goes after MAX_AGE_SECONDS, whoever saves or reads next; a young one stays."""
    folder = tmp_path / "uploads"
    old, young = (save_upload(folder, sheets(), {"user_id": user}) for user in (1, 2))
    _age(folder, old, uploads.MAX_AGE_SECONDS + 60)
    _age(folder, young, uploads.MAX_AGE_SECONDS - 600)
    assert load_upload(folder, old) is None
    assert not (folder / old).exists() and not (folder / f"{old}.json").exists()
    assert load_upload(folder, young) is not None
    assert purge_old(folder, now=time.time() + 3600) == 1


def test_a_user_keeps_at_most_three_uploads_the_oldest_going_first(tmp_path):
    """A fourth upload drops the same user's oldest; other users' uploads are untouched."""
    folder = tmp_path / "uploads"
    other = save_upload(folder, sheets(), {"user_id": 2})
    mine = []
    for age in (40, 30, 20, 10):
        mine.append(save_upload(folder, sheets(), {"user_id": 1}))
        _age(folder, mine[-1], age)
    kept = {token for token in mine if load_upload(folder, token) is not None}
    assert kept == set(mine[1:]) and load_upload(folder, other) is not None


def test_the_byte_quota_drops_older_uploads_but_never_the_new_one(tmp_path, monkeypatch):
    """Over MAX_WAITING_BYTES_PER_USER the oldest go; the upload just made stays even when it alone is over."""
    folder = tmp_path / "uploads"
    first = save_upload(folder, sheets(), {"user_id": 1})
    _age(folder, first, 60)
    monkeypatch.setattr(uploads, "MAX_WAITING_BYTES_PER_USER", 10)
    second = save_upload(folder, sheets(), {"user_id": 1})
    assert load_upload(folder, first) is None and load_upload(folder, second) is not None
    assert enforce_quota(folder, 1, keep=second) == 0
