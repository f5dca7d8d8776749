"""Inserting many rows whose ids nobody needs back, with as little work per row as the driver allows.

    insert_rows(connection, table, keys, rows)   # rows: tuples of values in the order of `keys`

SQLAlchemy's Core executemany (`insert(table)` with a list of dicts) builds and converts the
parameters of every row through the compiled statement: on SQLite that costs about as much as
SQLite's own work for 100,000 bank statement lines. For a driver with positional parameters
(SQLite) the statement is compiled once here, each column's own bind processor converts each
distinct value once (dates and timestamps repeat from row to row), and the rows go straight to the
driver's executemany, with SQLite's page cache raised for the insert: its default 2 MB cannot hold
the index pages that rows with random keys (fingerprints) touch in a large table, and re-reading
them cost a third of the insert. Other drivers (psycopg) take the Core path, which sends the rows
in batched multi-row INSERTs. Either way the same rows are stored, in the order given. When the new
ids are needed, core.bulk.insert_with_ids is the tool. No Flask here.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import Connection, Table, insert

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
