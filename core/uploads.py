"""Uploaded tables kept between the pages of a multi-step import (upload, mapping, preview, confirm).

The file is parsed once, when it is uploaded; what is kept is its table (core.sheet_store), not its
bytes, so a later step never parses the file again (the caller keeps the bytes' SHA-256 in the facts
for the import record). Each upload is stored under a folder (the app's instance/uploads, mode 0700)
as `<token>` with its facts in `<token>.json`, both mode 0600. The token is random; the user's file
name is only ever kept as text in the facts, never used as a path.

Uploads go promptly: each is discarded once used, expires MAX_AGE_SECONDS after it was made (expired
ones are removed whenever an upload is saved or read), and a user keeps at most
MAX_WAITING_PER_USER uploads and MAX_WAITING_BYTES_PER_USER bytes waiting: saving one more drops
that user's oldest first (the newest is always kept, so an abandoned upload never blocks the next).
The functions take the folder; `upload_folder(app)` says which one the app uses.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from core.sheets.store import StoreError, read_sheets, write_sheets
from core.sheets.tables import Sheet

TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 2 * 3600  # long enough to map, preview and confirm; the file is at hand to upload again
MAX_WAITING_PER_USER = 3  # two imports in two tabs, and one to spare
MAX_WAITING_BYTES_PER_USER = 64 * 1024 * 1024  # stored (gzip'd) tables; a 200,000-line statement is ~10 MB


@dataclass
class StoredUpload:
    """An upload read back: its token, its parsed sheets and its facts (file name, owner, choices made)."""

    token: str
    sheets: list[Sheet]
    meta: dict[str, Any]


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def save_upload(folder: Path, sheets: list[Sheet], meta: dict[str, Any]) -> str:
    """Keep the parsed sheets and their facts (`meta["user_id"]` names the owner); return the token
    that finds them again. Expired uploads, and the owner's oldest beyond the quota, are removed."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    purge_old(folder)
    token = secrets.token_hex(16)
    fd = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        write_sheets(handle, sheets)
    _write_private(folder / f"{token}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    enforce_quota(folder, meta.get("user_id"), keep=token)
    return token


def load_upload(folder: Path, token: str) -> Optional[StoredUpload]:
    """The upload with this token, or None when the token is malformed, unknown or expired."""
    if not TOKEN.match(token or ""):
        return None
    purge_old(folder)
    try:
        meta = json.loads((folder / f"{token}.json").read_text("utf-8"))
        with open(folder / token, "rb") as handle:
            sheets = read_sheets(handle)
    except (OSError, ValueError, StoreError):
        return None
    return StoredUpload(token, sheets, meta)


def update_meta(folder: Path, upload: StoredUpload, **changes: Any) -> None:
    """Store new facts about an upload (the mapping the user chose, say)."""
    upload.meta.update(changes)
    _write_private(folder / f"{upload.token}.json", json.dumps(upload.meta, ensure_ascii=False).encode("utf-8"))


def discard_upload(folder: Path, token: str) -> None:
    """Remove an upload once it has been used."""
    if TOKEN.match(token or ""):
        for path in (folder / token, folder / f"{token}.json"):
            path.unlink(missing_ok=True)


def _uploads(folder: Path) -> dict[str, float]:
    """{token: when it was saved} of every upload in the folder (the table's time: the facts change)."""
    found = {}
    for path in folder.iterdir():
        token = path.name.split(".", 1)[0]
        if TOKEN.match(token):
            try:
                saved = path.stat().st_mtime
            except OSError:
                continue  # removed meanwhile by another request
            if path.name == token:
                found[token] = saved
            else:
                found.setdefault(token, saved)  # facts without a table: their own time
    return found


def purge_old(folder: Path, max_age_seconds: int = MAX_AGE_SECONDS, now: Optional[float] = None) -> int:
    """Remove uploads older than `max_age_seconds`; return how many went."""
    if not folder.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - max_age_seconds
    expired = [token for token, saved in _uploads(folder).items() if saved < cutoff]
    for token in expired:
        discard_upload(folder, token)
    return len(expired)


def enforce_quota(folder: Path, user_id: Any, keep: str = "") -> int:
    """Drop the user's oldest uploads (never `keep`) until at most MAX_WAITING_PER_USER uploads and
    MAX_WAITING_BYTES_PER_USER bytes of theirs wait; return how many went."""
    theirs = []
    for token, saved in _uploads(folder).items():
        try:
            owner = json.loads((folder / f"{token}.json").read_text("utf-8")).get("user_id")
            size = (folder / token).stat().st_size
        except (OSError, ValueError):
            continue
        if owner == user_id:
            theirs.append((token == keep, saved, token, size))
    theirs.sort()  # others before the one kept, oldest first
    dropped = 0
    total = sum(size for *_rest, size in theirs)
    while theirs and not theirs[0][0] and (len(theirs) > MAX_WAITING_PER_USER or total > MAX_WAITING_BYTES_PER_USER):
        _kept, _saved, token, size = theirs.pop(0)
        discard_upload(folder, token)
        total -= size
        dropped += 1
    return dropped


def upload_folder(app) -> Path:
    """The app's upload folder: UPLOAD_FOLDER when configured, else instance/uploads."""
    return Path(app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads")
