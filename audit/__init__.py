"""The append-only audit trail, hash-chained with a key and anchored outside the database: who did
what to which record, when, from where, and how it ended.

Offers: `services.record` (every feature's way to write an event; events are chained at commit),
`models.AuditEvent`, the chain (`chain`, `keys`, `verification`), the anchor log (`anchors`,
`daily`), the refusal hook (`denied`), `vocabulary.describe` (each feature names its actions, fields
and values and links its objects, so the trail reads in words: `presenting`), the pages at /audit
(filter and export: `queries`, `views`) and `flask audit verify|anchor`.
"""
from __future__ import annotations

from flask import Flask

from core.i18n import _l

ACTIONS = {"access.denied": _l("Access refused"), "audit.export": _l("Audit trail exported")}
# Fields many features record: plain names that read right whatever the object.
FIELDS = {"name": _l("Name"), "code": _l("Code"), "reason": _l("Reason"), "note": _l("Note"), "rows": _l("Rows"),
          "format": _l("Format"), "filters": _l("Filter"), "file": _l("File"), "filename": _l("File"),
          "sha256": _l("File fingerprint (SHA-256)"), "path": _l("File"), "endpoint": _l("Page")}


def init_app(app: Flask) -> None:
    """The /audit pages and CLI; every refused request recorded; the daily anchor; restores noted."""
    from audit import views  # noqa: F401  (its routes)
    from audit.blueprint import bp
    from audit.cli import audit_cli, note_restore
    from audit.daily import install as install_daily_anchor
    from audit.denied import record_denial
    from audit.vocabulary import describe
    from core.access import on_denied

    app.register_blueprint(bp, url_prefix="/audit")
    app.cli.add_command(audit_cli)
    on_denied(record_denial)
    # `flask restore` takes the database back in time: the anchor log (outside it) says so.
    app.extensions.setdefault("after_restore", []).append(note_restore)
    install_daily_anchor(app)
    describe(app, actions=ACTIONS, objects={"route": _l("Page")}, fields=FIELDS)
