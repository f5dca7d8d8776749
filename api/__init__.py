"""The JSON API for other systems at /api/v1/: personal access tokens, reads, idempotent writes, OpenAPI.

`models` (tokens, stored idempotent answers), `tokens` (make, check, revoke), `auth` (Bearer only, the
user's role and area as on the web, every use audited, a rate limit per token), `resources` (the
routes), `schemas` (shapes, money as fen and yuan), `problems` (RFC 9457 errors), `idempotency`,
`etags`, `docs` (the OpenAPI document and its page), `views` (a user's tokens page), `cli`
(`flask tokens ...`).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Tokens and their page and commands; the API blueprint, its OpenAPI document and its page."""
    from api import auth, models, views  # noqa: F401  (the tables; the token pages)
    from api.audit_words import install as install_audit_words
    from api.cli import tokens_cli
    from api.docs import LiandongApi, docs_bp
    from api.resources import blp
    from extensions import csrf

    app.config.setdefault("API_TITLE", "Liandong API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served by api.docs, with an access rule
    api = LiandongApi(app, spec_kwargs={"components": {"securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "description": "a personal access token, ld_..."}}},
        "security": [{"bearer": []}]})
    csrf.exempt(blp)  # only token-authenticated routes: session cookies are not accepted there (api.auth)
    api.register_blueprint(blp)
    app.extensions["liandong_api"] = api
    app.register_blueprint(docs_bp)
    app.register_blueprint(views.bp, url_prefix="/account/tokens")
    app.cli.add_command(tokens_cli)
    auth.install(app)
    install_audit_words(app)
