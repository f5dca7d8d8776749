"""The demo's work-for-relief road: 40 workers with valid generated numbers, monthly payrolls, one month
overdue, the technician left out of the wage share; and no page or export of the demo, for any
reader, holds a full identity or card number, except finance's bank batch file."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from sqlalchemy import select

from assets.models import Asset
from demo.payrolls import WORKERS, demo_card, demo_id_number
from documents.models import Document
from extensions import db
from funds.models import FundSource, Payment
from funds.requests.models import PaymentRequest
from funds.rules.standing import breaches_on
from payroll import idcard
from payroll.models import Payroll, Worker
from projects.models import Project
from tests.conftest import DEMO_DAY
from tests.test_access import MATRIX

TODAY = DEMO_DAY
NUMBERS = [demo_id_number(n) for n in range(1, WORKERS + 1)] + [demo_card(n) for n in range(1, WORKERS + 1)]


pytestmark = pytest.mark.demo


@pytest.fixture
def county(app):
    """The demo county as of TODAY (seeded once per run: tests/conftest.py's demo_template)."""
    return app


def _road() -> Project:
    return db.session.scalars(select(Project).where(Project.code == "SP-2026-035")).one()


def test_demo_road_has_roster_payrolls_and_an_overdue_month(county):
    """40 workers with valid numbers; six payrolls, four posted as wages payments; August 2026 is
    overdue under the 30-day rule; the technician's pay is left out of the wages the share counts."""
    road = _road()
    assert all(idcard.problem(demo_id_number(n)) is None for n in range(1, WORKERS + 1))
    assert len(db.session.scalars(select(Worker).where(Worker.project_id == road.id)).all()) == 40
    payrolls = db.session.scalars(select(Payroll).where(Payroll.project_id == road.id)).all()
    assert sorted(p.status for p in payrolls) == ["draft", "draft", "posted", "posted", "posted", "posted"]
    [overdue] = [b for b in breaches_on(TODAY, project_id=road.id) if b.kind == "wages_overdue"]
    assert overdue.detail["month"] == "2026-08"
    from payroll.queries import by_project
    [figures] = [f for f in by_project() if f.id == road.id]
    assert figures.workers == 39 and figures.manager_fen == 4 * 26 * 26_000


def _text(data: bytes, tmp_path) -> str:
    """What a reader of the response sees: a zip's (xlsx) members, a PDF's text, else the bytes."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if data.startswith(b"%PDF"):
        path = tmp_path / "page.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
    return data.decode("utf-8", "replace")


def _ids() -> dict[str, object]:
    road = _road()
    payroll = db.session.scalars(select(Payroll).where(Payroll.project_id == road.id, Payroll.status == "posted")).first()
    assert payroll is not None
    return {"project": road.id, "milestone": road.milestones[0].id, "code": road.code,
            "source": db.session.scalar(select(FundSource.id).where(FundSource.code == "WFR-2026")),
            "payment": payroll.payment_id, "payroll": payroll.id, "user": 1, "contractor": 1, "contract": 1,
            "document": db.session.scalar(select(Document.id)) or 1, "notice": 1, "objection": 1, "target": 1,
            "worker": db.session.scalar(select(Worker.id).where(Worker.project_id == road.id)),
            "request": db.session.scalar(select(PaymentRequest.id)) or 1,
            "asset": db.session.scalar(select(Asset.id)) or 1}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("role", ["finance", "auditor", "planner"])
def test_no_page_or_export_holds_a_full_number(county, client, auth, role, tmp_path):
    """Every page and export a reader can open (the role matrix's GET routes on the demo's records,
    the payroll's ledger PDF too) shows masked numbers only; the bank batch file alone holds full card
    numbers, and only finance opens it."""
    auth.as_role(role)
    ids = _ids()
    urls = [template.format(**ids) for endpoint, (method, template, _roles) in MATRIX.items()
            if method == "GET" and endpoint not in ("auth.logout",)]
    urls += [f"/payroll/payrolls/{ids['payroll']}/ledger.pdf", "/funds/payments/export.csv",
             f"/funds/sources/{ids['source']}/payments/export.xlsx"]
    pattern = re.compile("|".join(NUMBERS))
    seen = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        found = pattern.findall(_text(response.data, tmp_path))
        if url.endswith("/bank.xlsx"):
            assert role == "finance" and set(found) == {demo_card(n) for n in range(1, WORKERS + 1)}
        else:
            assert found == [], (role, url, found[:2])
    assert seen > 30


def test_command_line_exports_hold_no_full_number(county, runner, tmp_path):
    """`payments export`, `contracts export` and `checks --json` print no full number either."""
    for args in (["payments", "export", str(tmp_path / "p.csv")], ["contracts", "export", str(tmp_path / "c.csv")]):
        assert runner.invoke(args=args).exit_code == 0
    texts = [(tmp_path / "p.csv").read_text("utf-8-sig"), (tmp_path / "c.csv").read_text("utf-8-sig"),
             runner.invoke(args=["checks", "--json", "--today", TODAY.isoformat()]).output]
    assert not any(number in text for number in NUMBERS for text in texts)
    assert db.session.scalar(select(Payment.id).where(Payment.payee.like("%以工代赈务工人员%"))) is not None
