"""Files kept by content: each under its SHA-256, written once, never overwritten, never served as HTML.

The folder is `LIANDONG_DOCUMENT_STORE` (config DOCUMENT_STORE), by default `instance/documents`,
mode 0700, each file 0600, at `<folder>/<first two hex digits>/<sha256>`. The same bytes attached
twice are stored once; the database rows say who attached them to what. A file is written to a
temporary name and renamed into place, so a half-written file never has a document's name; reading
one checks its hash, so a file changed on disk is never served as the one that was attached.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Optional

from flask import Flask, current_app

from core.files import PRIVATE_FOLDER, sha256_hex, write_private

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def store_folder(app: Optional[Flask] = None) -> Path:
    """The app's document folder (module docstring)."""
    app = app or current_app
    configured = app.config.get("DOCUMENT_STORE") or os.environ.get("LIANDONG_DOCUMENT_STORE")
    return Path(configured) if configured else Path(app.instance_path) / "documents"


def path_of(folder: Path, sha256: str) -> Path:
    """Where the file of this hash lives (a hash is 64 hex digits, never a name someone typed)."""
    if not HEX64.match(sha256):
        raise ValueError("not a SHA-256 in hex")
    return folder / sha256[:2] / sha256


def put(folder: Path, data: bytes) -> str:
    """Keep `data` (once) and return its SHA-256."""
    digest = sha256_hex(data)
    target = path_of(folder, digest)
    if target.exists() and sha256_hex(target.read_bytes()) == digest:
        return digest
    target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    os.chmod(folder, PRIVATE_FOLDER)
    temporary = target.parent / f".{digest}.{secrets.token_hex(8)}.tmp"
    write_private(temporary, data)
    os.replace(temporary, target)
    return digest


def get(folder: Path, sha256: str) -> Optional[bytes]:
    """The file's bytes when present and still what was stored; None when missing or changed."""
    target = path_of(folder, sha256)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        return None
    return data if sha256_hex(data) == sha256 else None


def problem_of(folder: Path, sha256: str) -> Optional[str]:
    """'missing' or 'changed' for a stored file that is not as it was kept; None when it is."""
    target = path_of(folder, sha256)
    if not target.is_file():
        return "missing"
    return None if sha256_hex(target.read_bytes()) == sha256 else "changed"
