"""Inserting many rows at once and learning their new ids, on SQLite and PostgreSQL alike.

    ids = insert_with_ids(Project.__table__, rows, key=("code",))   # ids[i] is the id of rows[i]

PostgreSQL: the ids are taken from the table's sequence first (one query, in ascending order, so
they follow the rows' order) and the rows inserted with them by one executemany, which psycopg
sends as a pipeline of one prepared statement; a multi-row INSERT ... RETURNING of thousands of
rows costs more there, in parsing its parameters, than the insert itself.

SQLite (3.35 or later): batches of multi-row INSERT ... RETURNING. SQLite numbers the rows in the
order of the VALUES but does not promise the order of RETURNING's rows, so each id is matched to its
row by `key`, a unique key of the table.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, text

from extensions import db


def insert_with_ids(table: Table, rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[int]:
    """Insert `rows` (dicts with the same keys, no id) into `table` in the session's transaction;
    the new ids in the rows' order, ascending."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        ids = list(db.session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) AS id FROM generate_series(1, :n) ORDER BY id"),
            {"table": dialect.identifier_preparer.format_table(table), "n": len(rows)}))
        db.session.execute(insert(table), [{**row, "id": new_id} for row, new_id in zip(rows, ids)])
        return ids
    statement = insert(table).returning(table.c.id, *(table.c[name] for name in key))
    found = {tuple(returned[1:]): returned[0] for returned in db.session.execute(statement, rows)}
    ids = [found.get(tuple(row[name] for name in key)) for row in rows]
    if len(found) != len(rows) or None in ids:
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted, {len(found)} ids returned")
    return ids
