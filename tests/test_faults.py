"""Faults part-way through a multi-row change leave nothing behind: an injected error, and kill -9."""
from __future__ import annotations

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

from audit.models import AuditEvent
from audit.services import verify_database
from extensions import db
from funds import services as ledger
from funds.models import MonthClose
from projects import services as planning
from projects.models import Milestone, Project
from tests import factories
from tests.conftest import ROOT
from tests.http_session import HttpSession
from tests.spreadsheet_builders import PROJECT_HEADERS, make_county, project_line, xlsx_bytes


def _counts():
    """Projects, milestones, and audit events other than sign-ins."""
    return (db.session.scalar(select(func.count(Project.id))), db.session.scalar(select(func.count(Milestone.id))),
            db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.not_in(("login", "logout")))))


def _workbook(rows: int) -> bytes:
    lines = [PROJECT_HEADERS] + [project_line(f"SP-K-{number:05d}") for number in range(rows)]
    return xlsx_bytes(("项目", lines))


def test_failure_half_way_through_an_import_stores_nothing(client, auth, app, monkeypatch):
    """An error on the third of five projects rolls the whole web import back."""
    make_county()
    db.session.commit()
    auth.as_role("planner")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["UPLOAD_FOLDER"] = str(app.instance_path) + "/uploads"
    real, calls = planning.create_project, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full (injected)")
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "create_project", failing)
    before = _counts()
    upload = client.post("/projects/import", data={"file": (__import__("io").BytesIO(_workbook(5)), "five.xlsx")})
    token = upload.headers["Location"].split("/import/")[1].split("/")[0]
    response = client.post(f"/projects/import/{token}/confirm")
    assert response.status_code == 500 and len(calls) == 3
    assert _counts() == before


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


def _serve(database_url: str, port: int, instance: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "kill-test", "PYTHONPATH": ROOT,
           "LIANDONG_UPLOAD_FOLDER": instance}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def test_kill_9_of_the_server_during_a_large_import_leaves_nothing(app, database_url, tmp_path):
    """The server process is killed (SIGKILL) while importing 3,000 projects: none are stored, the audit
    chain holds and the database is intact."""
    make_county()
    factories.make_user("planner", username="importer")
    db.session.commit()
    before = _counts()
    db.session.remove()
    port = _free_port()
    server = _serve(database_url, port, str(tmp_path))
    try:
        browser = HttpSession(f"http://127.0.0.1:{port}")
        browser.login("importer", factories.PASSWORD)
        status, _, url = browser.post_file("/projects/import", "file", "big.xlsx", _workbook(3000), "/projects/import")
        assert status == 200 and url.endswith("/preview"), url
        confirm = url.replace("/preview", "/confirm")
        token = browser.csrf_token(url.replace(browser.base, ""))
        def send_confirm():
            try:
                browser.post_with_token(confirm.replace(browser.base, ""), {}, token)
            except OSError:
                pass  # the connection dies with the server: that is the point

        sender = threading.Thread(target=send_confirm, daemon=True)
        sender.start()
        time.sleep(2.5)  # the import is under way (3,000 projects take several seconds)
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
    from funds import reconciliation
    from funds.models import StatementImport, StatementLine
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
