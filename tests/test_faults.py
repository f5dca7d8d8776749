"""Faults part-way through a multi-row change leave nothing behind: an injected error, and kill -9."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select, text

from audit import services as audit_services
from audit.models import AuditEvent
from audit.services import verify_database
from config import TestConfig
from extensions import db
from funds.ledger import services as ledger
from funds.models import MonthClose
from projects.imports import write as import_write
from projects.models import Milestone, Project
from tests import factories
from tests.conftest import ROOT
from tests.http_session import HttpSession
from tests.injection import fail_on_call
from tests.spreadsheet_builders import PROJECT_HEADERS, make_county, project_line, xlsx_bytes


def _counts():
    """Projects, milestones, and audit events other than sign-ins."""
    return (db.session.scalar(select(func.count(Project.id))), db.session.scalar(select(func.count(Milestone.id))),
            db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.not_in(("login", "logout")))))


def _workbook(rows: int) -> bytes:
    lines = [PROJECT_HEADERS] + [project_line(f"SP-K-{number:05d}") for number in range(rows)]
    return xlsx_bytes(("项目", lines))


@pytest.mark.parametrize("where", ["third project", "audit trail"])
def test_failure_half_way_through_an_import_stores_nothing(client, auth, app, monkeypatch, where):
    """An error on the third of five new projects, or once every project is inserted and the audit
    events are being written, rolls the whole web import back; the audit chain still verifies."""
    make_county()
    db.session.commit()
    auth.as_role("planner")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["UPLOAD_FOLDER"] = str(app.instance_path) + "/uploads"
    calls = []
    if where == "third project":
        calls = fail_on_call(monkeypatch, import_write.PlanWriter, "_prepare_new_project", 3,
                             RuntimeError("disk full (injected)"))
    else:
        real_many = audit_services.record_many

        def failing_many(events):
            calls.append(len(events))
            if len(events) > 1:  # the import's events, after its projects were inserted
                assert db.session.scalar(select(func.count(Project.id))) == 5
                raise RuntimeError("disk full (injected)")
            return real_many(events)

        monkeypatch.setattr(audit_services, "record_many", failing_many)
    before = _counts()
    upload = client.post("/projects/import", data={"file": (__import__("io").BytesIO(_workbook(5)), "five.xlsx")})
    token = upload.headers["Location"].split("/import/")[1].split("/")[0]
    response = client.post(f"/projects/import/{token}/confirm")
    assert response.status_code == 500
    assert (len(calls) == 3) if where == "third project" else (calls == [6])  # 5 projects and the summary
    assert _counts() == before
    assert verify_database().ok


def test_failure_while_closing_a_month_stores_nothing(app, monkeypatch):
    """If writing the audit event fails, the month is not closed either."""
    source = factories.make_source(received_fen=100)
    db.session.commit()
    monkeypatch.setattr(ledger, "record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("injected")))
    with pytest.raises(RuntimeError):
        ledger.close_month(source, 202601, today=date(2026, 3, 1))
    db.session.rollback()
    assert db.session.scalar(select(func.count(MonthClose.id))) == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Run the app with the import's last write held open: once the audit events of a large import are
# inserted (every row of it written, nothing committed), touch the marker file and wait to be killed.
PAUSED_SERVER = """
import os, sys, time
from audit import services
real_record_many = services.record_many
def record_many_then_wait(events):
    real_record_many(events)
    if len(events) > 100:
        open(os.environ["LIANDONG_TEST_MARKER"], "w").close()
        time.sleep(120)
services.record_many = record_many_then_wait
from flask.cli import main
sys.argv = ["flask", "--app", "app", "run", "--port", sys.argv[1]]
main()
"""


def _serve(database_url: str, port: int, instance: str, marker: str) -> subprocess.Popen:
    # The server keys the audit chain as the test's app does, and anchors into the test's folder.
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "kill-test", "PYTHONPATH": ROOT,
           "LIANDONG_UPLOAD_FOLDER": instance, "LIANDONG_TEST_MARKER": marker,
           "LIANDONG_AUDIT_KEY": TestConfig.AUDIT_KEY, "LIANDONG_AUDIT_ANCHOR_DIR": os.path.join(instance, "anchors"),
           "LIANDONG_REPORT_WARM_SECONDS": "0", "LIANDONG_REPORT_CACHE_DIR": os.path.join(instance, "report-cache")}
    process = subprocess.Popen([sys.executable, "-c", PAUSED_SERVER, str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90  # a loaded CI machine (parallel test workers) starts Python slowly
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not start (exit code {process.poll()})")


def test_kill_9_of_the_server_during_a_large_import_leaves_nothing(app, database_url, tmp_path):
    """The server process is killed (SIGKILL) in the middle of importing 3,000 projects, once every
    row and audit event of it is written but not committed: none are stored, the audit chain holds
    and the database is intact. (The import takes about a second, too little to aim a kill at by the
    clock: the server is told to wait at that point until it is killed.)"""
    make_county()
    factories.make_user("planner", username="importer")
    db.session.commit()
    before = _counts()
    db.session.remove()
    port = _free_port()
    marker = tmp_path / "import-written"
    server = _serve(database_url, port, str(tmp_path), str(marker))
    try:
        browser = HttpSession(f"http://127.0.0.1:{port}")
        browser.login("importer", factories.PASSWORD)
        status, _, url = browser.post_file("/projects/import", "file", "big.xlsx", _workbook(3000), "/projects/import")
        assert status == 200 and url.endswith("/preview"), url
        confirm = url.replace("/preview", "/confirm")
        token = browser.csrf_token(url.replace(browser.base, ""))
        def send_confirm():
            with contextlib.suppress(OSError):  # the connection dies with the server: that is the point
                browser.post_with_token(confirm.replace(browser.base, ""), {}, token)

        sender = threading.Thread(target=send_confirm, daemon=True)
        sender.start()
        for _ in range(600):  # the import is under way: its rows are written, not committed
            if marker.exists() or server.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the import never reached its last write"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
    assert _counts() == before
    assert verify_database().ok
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_failure_half_way_through_a_reconciliation_run_stores_nothing(app, monkeypatch):
    """If matching fails after the lines were written, neither the lines nor any match remain."""
    from funds.models import StatementImport, StatementLine
    from funds.reconcile import services as reconciliation
    from tests.spreadsheet_builders import csv_bytes

    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=1_000_000)
    ledger.allocate(source, project, delta_fen=500_000, entry_date=date(2026, 1, 2))
    ledger.record_payment(source, project, milestone, voucher_no="记-1", payee="某公司", paid_on=date(2026, 2, 3),
                          amount_fen=10_000, cost_category="materials")
    db.session.commit()
    statement = csv_bytes([["交易日期", "摘要", "对方户名", "支出金额"], ["2026-02-03", "付记-1号", "某公司", "100.00"]])
    monkeypatch.setattr(reconciliation, "_record_matches",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("injected")))
    with pytest.raises(RuntimeError):
        reconciliation.import_statement(source, statement, "s.csv")
    db.session.rollback()
    assert db.session.scalar(select(func.count(StatementLine.id))) == 0
    assert db.session.scalar(select(func.count(StatementImport.id))) == 0
