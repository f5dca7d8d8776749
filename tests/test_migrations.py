"""The migrations build exactly the schema the models describe, on the database under test."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from extensions import db


def test_migrations_match_models(app):
    """No table, column, index or constraint differs between `db upgrade` and the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
