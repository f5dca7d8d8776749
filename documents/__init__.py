"""Documents: the evidence attached to anything (an approval letter, a contract, an acceptance
report, an invoice, a site photo), kept as the county's auditors expect it.

Offers: `owners` (the registry of the kinds of record documents attach to: a feature registers its
kinds in its init_app, `owners.register(app, "project", ...)`, and says who may read and attach),
`types` (the documentType codelist: OC4IDS codes and the county's own), `sniffing` (what a file
really is, read from its bytes), `store` (files kept content-addressed by SHA-256 under
LIANDONG_DOCUMENT_STORE), `services` (attach, withdraw, list, verify; every rule), the download and
withdrawal routes at /documents and `flask documents add|verify`. A document is never deleted:
it is withdrawn with a reason, and both steps are audited.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The /documents routes, the `documents` command and the trail's words for documents."""
    from documents import models, views  # noqa: F401  (the table; the routes)
    from documents.audit_words import install as install_audit_words
    from documents.blueprint import bp
    from documents.cli import documents_cli

    app.register_blueprint(bp, url_prefix="/documents")
    app.cli.add_command(documents_cli)
    install_audit_words(app)
