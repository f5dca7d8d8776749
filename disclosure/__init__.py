"""Disclosure: what leaves the county's hands for the public.

Offers: `models` (Notice, Objection), `services` (the notice rules and the gates they hold on approval
and acceptance), `printing` (a notice as an A4 board notice with a QR code: templates/print/notice.typ),
the notice pages at /notices (signed in), the public pages at /public/ (no sign-in,
rate-limited per address: core.limits), the open data in OC4IDS (`oc4ids`: /public/oc4ids.json and .xlsx,
`flask oc4ids export|validate`) and `public` (what a public page may show: nothing personal).
"""
from __future__ import annotations

from flask import Flask

CHECKS_SHOWN = 50  # fund-use notices due listed on the checks page; /notices/due lists them all


def init_app(app: Flask) -> None:
    """The notice and public pages, `flask notices print`, `flask oc4ids export|validate`, the notice
    gates on status moves, the notices panel on a project's page, the fund-use notices due (a list and the
    fund-rule check `notice_due`), notices as records documents attach to (the photo of the posted board),
    disclosure's words for the audit trail."""
    from audit.vocabulary import describe
    from core.i18n import _l
    from disclosure import public_views, views  # noqa: F401  (their routes)
    from disclosure.blueprint import bp, public_bp
    from disclosure.cli import notices_cli
    from disclosure.evidence import register_owner_kind
    from disclosure.models import NOTICE_KINDS, PLACES
    from disclosure.oc4ids.cli import oc4ids_cli
    from disclosure.services import notice_gate
    from disclosure.views import project_notices
    from projects.gates import install_gate

    app.register_blueprint(bp, url_prefix="/notices")
    app.register_blueprint(public_bp, url_prefix="/public")
    app.cli.add_command(notices_cli)
    app.cli.add_command(oc4ids_cli)
    register_owner_kind(app)
    install_gate(app, notice_gate)
    app.extensions.setdefault("project_panels", []).append("disclosure/_project_notices.html")
    app.jinja_env.globals["project_notices"] = project_notices
    app.extensions["notice_kinds"], app.extensions["notice_places"] = NOTICE_KINDS, PLACES
    # The fund-rule checks page shows the fund-use notices due as its check `notice_due` (disclosure.due).
    app.extensions.setdefault("more_checks", []).append(
        ("disclosure/_due_notices.html", lambda today: views.due_check(limit=CHECKS_SHOWN)))
    describe(app, actions={"notice.create": _l("Notice posted"), "objection.create": _l("Objection received"),
                           "objection.resolve": _l("Objection resolved"),
                           "oc4ids.export": _l("Open data (OC4IDS) exported")},
             fields={"disclosed_only": _l("Disclosed projects only")},
             objects={"notice": _l("Notice")}, values={"kind": NOTICE_KINDS, "place": PLACES})
