"""Application factory: configuration and extensions, then each feature wires itself in. Nothing else.

Features are installed in the order of the layers (core/ at the bottom; see the README's "How the
code is laid out"): each package's `init_app` registers its blueprints, its commands and what it
provides to others.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

import api
import assets
import audit
import auth
import contracts
import core
import demo
import disclosure
import documents
import funds
import import_values
import payroll
import projects
import reports
from config import Config, instance_secret_key, normalise_database_url
from core.files import create_private
from extensions import csrf, db, migrate

FEATURES = (core, audit, auth, import_values, documents, projects, contracts, funds, payroll, assets, reports,
            disclosure, api, demo)


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app; `config` (a mapping) overrides settings, as tests do."""
    app = Flask(__name__, instance_relative_config=True)
    _configure(app, config)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    return app


def _configure(app: Flask, config: dict | None) -> None:
    """Settings: Config (from the environment), then `config`; the database URL and the secret key."""
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        default = "sqlite:///" + os.path.join(app.instance_path, "liandong.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", default)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or instance_secret_key(app.instance_path)
    # Flask types app.json as the JSONProvider interface; ours is its DefaultJSONProvider, which has it.
    app.json.ensure_ascii = False  # pyright: ignore[reportAttributeAccessIssue]


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite database file owner-only before SQLite does (its WAL and shared-memory files
    take the same mode): it holds password hashes and every money record."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        create_private(Path(parsed.database))
