"""Assets after completion (资产移交): what an accepted project built, whose it is and who keeps it up.

Offers: `models` (Asset), `services` (the draft an acceptance creates, editing with a reason for the
value, handing over), `register` (the register's filters and rows, its export), `overdue` (the check
`asset_not_handed_over`: pure), the pages at /assets, the panel on a project's page and
`flask assets export FILE.csv`. Beside payroll, above finance: an asset's value defaults to what the
project spent.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The pages, the project panel, the draft created on acceptance, the check on the checks page and in
    `flask checks --json`, the `assets` commands and the trail's words."""
    from assets import models, views
    from assets.audit_words import install as install_audit_words
    from assets.blueprint import bp
    from assets.cli import assets_cli
    from assets.overdue import check_context, check_rows
    from assets.register import plain_quantity
    from assets.services import draft_on_acceptance
    from core.access import ASSET_WRITERS
    from projects.gates import install_after_move

    app.register_blueprint(bp, url_prefix="/assets")
    app.cli.add_command(assets_cli)
    install_audit_words(app)
    install_after_move(app, "accepted", draft_on_acceptance)
    app.extensions.setdefault("project_panels", []).append("assets/_project_assets.html")
    app.jinja_env.globals.update(project_assets=views.project_assets, asset_classes=models.ASSET_CLASSES,
                                 owner_types=models.OWNER_TYPES, asset_writers=ASSET_WRITERS,
                                 plain_quantity=plain_quantity)
    app.extensions.setdefault("more_checks", []).append(("assets/_overdue_check.html", check_context))
    app.extensions.setdefault("more_check_rows", []).append(check_rows)
