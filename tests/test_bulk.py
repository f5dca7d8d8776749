"""Bulk inserts straight to the driver store exactly what SQLAlchemy Core would, in order, on either database."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, text

from core.bulk import insert_rows
from extensions import db
from funds.models import StatementImport, StatementLine
from tests import factories

# Not the table's column order, so the values must be put in the statement's order.
KEYS = ("matched_at", "fingerprint", "import_id", "source_id", "row_number", "txn_date", "period", "direction",
        "amount_fen", "reference", "payee", "account", "summary")
READ_BACK = (StatementLine.row_number, StatementLine.txn_date, StatementLine.period, StatementLine.direction,
             StatementLine.amount_fen, StatementLine.reference, StatementLine.payee, StatementLine.account,
             StatementLine.summary, StatementLine.matched_at)


def _rows(statement_import, prefix: str) -> list[tuple]:
    at = datetime(2026, 3, 31, 17, 5, 9, 123456)
    return [(at if number % 2 else None, f"{prefix}{number:062d}", statement_import.id, statement_import.source_id,
             number, date(2026, 3, 1 + number % 3), 202603, "debit" if number % 4 else "credit", 100 * number + 1,
             f"记-2026-{number:04d}", "永州某某路桥建设有限公司（示例）", "", "工程款 " * (number % 2))
            for number in range(1, 8)]


def _read(statement_import) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(select(*READ_BACK).where(
        StatementLine.import_id == statement_import.id).order_by(StatementLine.id))]


def test_insert_rows_matches_core_insert(app):
    """Rows sent straight to the driver (dates, timestamps with microseconds, NULLs, Chinese text) read back
    exactly like the same rows inserted by SQLAlchemy Core, in the order given."""
    source = factories.make_source()
    imports = [StatementImport(source_id=source.id, filename=name, file_sha256="0" * 64) for name in ("a", "b")]
    db.session.add_all(imports)
    db.session.flush()
    insert_rows(db.session.connection(), StatementLine.__table__, KEYS, _rows(imports[0], "a"))
    db.session.execute(insert(StatementLine.__table__), [dict(zip(KEYS, row)) for row in _rows(imports[1], "b")])
    assert _read(imports[0]) == _read(imports[1]) and len(_read(imports[0])) == 7
    assert [row[0] for row in _read(imports[0])] == list(range(1, 8))
    db.session.commit()


def test_sqlite_page_cache_is_given_back(app):
    """The larger SQLite page cache of a bulk insert is the connection's own size again afterwards."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    before = connection.execute(text("PRAGMA cache_size")).scalar()
    statement_import = StatementImport(source_id=factories.make_source().id, filename="c", file_sha256="0" * 64)
    db.session.add(statement_import)
    db.session.flush()
    insert_rows(connection, StatementLine.__table__, KEYS, _rows(statement_import, "c"))
    assert connection.execute(text("PRAGMA cache_size")).scalar() == before
    insert_rows(connection, StatementLine.__table__, KEYS, [])  # nothing to insert: nothing happens
    assert len(_read(statement_import)) == 7


def test_collector_resumes_only_when_the_last_of_overlapping_jobs_ends():
    """Two bulk jobs overlapping in threads of one process: the collector stays paused until both end,
    and is running afterwards (a job restoring 'as it found it' would leave it off for good)."""
    import gc
    import threading

    from core.bulk import cycle_collector_paused

    assert gc.isenabled()
    first_in, second_done = threading.Event(), threading.Event()

    def first():
        with cycle_collector_paused():
            first_in.set()
            second_done.wait(5)
            assert not gc.isenabled()

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first job still runs
    second_done.set()
    thread.join()
    assert gc.isenabled()
