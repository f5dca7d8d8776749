"""The application factory: configuration from the environment, secrets kept out of code."""
from __future__ import annotations

from app import create_app
from config import normalise_database_url


def test_defaults_to_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    """With no DATABASE_URL the app uses an SQLite file in its instance folder."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/liandong.sqlite3")
    assert app.config["SECRET_KEY"] == "from-env"


def test_database_url_from_environment_uses_psycopg(monkeypatch):
    """DATABASE_URL is honoured, and a plain postgresql:// URL gets the psycopg 3 driver."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@127.0.0.1:5432/liandong")
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@127.0.0.1:5432/liandong"
    assert normalise_database_url("postgres://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    """Without SECRET_KEY a random key is written to the instance folder and reused, not a constant."""
    from config import instance_secret_key

    first = instance_secret_key(str(tmp_path))
    second = instance_secret_key(str(tmp_path))
    other = instance_secret_key(str(tmp_path / "other"))
    assert first == second and len(first) == 64
    assert other != first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_session_cookie_is_hardened(app):
    """Session cookies are HttpOnly and SameSite=Lax; CSRF protection is on outside tests."""
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    production = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert production.config.get("WTF_CSRF_ENABLED", True) is True


def test_forms_without_csrf_token_are_refused(app):
    """With CSRF on (as in production), a login POST without the token is refused with 400."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert b"Wrong username" not in response.data
