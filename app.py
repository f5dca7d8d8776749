"""Application factory: configuration, extensions, blueprints, CLI and error pages. Nothing else."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, has_request_context, render_template, request, session
from flask_login import current_user

import core.database  # noqa: F401  (connection and transaction behaviour, by engine events)
from core import params
from core.access import on_denied
from config import Config, instance_secret_key, normalise_database_url
from extensions import babel, csrf, db, login_manager, migrate


def _select_locale() -> str:
    """The chosen language: the session's choice, else the user's, else the browser's best match."""
    languages = ("zh_CN", "en")
    if not has_request_context():
        return "en"  # the CLI speaks English, like the rest of the shell
    chosen = session.get("lang") or getattr(current_user, "locale", None)
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return "zh_CN"
    return "en" if best.startswith("en") else "zh_CN"


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app; `config` (a mapping) overrides settings, as tests do."""
    app = Flask(__name__, instance_relative_config=True)
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

    app.json.ensure_ascii = False
    if app.config.get("PROXY_HOPS"):  # the client's address from X-Forwarded-For, set by our own proxies only
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    params.install(app)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)
    _register_blueprints(app)
    _install_providers(app)
    _register_cli(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    return app


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite database file owner-only before SQLite does (its WAL and shared-memory files
    take the same mode): it holds password hashes and every money record."""
    from sqlalchemy.engine import make_url

    from core.files import create_private

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        create_private(Path(parsed.database))


def _init_login(app: Flask) -> None:
    """Flask-Login: load users by id and session token; send strangers to the login page."""
    from flask_babel import lazy_gettext as _l

    from auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    on_denied(_audit_denied)
    from auth.sessions import enforce_session_rules

    app.before_request(enforce_session_rules)

    @login_manager.user_loader
    def load_user(identity: str):
        user_id, _, token = identity.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


def _audit_denied(reason: str, endpoint: str, path: str) -> None:
    """Keep a record of every refused request, in its own small write transaction (retried when
    other writers are busy; the refusal is answered even if it could not be written)."""
    from types import SimpleNamespace

    from audit.services import record
    from core.transactions import ConflictError, commit_with_retry

    # Plain values: the signed-in user's row is expired by the rollback that ends the request's work.
    who = SimpleNamespace(id=current_user.id, username=current_user.username) if current_user.is_authenticated else None
    db.session.rollback()
    try:
        commit_with_retry(lambda: record(
            "access.denied", user=who, object_type="route", object_id=path[:64],
            after={"endpoint": endpoint, "reason": reason}, outcome="denied", remote_addr=request.remote_addr))
    except ConflictError:
        current_app.logger.exception("could not record a refused request to %s", path)


def _register_blueprints(app: Flask) -> None:
    """Mount each feature at its stable URL prefix."""
    import core.once  # noqa: F401  (its table belongs to the schema)
    from audit.views import bp as audit_bp
    from auth.admin_views import bp as admin_bp
    from auth.views import bp as auth_bp
    from funds.views import bp as funds_bp
    from projects.views import bp as projects_bp
    import projects.import_views  # noqa: F401  (registers the import routes on projects_bp)
    from reports.views import bp as reports_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(projects_bp, url_prefix="/projects")
    app.register_blueprint(funds_bp, url_prefix="/funds")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(audit_bp, url_prefix="/audit")


def _install_providers(app: Flask) -> None:
    """Give planning pages their read of the finance ledger, the checks page the reports' cached
    runner, and `flask restore` the audit trail's restore note, without planning importing finance,
    finance importing reports or core importing the audit trail."""
    from funds.project_money import LedgerForProjects

    app.extensions["project_money"] = LedgerForProjects()
    # The checks page runs the fund-rule checks through the reports' cache (keyed by data version).
    from reports.services import cached_checks

    app.extensions["cached_checks"] = cached_checks
    # Recompute the unfiltered reports in the background after a change (REPORT_WARM_SECONDS > 0).
    from reports.warm import install

    install(app)
    # The audit trail anchors its chain once a day, and notes in its anchor log that a restore took
    # the database back in time (the log lives outside the database).
    from audit.cli import note_restore
    from audit.daily import install as install_daily_anchor

    app.extensions["after_restore"] = [note_restore]
    install_daily_anchor(app)


def _register_cli(app: Flask) -> None:
    """Command-line groups: users, seed-demo, audit."""
    from audit.cli import audit_cli
    from auth.cli import users_cli
    from core.backup_cli import backup_command, restore_command
    from demo.cli import seed_demo_command
    from demo.gen_data import gen_data_command
    from funds.cli_checks import checks_command
    from funds.cli import payments_cli
    from funds.cli_statements import statements_cli
    from projects.cli import projects_cli
    from reports.cli import report_command

    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(gen_data_command)
    app.cli.add_command(checks_command)
    app.cli.add_command(payments_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(statements_cli)
    app.cli.add_command(projects_cli)
    app.cli.add_command(report_command)


def _register_error_pages(app: Flask) -> None:
    """Plain error pages in the user's language, never a traceback."""

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            db.session.rollback()
        # A 400 raised by core.params carries a message for people; werkzeug's own descriptions do not.
        message = getattr(error, "description", None) if code == 400 and getattr(error, "liandong", False) else None
        return render_template("errors/error.html", code=code, message=message), code

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, render_error)


def _register_template_helpers(app: Flask) -> None:
    """Money formatting and label lookups for templates."""
    from flask_babel import get_locale

    from core.money import format_basis_points, format_wan, format_yuan

    app.jinja_env.filters["yuan"] = format_yuan
    app.jinja_env.filters["wan"] = format_wan
    app.jinja_env.filters["pct"] = format_basis_points
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale())}

    app.after_request(_security_headers)


CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def _security_headers(response):
    """Headers on every response: no framing, no sniffing, no inline script, no caching of money pages."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
