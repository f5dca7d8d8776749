"""The payroll pages: roster and payroll imported through the page (problems listed by row and
column), masked numbers on every page, full numbers only to finance on a recorded request, posting,
the bank's batch file (full card numbers, finance only, recorded) and the masked ledger (.xlsx, PDF)."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from audit.models import AuditEvent
from extensions import db
from payroll.models import Payroll, Worker
from tests.payroll_builders import card_number, funded_project, id_number, payroll_csv, payroll_rows, roster_csv


def _upload(client, url, prefix, data, **fields):
    form = {f"{prefix}-{key}": value for key, value in fields.items()}
    form[f"{prefix}-file"] = (io.BytesIO(data), "表.csv")
    return client.post(url, data=form, content_type="multipart/form-data")


def test_roster_page_import_and_masking(app, client, auth):
    """Finance imports a roster on the page; the page shows masked numbers only; a file with a wrong check
    digit lists its row and column and stores nobody."""
    _source, project, _milestone = funded_project()
    auth.as_role("finance")
    response = _upload(client, f"/payroll/projects/{project.id}/roster", "roster", roster_csv(5))
    assert response.status_code == 302
    page = client.get(f"/payroll/projects/{project.id}").get_data(as_text=True)
    assert id_number(1)[:4] + "*" * 10 + id_number(1)[-4:] in page
    assert id_number(1) not in page and card_number(1) not in page
    bad = roster_csv(2, start=10).decode("gb18030").replace(id_number(11), id_number(11)[:6] + "19801301"
                                                             + id_number(11)[14:]).encode("gb18030")
    response = _upload(client, f"/payroll/projects/{project.id}/roster", "roster", bad)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "身份证号" in text and ">3<" in text
    assert db.session.scalar(select(Worker.id).where(Worker.name == "工人10")) is None


def test_payroll_page_post_bank_file_and_ledger(app, client, auth):
    """A payroll entered on the page is a draft; finance posts it (one payment); the bank file holds the
    full card numbers and is recorded; the ledger .xlsx holds none; the PDF prints."""
    source, project, milestone = funded_project()
    auth.as_role("finance")
    response = _upload(client, f"/payroll/projects/{project.id}/payrolls", "payroll", payroll_csv(payroll_rows(3)),
                       source_id=source.id, milestone_id=milestone.id, month="2026-03")
    assert response.status_code == 302, response.get_data(as_text=True)
    payroll = db.session.scalars(select(Payroll)).one()
    assert payroll.status == "draft" and payroll.total_fen == 900_000
    response = client.post(f"/payroll/payrolls/{payroll.id}/post", data={"paid_on": "2026-04-10", "voucher_no": ""})
    assert response.status_code == 302
    db.session.refresh(payroll)
    assert payroll.status == "posted" and payroll.payment_amount_fen == 900_000
    bank = load_workbook(io.BytesIO(client.get(f"/payroll/payrolls/{payroll.id}/bank.xlsx").data)).active
    assert card_number(1) in [cell.value for row in bank.iter_rows() for cell in row]
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "payroll.bank_file")) is not None
    ledger = client.get(f"/payroll/payrolls/{payroll.id}/ledger.xlsx").data
    cells = " ".join(str(cell.value) for row in load_workbook(io.BytesIO(ledger)).active.iter_rows() for cell in row)
    assert card_number(1) not in cells and id_number(1) not in cells and "工人1" in cells
    pdf = client.get(f"/payroll/payrolls/{payroll.id}/ledger.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_full_numbers_only_to_finance_and_recorded(app, client, auth):
    """Finance's "show numbers" shows the full numbers and leaves an audit event (masked); a planner is refused."""
    _source, project, _milestone = funded_project()
    from payroll.services import WorkerInput, add_worker
    worker = add_worker(project, WorkerInput(name="周九", id_number=id_number(5), card_number=card_number(5)))
    db.session.commit()
    auth.as_role("planner")
    assert client.post(f"/payroll/workers/{worker.id}/show").status_code == 403
    auth.logout()
    auth.as_role("finance")
    page = client.post(f"/payroll/workers/{worker.id}/show").get_data(as_text=True)
    assert id_number(5) in page and card_number(5) in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "worker.reveal")).one()
    assert id_number(5) not in str(event.after)
