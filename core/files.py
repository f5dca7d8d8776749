"""Files that hold what only the server may read: created owner-only (0600) from the first byte.

The SQLite database and its backups hold password hashes and every money record; the instance
folder's keys and uploads are private too. A file created with the process's usual umask is
readable by every local account (0644) until someone remembers to chmod it; these helpers create it
with mode 0600 before anything is written.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists; make an existing one 0600 when it is ours."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE)


def write_private(path: Path, content: bytes) -> None:
    """Write `content` to `path` (replacing it), the file readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` in hex: how an imported or stored file is identified later."""
    return hashlib.sha256(data).hexdigest()
