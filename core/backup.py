"""Consistent backups while the app runs, and restoring them.

SQLite: the online backup API copies a consistent snapshot page by page while others keep working.
PostgreSQL: `pg_dump` (custom format) takes a consistent snapshot in one transaction; `pg_restore`
brings it back. Restoring replaces the database's contents: stop the app first.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from core.files import create_private


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why."""


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return database


def _libpq_url(engine: Engine) -> tuple[str, dict]:
    """A libpq connection string (without the password) and the environment carrying the password."""
    url = make_url(str(engine.url.render_as_string(hide_password=False))).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the database to `target` (a new file)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    create_private(target)  # it holds password hashes and every money record: owner-only from the start
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_path(engine)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    if engine.dialect.name == "postgresql":
        url, env = _libpq_url(engine)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), url], env)
        return
    raise BackupError(f"no backup method for {engine.dialect.name}")


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with the backup in `source`."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    engine.dispose()
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as backup_copy, sqlite3.connect(_sqlite_path(engine)) as live:
            backup_copy.backup(live)
        return
    if engine.dialect.name == "postgresql":
        url, env = _libpq_url(engine)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url,
              str(source)], env)
        return
    raise BackupError(f"no restore method for {engine.dialect.name}")
