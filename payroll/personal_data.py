"""Personal data at rest: identity and bank card numbers encrypted, looked up by a keyed hash.

Encryption is `cryptography`'s Fernet (AES-128-CBC with HMAC-SHA256, a timestamp and a random IV):
authenticated, so a changed ciphertext is refused, never read as another number. The keys live
outside the database, like the audit key: `LIANDONG_PERSONAL_DATA_KEY` in the environment (Fernet
keys separated by commas), else `instance/personal_data_key`, created on first use (mode 0600), one
key a line. The first key encrypts; every key listed decrypts (MultiFernet), which is how a key is
rotated (README, "Personal data"): put a new key first, run `flask payroll rotate-key` (every
number re-encrypted with it and every lookup hash recomputed), then drop the old key.

Duplicates are refused without decrypting: each identity number also has a lookup hash, an
HMAC-SHA256 keyed by a subkey of the first key over the normalised number (equal numbers, equal
hashes; no rainbow table of the 10^9 plausible numbers without the key).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

ENVIRONMENT_VARIABLE = "LIANDONG_PERSONAL_DATA_KEY"
KEY_FILE_NAME = "personal_data_key"


class PersonalDataKeyError(RuntimeError):
    """The key is missing, malformed, or does not open a stored number."""


class PersonalDataKeys:
    """The keys, held so that they cannot leak by accident: the repr says nothing about them."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise PersonalDataKeyError("no personal-data key")
        try:
            fernets = [Fernet(key.encode("ascii")) for key in keys]
        except (ValueError, UnicodeEncodeError) as error:
            raise PersonalDataKeyError("a personal-data key is not a Fernet key (32 bytes, url-safe base64)") from error
        self._fernet = MultiFernet(fernets)
        self._lookup_key = hmac.new(keys[0].encode("ascii"), b"liandong personal lookup v1", hashlib.sha256).digest()
        self.count = len(keys)

    def __repr__(self) -> str:
        return "<PersonalDataKeys (hidden)>"

    def encrypt(self, text: str) -> str:
        """The ciphertext (url-safe base64 text) of `text`, with the first key."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text of a ciphertext made with any of the keys."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise PersonalDataKeyError("no personal-data key opens this number (a key dropped too early?)") from error

    def rotate(self, token: str) -> str:
        """The same text encrypted again with the first key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

    def lookup(self, normalised: str) -> str:
        """The keyed hash duplicates are found by (64 hex digits)."""
        return hmac.new(self._lookup_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def key_file(instance_path: str) -> Path:
    """Where the instance keeps its keys when the environment gives none."""
    return Path(instance_path) / KEY_FILE_NAME


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` (mode 0600) aside, then move it into place: never half-written."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(draft, path)


def instance_keys(instance_path: str) -> list[str]:
    """The keys kept in the instance folder, the file created with one new key on first use."""
    path = key_file(instance_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode("ascii") + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: its key is the key
        finally:
            draft.unlink()
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def configured_keys(app: Flask) -> list[str]:
    """The keys in force: the app's configuration (tests), the environment's, or the instance file's."""
    text = app.config.get("PERSONAL_DATA_KEY") or os.environ.get(ENVIRONMENT_VARIABLE)
    if text:
        return [part.strip() for part in str(text).split(",") if part.strip()]
    return instance_keys(app.instance_path)


def personal_data_keys() -> PersonalDataKeys:
    """The current app's keys, read on first use and kept for the life of the process."""
    app = current_app
    keys = app.extensions.get("personal_data_keys")
    if keys is None:
        keys = app.extensions["personal_data_keys"] = PersonalDataKeys(configured_keys(app))
    return keys


def prepend_instance_key(app: Flask) -> bool:
    """Put a new key first in the instance file (rotation); False when the keys come from elsewhere
    (the environment: its owner puts the new key first there)."""
    if app.config.get("PERSONAL_DATA_KEY") or os.environ.get(ENVIRONMENT_VARIABLE):
        return False
    keys = instance_keys(app.instance_path)
    _write_private(key_file(app.instance_path), "\n".join([Fernet.generate_key().decode("ascii"), *keys]) + "\n")
    app.extensions.pop("personal_data_keys", None)
    return True


def drop_old_instance_keys(app: Flask) -> None:
    """Keep only the first key in the instance file (after every number was re-encrypted with it)."""
    keys = instance_keys(app.instance_path)
    _write_private(key_file(app.instance_path), keys[0] + "\n")
    app.extensions.pop("personal_data_keys", None)
