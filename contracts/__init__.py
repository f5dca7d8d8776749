"""Contracting: who is paid, under what contract. Today the contractor register (suppliers).

Offers: `uscc` (the unified social credit code and its GB 32100-2015 check character, pure),
`models` (Contractor), `services` (every rule on contractors, whatever door it comes through), the
pages at /contracts/contractors and `flask contractors add`. Contracts, variations and payments under
contracts come next (issue 15); they sit here, above planning (a contract is on a project) and
below finance (a payment names its contract).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The contractor pages, the `contractors` command and the trail's words for them."""
    from contracts import models, views  # noqa: F401  (the tables; the routes)
    from contracts.audit_words import install as install_audit_words
    from contracts.blueprint import bp
    from contracts.cli import contractors_cli

    app.register_blueprint(bp, url_prefix="/contracts")
    app.cli.add_command(contractors_cli)
    install_audit_words(app)
