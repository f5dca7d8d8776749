"""Accounts, roles, signing in and out, and the administrator's account management.

Offers: `models.User`, `services` (create, change, disable accounts; change one's password; the
rules both the web and the CLI apply), `signin` and `throttle` (sign-in and its limits), `sessions`
(expiry and forced password changes), the pages at / and /admin and `flask users`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Sign-in (Flask-Login), the per-request session rules, the pages and the `users` command."""
    from auth import admin_views, views  # noqa: F401  (their routes)
    from auth.audit_words import install as install_audit_words
    from auth.blueprint import admin_bp, bp
    from auth.cli import users_cli
    from auth.sessions import init_login

    init_login(app)
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.cli.add_command(users_cli)
    install_audit_words(app)
