"""Fixtures: an app on a real database built by the migrations, a client, a CLI runner, sign-in.

SQLite (default): the migrations build a template file once per run; each test gets a fresh copy.
PostgreSQL (TEST_DATABASE_URL set): the migrations build the schema once per run; each test starts
from empty tables (deleted as a replica, so the audit trail's UPDATE/DELETE triggers stand aside).
In parallel (pytest-xdist, `-n 2`), each worker has its own PostgreSQL database, named after the given
one with the worker's id appended, created on first use; SQLite copies are per test already.
"""
from __future__ import annotations

import contextvars
import os
import shutil
import threading
from datetime import date

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, exc, make_url, text
from werkzeug.serving import make_server

from app import create_app
from config import TestConfig, normalise_database_url
from extensions import db
from tests import factories
from tests.invariants import broken_invariants

PG_URL = os.environ.get("TEST_DATABASE_URL")
ROOT = os.path.dirname(os.path.dirname(__file__))
MIGRATIONS = os.path.join(ROOT, "migrations")
TRANSLATIONS = os.path.join(ROOT, "translations")


def _reuse_url_builders() -> None:
    """Each test builds its own app, and werkzeug compiles a Python function per route to build its
    URLs (about two thirds of create_app). The function depends only on the rule's text and parts
    (it reads the converters through the rule it is bound to), so the tests compile each one once.
    Rules with defaults fold converted values into the code: those are compiled as usual."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    compiled: dict = {}

    def reuse(self, append_unknown: bool = True):
        if self.defaults:
            return compile_builder(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = reuse


_reuse_url_builders()


def _settings(url: str, instance: str) -> dict:
    settings = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = url
    settings["UPLOAD_FOLDER"] = os.path.join(instance, "uploads")
    settings["AUDIT_ANCHOR_DIR"] = os.path.join(instance, "audit-anchors")
    settings["DOCUMENT_STORE"] = os.path.join(instance, "documents")
    settings["REPORT_CACHE_DIR"] = os.path.join(instance, "report-cache")
    return settings


def _migrate(url: str, instance: str) -> None:
    app = create_app(_settings(url, instance))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()


# A test that asks for none of these needs neither the app nor a database: it is a unit test.
APP_FIXTURES = {"app", "database_url", "database_template", "client", "runner", "live_server"}


def pytest_collection_modifyitems(items):
    """Mark the pure tests `unit` (`pytest -m unit` runs them in seconds, alone)."""
    for item in items:
        if not APP_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.unit)


def pytest_configure(config):
    """Compile the message catalogs, so the tests always see the current translations (once: in a
    parallel run the controller compiles before the workers start, and the workers leave the files be)."""
    if hasattr(config, "workerinput"):
        return
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", TRANSLATIONS])


def _worker_database(url: str) -> str:
    """The PostgreSQL database of this xdist worker (`<name>_gw0`, ...), created if missing."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))  # name: the given one + "_gw<n>"
    admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """The migrated schema: a template SQLite file, or the migrated PostgreSQL database's URL."""
    instance = str(tmp_path_factory.mktemp("instance"))
    if PG_URL:
        url = _worker_database(normalise_database_url(PG_URL))
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url, instance)
        return url
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite:///{path}", instance)
    return str(path)


def _empty_all(url: str) -> None:
    """Empty every table and restart the ids. A test leaves a few rows, and deleting them is four
    times faster than TRUNCATE, which replaces each table's files. The deletes run as a replica
    (superuser only), so the audit trail's triggers and the foreign keys' checks stand aside; a
    role that may not do that truncates."""
    engine = create_engine(url)
    tables = [f'"{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
    except exc.ProgrammingError:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(request, database_template, tmp_path):
    """A database of our own for one test, with the full schema and no rows; for a test marked `demo`,
    the demo county as of DEMO_DAY."""
    if request.node.get_closest_marker("demo"):
        return request.getfixturevalue("demo_database_url")
    if PG_URL:
        _empty_all(database_template)
        return database_template
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


# The day the shared demo county is loaded as of (tests that need the demo as of another day seed it).
DEMO_DAY = date(2026, 11, 27)


def _database_beside(url: str, suffix: str, template: str | None = None) -> str:
    """A PostgreSQL database named after `url`'s with `suffix`, made again (empty, or a copy of `template`)."""
    given = make_url(url)
    name = f"{given.database}_{suffix}"
    admin = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # names: ours + a fixed suffix
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def demo_template(database_template, tmp_path_factory):
    """The demo county as of DEMO_DAY, seeded once per run (per worker), with the instance folder the
    seeding wrote (documents, audit anchors): a SQLite file, or a PostgreSQL database each test copies.
    Seeding takes 15-20 s; a copy, well under one."""
    from demo.seed import seed_demo

    instance = tmp_path_factory.mktemp("demo-instance")
    if PG_URL:
        url = _database_beside(database_template, "demo")
        _migrate(url, str(instance))
    else:
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        shutil.copyfile(database_template, path)
        url = f"sqlite:///{path}"
    application = create_app(_settings(url, str(instance)))
    with application.app_context():
        seed_demo(DEMO_DAY)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url, instance


@pytest.fixture
def demo_database_url(demo_template, tmp_path):
    """A database of our own holding the demo county as of DEMO_DAY (a copy of `demo_template`), and
    the seeding's instance files in the test's instance folder. A module whose tests all start from
    the demo overrides `database_url` with this."""
    url, instance = demo_template
    shutil.copytree(instance, tmp_path, dirs_exist_ok=True)
    if PG_URL:
        return _database_beside(url, "copy", template=make_url(url).database)
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(make_url(url).database or "", path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url, tmp_path):
    """The application on the test's own database, with an app context pushed."""
    application = create_app(_settings(database_url, str(tmp_path)))
    with application.app_context():
        yield application
        db.session.rollback()
        failures = broken_invariants()
        db.session.remove()
        db.engine.dispose()
    assert not failures, f"ledger invariants broken after the test: {failures}"


@pytest.fixture
def gates_lifted(app):
    """No gate on status moves, for tests of the import's own mechanics that enter existing works at
    later statuses: the gates refuse that now (tests/test_entry_gates.py), and have their own tests."""
    app.extensions["project_gates"] = []


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh context, as in production.

    Without this, requests would share the test's app context, and with it `g` (where Flask-Login
    and Flask-Babel cache the user and the locale) and the database session.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # not inside a redirect being followed
            db.session.expire_all()  # the test's own session sees what the request committed
        return response


@pytest.fixture
def client(app):
    """A test client of the app."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


class Auth:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = factories.PASSWORD, **kwargs):
        return self.client.post("/login", data={"username": username, "password": password}, **kwargs)

    def logout(self):
        return self.client.post("/logout")

    def as_role(self, role: str):
        """Create a user with `role` (named after it) and sign in as that user."""
        factories.make_user(role, username=f"{role}-user")
        db.session.commit()
        response = self.login(f"{role}-user")
        assert response.status_code == 302, response.data
        return response


@pytest.fixture
def auth(client):
    """Sign-in helper bound to the test client."""
    return Auth(client)


@pytest.fixture
def live_server(app, database_url, tmp_path):
    """The app (on the test's own database) served on a free loopback port; yields its base URL."""
    settings = _settings(database_url, str(tmp_path))
    settings["WTF_CSRF_ENABLED"] = True  # the browser goes through the real CSRF protection
    settings["ONCE_TOKEN_REQUIRED"] = True  # and sends each form's one-time token, as browsers do
    served = create_app(settings)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
