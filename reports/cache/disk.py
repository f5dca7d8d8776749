"""The report cache's second tier: computed reports kept on disk, so that they survive a restart.

A new server process (a restart, a deploy, gunicorn replacing a worker) used to compute every
report again on its first requests: 0.8-1.7 s for the dashboard, the checks or earned value at
county scale, on the request path of whoever came first. With this tier, whatever any process of the
installation computed for the current data version is read back from disk in milliseconds.

Layout: `<folder>/<version>/<key>.bin`, where <version> is a digest of the data version and of this
release (`release_id()`: the app's source files and compiled catalogs, so figures computed by an
older release are never served by a newer one), and <key> a digest of the whole cache key (data
version, what, filter, day, language ...). Only the newest `keep_versions` version folders are kept;
older ones are removed when a new one is written.

Each file is the pickled value followed by an HMAC-SHA256 of it under the app's secret key, checked
before anything is unpickled: a file changed or planted by anyone without the key is ignored (and
removed), never loaded. The folder is created owner-only (0700), files 0600; writes go to a
temporary file renamed into place, so a reader sees a whole file or none. Several processes share
the folder; a file removed under a reader is a miss, never an error. Values over `max_file_bytes`
or that cannot be pickled stay in memory only.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Hashable
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.collector import cycle_collector_paused

log = logging.getLogger(__name__)

MISSING = object()
DIGEST_BYTES = 32
ROOT = Path(__file__).resolve().parents[2]
# What a release is made of, for the release id: the code and the compiled translations.
RELEASE_SUFFIXES = (".py", ".mo", ".typ")
SKIPPED_DIRS = {".venv", ".git", "instance", "node_modules", "__pycache__", "tests", "bench"}


@lru_cache(maxsize=1)
def release_id() -> str:
    """A digest of this release's source files and compiled catalogs (a few ms, once per process)."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(RELEASE_SUFFIXES):
                path = Path(folder) / name
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _digest(value: Hashable) -> str:
    # repr of the keys used here (tuples of ints, strings, dates, None, frozen dataclasses of those)
    # is the same in every process and release of Python.
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


class DiskTier:
    """Report values by cache key, in files under `folder`, signed with `secret`."""

    def __init__(self, folder: str | os.PathLike, secret: bytes, keep_versions: int = 2,
                 max_file_bytes: int = 32 * 1024 * 1024):
        self.folder = Path(folder)
        self.secret = secret
        self.keep_versions = keep_versions
        self.max_file_bytes = max_file_bytes
        self._known_versions: set[str] = set()

    def _path(self, key: tuple) -> tuple[Path, Path]:
        """The version folder and the file of a (data version, ...) key."""
        version_dir = self.folder / _digest((release_id(), key[0]))
        return version_dir, version_dir / (_digest(key) + ".bin")

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self.secret, payload, hashlib.sha256).digest()

    def get(self, key: Hashable) -> Any:
        """The value stored for `key`, or MISSING (none, unreadable, or not signed with our key)."""
        if not isinstance(key, tuple) or not key:
            return MISSING  # only (data version, ...) keys are kept on disk
        _, path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return MISSING
        payload, signature = data[:-DIGEST_BYTES], data[-DIGEST_BYTES:]
        if len(data) <= DIGEST_BYTES or not hmac.compare_digest(signature, self._sign(payload)):
            log.warning("ignoring report cache file %s: its signature does not match", path)
            path.unlink(missing_ok=True)
            return MISSING
        try:  # a ranking of 50,000 projects is ~400,000 objects: the collector walked them again and again
            with cycle_collector_paused():  # while they were made (4 s, against 0.5 s with it paused)
                return pickle.loads(payload)  # signed by us: checked just above
        except Exception:  # a value of a class renamed since (the release id should prevent it)
            log.warning("ignoring report cache file %s: it could not be read back", path, exc_info=True)
            return MISSING

    def put(self, key: Hashable, value: Any) -> None:
        """Store `value` for `key` (best effort: a full disk or an unpicklable value costs only speed)."""
        if not isinstance(key, tuple) or not key:
            return
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        if len(payload) > self.max_file_bytes:
            return
        version_dir, path = self._path(key)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if version_dir.name not in self._known_versions:
                version_dir.mkdir(mode=0o700, exist_ok=True)
                self._known_versions.add(version_dir.name)
                self._prune(keep=version_dir)
            fd, temporary = tempfile.mkstemp(dir=version_dir, suffix=".part")  # mode 0600
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload + self._sign(payload))
            os.replace(temporary, path)
        except OSError:
            log.warning("could not keep a report on disk under %s", self.folder, exc_info=True)

    def _prune(self, keep: Path) -> None:
        """Remove all but the newest `keep_versions` version folders (`keep` among them)."""
        try:
            folders = [entry for entry in self.folder.iterdir() if entry.is_dir() and entry != keep]
            folders.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in folders[self.keep_versions - 1:]:
            shutil.rmtree(old, ignore_errors=True)
            self._known_versions.discard(old.name)
