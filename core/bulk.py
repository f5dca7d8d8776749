"""Inserting many rows at once: with their new ids back, or as fast as the driver allows.

    ids = insert_with_ids(Project.__table__, rows, key=("code",))   # ids[i] is the id of rows[i]
    insert_rows(connection, table, keys, rows)   # rows: tuples of values in the order of `keys`
    with cycle_collector_paused(): ...           # a bulk job that keeps many objects alive at once

**insert_with_ids.** PostgreSQL: the ids are taken from the table's sequence first (one query, in
ascending order, so they follow the rows' order) and the rows inserted with them by one
executemany, which psycopg sends as a pipeline of one prepared statement; a multi-row INSERT ...
RETURNING of thousands of rows costs more there, in parsing its parameters, than the insert
itself. SQLite (3.35 or later): batches of multi-row INSERT ... RETURNING. SQLite numbers the rows
in the order of the VALUES but does not promise the order of RETURNING's rows, so each id is
matched to its row by `key`, a unique key of the table.

**insert_rows**, when nobody needs the ids. SQLAlchemy's Core executemany (`insert(table)` with a
list of dicts) builds and converts the parameters of every row through the compiled statement: on
SQLite that costs about as much as SQLite's own work for 100,000 bank statement lines. For a driver
with positional parameters (SQLite) the statement is compiled once here, each column's own bind
processor converts each distinct value once (dates and timestamps repeat from row to row), and the
rows go straight to the driver's executemany, with SQLite's page cache raised for the insert: its
default 2 MB cannot hold the index pages that rows with random keys (fingerprints) touch in a large
table, and re-reading them cost a third of the insert. Other drivers (psycopg) take the Core path,
which sends the rows in batched multi-row INSERTs. Either way the same rows are stored, in order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, insert, text

from core.collector import cycle_collector_paused  # noqa: F401 - re-exported: bulk jobs pause it
from extensions import db

BULK_CACHE_KIB = 65_536  # SQLite page cache during a bulk insert; the connection's own size is restored after


def insert_rows(connection: Connection, table: Table, keys: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows` (each a tuple of values for `keys`, in that order) into `table`, in order."""
    if not rows:
        return
    dialect = connection.dialect
    keys = list(keys)
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = compiled.positiontup if dialect.positional else None
    if names is None or sorted(names) != sorted(keys):  # named parameters, or a default to fill in: Core
        connection.execute(insert(table), [dict(zip(keys, row)) for row in rows])
        return
    order = [keys.index(name) for name in names]
    conversions = [(position, _memoised(process)) for position, process in enumerate(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names) if process is not None]
    in_order = order == list(range(len(keys)))
    parameters: Sequence[tuple] = rows
    if conversions or not in_order:
        parameters = []
        for row in rows:
            values = list(row) if in_order else [row[position] for position in order]
            for position, convert in conversions:
                values[position] = convert(values[position])
            parameters.append(tuple(values))  # SQLAlchemy passes on tuples (or dicts) only
    with _page_cache(connection, BULK_CACHE_KIB):
        connection.exec_driver_sql(compiled.string, parameters)


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The bind processor, converting each distinct value (of each type) once."""
    seen: dict = {}

    def convert(value: Any) -> Any:
        key = (value.__class__, value)
        try:
            return seen[key]
        except KeyError:
            converted = seen[key] = process(value)
            return converted
        except TypeError:  # unhashable: convert it every time
            return process(value)

    return convert


@contextmanager
def _page_cache(connection: Connection, kib: int) -> Iterator[None]:
    """On SQLite, a page cache of at least `kib` KiB for the block; elsewhere (or already larger) nothing."""
    if connection.dialect.name != "sqlite":
        yield
        return
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar()  # pages if > 0, -KiB if < 0
    if size is None or size > 0 or -size >= kib:  # set in pages (someone chose it) or already roomy
        yield
        return
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(size)}")  # gives the memory back


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
    found: dict[tuple, int] = {tuple(returned[1:]): returned[0] for returned in db.session.execute(statement, rows)}
    ids = [found.get(tuple(row[name] for name in key)) for row in rows]
    numbered = [new_id for new_id in ids if new_id is not None]
    if len(found) != len(rows) or len(numbered) != len(rows):
        raise RuntimeError(f"{table.name}: {len(rows)} rows inserted, {len(found)} ids returned")
    return numbered
