"""Time the main pages through the real app (test client), and the bare SQL each page ran.

A page is requested `runs` times cold (the report cache emptied before each request, its disk tier
left out: everything computed from the database), `runs` times after a restart (the memory emptied
before each request, the disk tier holding what an earlier process computed) and `runs` times warm. While a cold request runs, every SQL statement it sends is recorded; replaying exactly
those statements on a raw DBAPI cursor (fetching every row) is the page's bare SQL time: the floor
the app cannot go below. app/SQL is the ratio of the two medians.
"""
from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event, func, select

from auth.models import User
from extensions import db
from funds.models import Allocation, FundSource, Payment
from projects.models import Project
from reports.cache.store import report_cache
from reports.charts.catalog import DASHBOARD_CHARTS, PROJECT_CHARTS

BENCH_USER = "bench-leader"
BENCH_PASSWORD = "Bench-Password-2026-long"


@dataclass
class Timing:
    """Medians and 95th percentiles (ms) of one page, cold and warm, and of its bare SQL."""

    name: str
    path: str
    cold: list[float]
    warm: list[float]
    restart: list[float]
    sql: list[float]
    statements: int
    status: int

    @staticmethod
    def _p(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0

    def row(self) -> dict:
        cold, sql = statistics.median(self.cold), statistics.median(self.sql) if self.sql else 0.0
        return {"page": self.name, "path": self.path, "status": self.status,
                "cold_median_ms": round(cold, 1), "cold_p95_ms": round(self._p(self.cold, 0.95), 1),
                "restart_median_ms": round(statistics.median(self.restart), 1) if self.restart else None,
                "restart_p95_ms": round(self._p(self.restart, 0.95), 1) if self.restart else None,
                "warm_median_ms": round(statistics.median(self.warm), 1),
                "warm_p95_ms": round(self._p(self.warm, 0.95), 1),
                "sql_median_ms": round(sql, 1), "statements": self.statements,
                "app_sql_ratio": round(cold / sql, 2) if sql else None}


def ensure_bench_user() -> User:
    """A leader account for the benchmark (created once, no forced password change)."""
    from auth.services import create_user

    user = db.session.scalar(select(User).where(User.username == BENCH_USER))
    if user is None:
        user = create_user(BENCH_USER, "leader", BENCH_PASSWORD, must_change_password=False)
        db.session.commit()
    return user


def main_pages() -> list[tuple[str, str]]:
    """(name, path) of the pages to time, chosen on the data: the busiest project and source."""
    busiest = db.session.scalar(select(Payment.project_id).group_by(Payment.project_id)
                                .order_by(func.count().desc()).limit(1))
    source = db.session.scalar(select(FundSource.id).order_by(FundSource.spent_fen.desc()).limit(1))
    pages = [("project list", "/projects/"),
             ("project list, filtered", "/projects/?category=road&status=in_progress"),
             ("project list, text search", "/projects/?q=G2020"),
             ("project page", f"/projects/{busiest}"),
             ("project report", f"/reports/projects/{busiest}"),
             ("fund sources", "/funds/"),
             ("fund-source ledger", f"/funds/sources/{source}"),
             ("reconciliation", f"/funds/sources/{source}/reconcile"),
             ("checks", "/funds/checks"),
             ("dashboard", "/reports/"),
             ("earned value", "/reports/earned-value")]
    pages += [(f"chart {name}", f"/reports/charts/{name}.png") for name in DASHBOARD_CHARTS]
    pages += [(f"chart {name}", f"/reports/charts/{name}.png?project={busiest}") for name in PROJECT_CHARTS]
    pages.append(("meeting report PDF", "/reports/meeting-report.pdf?lang=zh"))  # as the dashboard links it
    return pages


@contextmanager
def recorded_statements(engine, into: list):
    """Record (statement, parameters) of everything sent to the database inside the block."""
    def before(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany:
            into.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield into
    finally:
        event.remove(engine, "before_cursor_execute", before)


def replay(engine, statements: list) -> float:
    """Milliseconds to run `statements` on a raw DBAPI cursor and fetch every row."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        raw.rollback()
        return elapsed
    finally:
        raw.close()


def logged_in_client(app, user: User):
    """A test client carrying a signed-in session for `user` (as the login form would leave it)."""
    client = app.test_client()
    now = int(time.time())
    with client.session_transaction() as session:
        session.update({"_user_id": user.get_id(), "_fresh": True, "started": now, "seen": now, "lang": "zh_CN"})
    return client


def _get(client, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(path)
    response.get_data()
    return (time.perf_counter() - started) * 1000, response.status_code


def time_page(app, client, name: str, path: str, runs: int) -> Timing:
    """Cold and warm timings of one page, and the bare SQL of its cold request."""
    cache = report_cache()
    cold, warm, restart, sql, statements, status = [], [], [], [], [], 200
    disk, cache.disk = cache.disk, None
    try:
        for _ in range(runs):
            cache.clear()
            captured: list = []
            with recorded_statements(db.engine, captured):
                elapsed, status = _get(client, path)
            cold.append(elapsed)
            statements = captured
    finally:
        cache.disk = disk
    if disk is not None:
        cache.clear()
        _get(client, path)  # computed once, kept on disk, as by the process before the restart
        for _ in range(runs):
            cache.clear()
            restart.append(_get(client, path)[0])
    for _ in range(runs):
        warm.append(_get(client, path)[0])
    for _ in range(runs):
        sql.append(replay(db.engine, statements))
    return Timing(name, path, cold, warm, restart, sql, len(statements), status)


def county_size() -> dict[str, int]:
    """How big the county under test is."""
    return {"projects": db.session.scalar(select(func.count(Project.id))),
            "allocations": db.session.scalar(select(func.count(Allocation.id))),
            "payments": db.session.scalar(select(func.count(Payment.id))),
            "sources": db.session.scalar(select(func.count(FundSource.id)))}


AFTER_CHANGE_PAGES = ("dashboard", "checks", "earned value", "chart monthly-spending", "chart fund-utilisation",
                      "meeting report PDF")


def _change_the_ledger(run: int) -> None:
    """One finance entry, as a clerk would make it: a 1-yuan payment on even runs, its reversal on odd ones."""
    from datetime import date

    from funds.ledger import services as ledger
    from projects.models import Milestone

    if run % 2:
        last = db.session.scalar(select(Payment).where(Payment.voucher_no.like("BENCH-%"),
                                                       Payment.reversal_of_id.is_(None)).order_by(Payment.id.desc()))
        if last is not None and not db.session.scalar(select(Payment.id).where(Payment.reversal_of_id == last.id)):
            ledger.reverse_payment(last, voucher_no=f"BENCH-R-{time.time_ns()}", reversed_on=date.today(),
                                   reason="benchmark")
            db.session.commit()
            return
    allocation = db.session.scalar(select(Allocation).where(Allocation.amount_fen - Allocation.spent_fen >= 100)
                                   .order_by(Allocation.id).limit(1))
    milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == allocation.project_id).limit(1))
    ledger.record_payment(allocation.source, allocation.project, milestone, voucher_no=f"BENCH-{time.time_ns()}",
                          payee="基准测试", paid_on=date.today(), amount_fen=100, cost_category="materials")
    db.session.commit()


def time_after_change(app, client, chosen: list[tuple[str, str]], runs: int) -> dict:
    """What a leader sees after each finance entry with the report warmer (reports/warm.py) at work:
    the seconds the warmer spends in the background, then each report's first view (ms)."""
    from reports.warm import warm

    paths = dict(chosen)
    background, views = [], {name: [] for name in AFTER_CHANGE_PAGES}
    for run in range(runs):
        _change_the_ledger(run)
        started = time.perf_counter()
        warm(("zh_Hans_CN",))
        background.append(time.perf_counter() - started)
        for name in AFTER_CHANGE_PAGES:
            views[name].append(_get(client, paths[name])[0])
    return {"background_seconds_median": round(statistics.median(background), 2),
            "background_seconds_max": round(max(background), 2),
            "first_view_ms": {name: round(statistics.median(values), 1) for name, values in views.items()}}
