"""Finance staff register sources and record money on the web; every refusal names the problem and stores nothing."""
from __future__ import annotations

import csv
from datetime import date, datetime

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, Appropriation, FundSource, MonthClose, Payment
from tests import factories

EN = {"Accept-Language": "en"}


def _funded(received=50_000_000, allocated=20_000_000):
    project = factories.make_project(code="SP-F-001")
    milestone = factories.make_milestone(project, name="路基")
    source = factories.make_source(pays_directly=True, received_fen=received, code="WFR-T")
    if allocated:
        ledger.allocate(source, project, delta_fen=allocated, entry_date=date(2026, 2, 1))
    db.session.commit()
    return source, project, milestone


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_register_source_and_record_appropriation(client, auth):
    """A new source and the money it received appear on its ledger page with who entered it."""
    auth.as_role("finance")
    response = client.post("/funds/sources/new", data={"code": "AGR-2026", "name": "农业综合开发资金",
                                                       "channel": "agricultural_development", "level": "provincial",
                                                       "fiscal_year": "2026", "managing_department": "县农业农村局"})
    source = db.session.scalar(select(FundSource).where(FundSource.code == "AGR-2026"))
    assert response.headers["Location"].endswith(f"/funds/sources/{source.id}")
    client.post(f"/funds/sources/{source.id}/appropriations",
                data={"document_no": "湘财农〔2026〕7号", "received_on": "2026-03-02", "amount": "350万"})
    page = client.get(f"/funds/sources/{source.id}", headers=EN).data.decode()
    assert "湘财农〔2026〕7号" in page and "3,500,000.00" in page
    assert "<td>Test finance</td>" in page and "<td>finance-user</td>" not in page  # 录入人: who entered it, by name
    assert db.session.get(FundSource, source.id).received_fen == 350_000_000


def test_allocation_beyond_unallocated_is_refused_on_the_form(client, auth):
    """Allocating more than received-and-unallocated shows the amount left and stores nothing."""
    source, project, _ = _funded()
    auth.as_role("finance")
    page = client.post(f"/funds/sources/{source.id}/allocations",
                       data={"project_id": project.id, "direction": "increase", "amount": "300,000.01",
                             "entry_date": "2026-03-01"}, headers=EN).data.decode()
    assert "Amount: The source has only 300,000.00 yuan received and not yet allocated." in page
    assert db.session.get(FundSource, source.id).allocated_fen == 20_000_000
    assert _count(Allocation) == 1


def test_reducing_below_spent_is_refused(client, auth):
    """An allocation cannot be cut below what was paid from it."""
    source, project, milestone = _funded()
    ledger.record_payment(source, project, milestone, voucher_no="记-1", payee="某公司", paid_on=date(2026, 3, 1),
                          amount_fen=15_000_000, cost_category="materials")
    db.session.commit()
    auth.as_role("finance")
    page = client.post(f"/funds/sources/{source.id}/allocations",
                       data={"project_id": project.id, "direction": "decrease", "amount": "60000",
                             "entry_date": "2026-03-05", "reason": "调减"}, headers=EN).data.decode()
    assert "cannot be reduced below what has been spent (150,000.00 yuan)" in page
    assert db.session.scalar(select(Allocation.amount_fen)) == 20_000_000


def _pay(client, source, project, milestone, **fields):
    data = {"project_id": project.id, "milestone_id": milestone.id, "voucher_no": "记-2026-0001",
            "payee": "双牌县某建设公司", "paid_on": "2026-03-10", "amount": "12,345.67", "cost_category": "materials"}
    data.update(fields)
    return client.post(f"/funds/sources/{source.id}/payments/new?project={project.id}", data=data, headers=EN)


def test_payment_refusals(client, auth):
    """Over the allocation, a used voucher, a closed month and a cancelled project (no longer offered)
    are each refused."""
    source, project, milestone = _funded()
    auth.as_role("finance")
    assert _pay(client, source, project, milestone).status_code == 302
    over = _pay(client, source, project, milestone, voucher_no="记-2", amount="200,000").data.decode()
    assert "only 187,654.33 yuan allocated and unspent" in over
    used = _pay(client, source, project, milestone).data.decode()
    assert "Voucher number 记-2026-0001 is already used for this source." in used
    db.session.add(MonthClose(source_id=source.id, period=202602, closed_at=datetime(2026, 3, 3)))
    db.session.commit()
    closed = _pay(client, source, project, milestone, voucher_no="记-3", paid_on="2026-02-20").data.decode()
    assert "The month of this date is closed for this source." in closed
    project.status = "cancelled"
    db.session.commit()
    cancelled = _pay(client, source, project, milestone, voucher_no="记-4").data.decode()
    assert "No project can be paid from this source" in cancelled  # nor offered
    assert _count(Payment) == 1 and db.session.get(FundSource, source.id).spent_fen == 1_234_567


def test_reversal_keeps_both_entries_and_happens_once(client, auth):
    """A reversal adds a linked negative entry with its reason; reversing again is refused."""
    source, project, milestone = _funded()
    payment = ledger.record_payment(source, project, milestone, voucher_no="记-9", payee="某公司",
                                    paid_on=date(2026, 3, 1), amount_fen=500_000, cost_category="materials")
    db.session.commit()
    auth.as_role("finance")
    data = {"voucher_no": "记-9-冲", "reversed_on": "2026-03-02", "reason": "重复录入"}
    assert client.post(f"/funds/payments/{payment.id}/reverse", data=data).status_code == 302
    again = client.post(f"/funds/payments/{payment.id}/reverse", data={**data, "voucher_no": "记-9-冲2"}, headers=EN,
                        follow_redirects=True)
    assert "already been reversed" in again.data.decode()
    # Opening the form again says so at once, on the ledger, instead of offering a form that will be refused.
    form = client.get(f"/funds/payments/{payment.id}/reverse", headers=EN, follow_redirects=True)
    assert "already been reversed" in form.data.decode() and 'name="reason"' not in form.data.decode()
    reversal = db.session.scalar(select(Payment).where(Payment.reversal_of_id == payment.id))
    form = client.get(f"/funds/payments/{reversal.id}/reverse", headers=EN, follow_redirects=True)
    assert "A reversal cannot itself be reversed." in form.data.decode()
    page = client.get(f"/funds/sources/{source.id}", headers=EN).data.decode()
    assert "reversed by 记-9-冲" in page and "重复录入" in page and "-5,000.00" in page
    assert db.session.get(FundSource, source.id).spent_fen == 0


def test_month_close_needs_an_ended_reconciled_month_and_reopen_needs_admin(client, auth, app):
    """Closing refuses an unreconciled month; an admin reopens with a reason; finance cannot reopen."""
    source, project, milestone = _funded()
    ledger.record_payment(source, project, milestone, voucher_no="记-5", payee="某公司", paid_on=date(2026, 3, 1),
                          amount_fen=100, cost_category="materials")
    db.session.commit()
    auth.as_role("finance")
    page = client.post(f"/funds/sources/{source.id}/close", data={"period": "2026-03", "confirmed": "1"},
                       follow_redirects=True, headers=EN).data.decode()
    assert "not reconciled: 1 payments without a statement line" in page
    client.post(f"/funds/sources/{source.id}/close", data={"period": "2026-01", "confirmed": "1"})
    assert _count(MonthClose) == 1
    assert client.post(f"/funds/sources/{source.id}/months/202601/reopen", data={"reason": "补录"}).status_code == 403
    auth.logout()
    auth.as_role("admin")
    client.post(f"/funds/sources/{source.id}/months/202601/reopen", data={"reason": "补录凭证"})
    closing = db.session.scalar(select(MonthClose))
    assert closing.reopen_reason == "补录凭证" and closing.reopened_by_id is not None


def test_admin_and_leader_record_no_money(client, auth):
    """Separation of duties: only finance staff enter money."""
    source, project, milestone = _funded()
    for role in ("admin", "leader", "planner", "auditor"):
        auth.as_role(role)
        assert _pay(client, source, project, milestone).status_code == 403, role
        auth.logout()
    assert _count(Payment) == 0


def test_payments_export_cli(runner, tmp_path):
    """`flask payments export` writes the ledger with the documented columns, reversals linked."""
    source, project, milestone = _funded()
    payment = ledger.record_payment(source, project, milestone, voucher_no="=HYPERLINK(1)", payee="+某公司",
                                    paid_on=date(2026, 3, 1), amount_fen=123_456, cost_category="wages")
    ledger.reverse_payment(payment, voucher_no="R-1", reversed_on=date(2026, 3, 2), reason="错误")
    db.session.commit()
    path = tmp_path / "payments.csv"
    result = runner.invoke(args=["payments", "export", str(path)])
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["voucher", "date", "amount_yuan", "payee", "source_code", "project_code", "milestone",
                       "category", "reversal_of"]
    assert rows[1] == ["'=HYPERLINK(1)", "2026-03-01", "1234.56", "'+某公司", "WFR-T", "SP-F-001", "路基", "wages", ""]
    assert rows[2][:3] == ["R-1", "2026-03-02", "-1234.56"] and rows[2][8] == "'=HYPERLINK(1)"
    assert _count(Appropriation) == 1


def test_mistyped_receipt_is_reversed_not_edited(client, auth):
    """1000万 typed for 100万 is taken back by a linked entry; refused while the money is allocated."""
    source = factories.make_source(pays_directly=True, code="FIS-X")
    entry = ledger.receive_appropriation(source, document_no="双财预〔2026〕9号", received_on=date(2026, 3, 1),
                                         amount_fen=1_000_000_000)
    project = factories.make_project()
    ledger.allocate(source, project, delta_fen=200_000_000, entry_date=date(2026, 3, 2))
    db.session.commit()
    auth.as_role("finance")
    refused = client.post(f"/funds/appropriations/{entry.id}/reverse", data={"reversed_on": "2026-03-03",
                                                                            "reason": "金额录入错误"}, headers=EN)
    assert b"reduce allocations before taking this receipt back" in refused.data
    ledger.allocate(source, project, delta_fen=-200_000_000, entry_date=date(2026, 3, 3), reason="先调减")
    db.session.commit()
    client.post(f"/funds/appropriations/{entry.id}/reverse", data={"reversed_on": "2026-03-03", "reason": "金额录入错误"})
    assert db.session.get(FundSource, source.id).received_fen == 0
    assert _count(Appropriation) == 2
    page = client.get(f"/funds/sources/{source.id}", headers=EN).data.decode()
    assert "金额录入错误" in page and "reversed by 双财预〔2026〕9号（冲销）" in page


def test_dates_in_the_future_are_refused(client, auth):
    """A payment dated 2062 by a typing slip is refused, naming the field."""
    source, project, milestone = _funded()
    auth.as_role("finance")
    page = _pay(client, source, project, milestone, paid_on="2062-03-01").data.decode()
    assert "Payment date: The date 2062-03-01 is in the future." in page
    assert _count(Payment) == 0


def test_money_on_a_cancelled_project_can_be_withdrawn(client, auth):
    """A cancelled project's unspent allocation is released back to the source."""
    source, project, _milestone = _funded()
    project.status = "cancelled"
    db.session.commit()
    auth.as_role("finance")
    client.post(f"/funds/sources/{source.id}/allocations", data={"project_id": project.id, "direction": "decrease",
                                                                 "amount": "200000", "entry_date": "2026-04-01",
                                                                 "reason": "项目取消"})
    assert db.session.get(FundSource, source.id).allocated_fen == 0


def test_a_duplicate_and_its_reversal_need_no_statement_line(app):
    """A payment entered twice and reversed: the month closes once the real one is matched."""
    source, project, milestone = _funded()
    ledger.record_payment(source, project, milestone, voucher_no="记-A", payee="某公司", paid_on=date(2026, 3, 1),
                          amount_fen=100, cost_category="materials")
    twice = ledger.record_payment(source, project, milestone, voucher_no="记-B", payee="某公司",
                                  paid_on=date(2026, 3, 1), amount_fen=100, cost_category="materials")
    ledger.reverse_payment(twice, voucher_no="记-B-冲", reversed_on=date(2026, 3, 2), reason="重复录入")
    assert ledger.unreconciled_counts(source.id, 202603) == (1, 0)  # the duplicate and its reversal settle
    from funds.reconcile.services import import_statement
    from tests.spreadsheet_builders import csv_bytes
    import_statement(source, csv_bytes([["交易日期", "摘要", "对方户名", "支出金额"],
                                        ["2026-03-01", "付记-A号", "某公司", "1.00"]]), "march.csv")
    assert ledger.unreconciled_counts(source.id, 202603) == (0, 0)
    ledger.close_month(source, 202603, today=date(2026, 4, 5))
    db.session.commit()
    assert _count(MonthClose) == 1
