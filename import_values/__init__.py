"""Values of spreadsheet cells mapped by hand, remembered for every later import.

A county sheet says 宽带进村 where we say telecom; the choice readers (core.sheets.choices) know the
codes, labels and common synonyms, and what they do not know someone maps once, on the import's
value-mapping step or with `--map-value` on the command line. This package keeps those mappings in
the database, per kind of column, audited, and shared by every spreadsheet import (projects now,
payroll and contracts later): `services` (remembered, remember, forget), `kinds` (the kinds of
column features register, with the values each accepts) and the page at /imports/values where
planners list and remove them.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The /imports/values page; the table in the schema. Features register their kinds (`kinds.register`)."""
    from import_values import models, views  # noqa: F401  (the table; the routes)
    from import_values.audit_words import install as install_audit_words
    from import_values.blueprint import bp

    app.register_blueprint(bp, url_prefix="/imports")
    install_audit_words(app)
