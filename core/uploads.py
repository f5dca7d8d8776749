"""Uploaded files kept between the pages of a multi-step import (upload, mapping, preview, confirm).

Each upload is stored under a folder (the app's instance/uploads) as `<token>` with its facts in
`<token>.json`. The token is random; the user's file name is only ever kept as text in the facts,
never used as a path. Uploads older than a day are removed whenever a new one arrives.
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

TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass
class StoredUpload:
    """An upload read back: its token, its bytes and its facts (file name, owner, choices made)."""

    token: str
    data: bytes
    meta: dict[str, Any]


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def save_upload(folder: Path, data: bytes, meta: dict[str, Any]) -> str:
    """Keep `data` and its facts; return the token that finds them again."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    purge_old(folder)
    token = secrets.token_hex(16)
    _write_private(folder / token, data)
    _write_private(folder / f"{token}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    return token


def load_upload(folder: Path, token: str) -> Optional[StoredUpload]:
    """The upload with this token, or None when the token is malformed, unknown or expired."""
    if not TOKEN.match(token or ""):
        return None
    try:
        data = (folder / token).read_bytes()
        meta = json.loads((folder / f"{token}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return StoredUpload(token, data, meta)


def update_meta(folder: Path, upload: StoredUpload, **changes: Any) -> None:
    """Store new facts about an upload (the mapping the user chose, say)."""
    upload.meta.update(changes)
    _write_private(folder / f"{upload.token}.json", json.dumps(upload.meta, ensure_ascii=False).encode("utf-8"))


def discard_upload(folder: Path, token: str) -> None:
    """Remove an upload once it has been used."""
    if TOKEN.match(token or ""):
        for path in (folder / token, folder / f"{token}.json"):
            path.unlink(missing_ok=True)


def purge_old(folder: Path, max_age_seconds: int = MAX_AGE_SECONDS, now: Optional[float] = None) -> int:
    """Remove uploads older than `max_age_seconds`; return how many files went."""
    cutoff = (now if now is not None else time.time()) - max_age_seconds
    removed = 0
    for path in folder.iterdir():
        if TOKEN.match(path.name.split(".", 1)[0]) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def upload_folder(app) -> Path:
    """The app's upload folder: UPLOAD_FOLDER when configured, else instance/uploads."""
    return Path(app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads")
