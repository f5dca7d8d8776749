"""Tighter rules on payments: no cost category chosen for the user, no payment before its money was
allocated, a warning (recorded) before the works started, the date gap of a late match shown, and a
payment form that keeps what was typed when the project changes."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from funds.ledger import services as ledger
from funds.ledger.payment_dates import before_allocation_problem, start_warning
from funds.ledger.services import FundsError
from funds.models import Payment, StatementLine
from funds.reconcile.services import import_statement
from tests import factories
from tests.spreadsheet_builders import csv_bytes

EN = {"Accept-Language": "en"}


def _funded(actual_start=date(2026, 2, 10)):
    project = factories.make_project(code="SP-P-001", actual_start=actual_start)
    milestone = factories.make_milestone(project, name="路基")
    source = factories.make_source(pays_directly=True, received_fen=50_000_000, code="FIS-P")
    ledger.allocate(source, project, delta_fen=20_000_000, entry_date=date(2026, 2, 1))
    db.session.commit()
    return source, project, milestone


def _form(**fields):
    data = {"voucher_no": "记-P-1", "payee": "双牌县某建设公司", "paid_on": "2026-03-10", "amount": "1,000",
            "cost_category": "materials"}
    data.update(fields)
    return data


def _payments():
    return db.session.scalar(select(func.count(Payment.id)))


def test_payment_dates_rules_without_the_app():
    """Before the first allocation is a refusal naming both days; before the actual start (or with none)
    a warning; on the day itself neither."""
    assert "2026-02-01" in str(before_allocation_problem(date(2026, 1, 31), date(2026, 2, 1)))
    assert before_allocation_problem(date(2026, 2, 1), date(2026, 2, 1)) is None
    assert before_allocation_problem(date(2026, 2, 1), None) is None
    assert "2026-02-10" in str(start_warning(date(2026, 2, 9), date(2026, 2, 10)))
    assert "not started" in str(start_warning(date(2026, 2, 9), None))
    assert start_warning(date(2026, 2, 10), date(2026, 2, 10)) is None


def test_cost_category_has_no_default(client, auth):
    """The payment form chooses no cost category (wages by default would distort the wage share): the
    empty choice is selected, and a payment sent without one is refused on that field."""
    source, project, milestone = _funded()
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{source.id}/payments/new", headers=EN).data.decode()
    select_html = re.search(r'<select[^>]*name="cost_category".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option([^>]*)>", select_html)
    assert options[0].strip() == 'value=""' and not any("selected" in option for option in options)
    page = client.post(f"/funds/sources/{source.id}/payments/new",
                       data=_form(project_id=project.id, milestone_id=milestone.id, cost_category=""),
                       headers=EN).data.decode()
    assert "Cost category: Choose the cost category." in page and _payments() == 0


def test_payment_before_the_first_allocation_is_refused(app):
    """The service refuses a payment dated before the source's first allocation to the project, even
    one its balance would allow; from that day on it is accepted."""
    source, project, milestone = _funded()
    with pytest.raises(FundsError) as refused:
        ledger.record_payment(source, project, milestone, voucher_no="V-EARLY", payee="某公司",
                              paid_on=date(2026, 1, 31), amount_fen=100, cost_category="materials")
    db.session.rollback()
    assert refused.value.field == "paid_on" and "first on 2026-02-01" in str(refused.value.message)
    ledger.record_payment(source, project, milestone, voucher_no="V-DAY", payee="某公司", paid_on=date(2026, 2, 1),
                          amount_fen=100, cost_category="materials")
    db.session.commit()
    assert _payments() == 1


def test_payment_before_the_project_started_is_warned_and_recorded(client, auth):
    """A payment dated before the project's actual start is stored with a warning on the page, and its
    audit event records it; one after the start gets neither."""
    source, project, milestone = _funded(actual_start=date(2026, 3, 1))
    auth.as_role("finance")
    early = client.post(f"/funds/sources/{source.id}/payments/new", headers=EN, follow_redirects=True,
                        data=_form(project_id=project.id, milestone_id=milestone.id, paid_on="2026-02-20"))
    assert "before the project actually started on 2026-03-01" in early.data.decode()
    later = client.post(f"/funds/sources/{source.id}/payments/new", headers=EN, follow_redirects=True,
                        data=_form(project_id=project.id, milestone_id=milestone.id, paid_on="2026-03-02",
                                   voucher_no="记-P-2"))
    assert "actually started" not in later.data.decode()
    events = db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "payment.create")
                                .order_by(AuditEvent.id)).all()
    assert [event.get("warning") for event in events] == ["before_project_start", None]
    assert events[0]["project_actual_start"] == "2026-03-01" and _payments() == 2


def test_a_match_far_from_its_payment_date_shows_the_gap(client, auth, app):
    """A statement line matched by voucher number 75 days after the payment is flagged with the gap on
    the reconciliation page; one booked two days later is not."""
    source, project, milestone = _funded()
    for voucher, day in (("记-2026-0101", date(2026, 3, 2)), ("记-2026-0102", date(2026, 3, 20))):
        ledger.record_payment(source, project, milestone, voucher_no=voucher, payee="双牌县某建设公司", paid_on=day,
                              amount_fen=1_000_000, cost_category="materials")
    db.session.commit()
    statement = csv_bytes([["交易日期", "摘要", "对方户名", "支出金额", "收入金额"],
                           ["2026-03-22", "付记-2026-0102号", "双牌县某建设公司", "10,000.00", ""],
                           ["2026-05-16", "付记-2026-0101号", "双牌县某建设公司", "10,000.00", ""]], "gb18030")
    import_statement(source, statement, "流水.csv")
    db.session.commit()
    assert db.session.scalar(select(func.count(StatementLine.id)).where(StatementLine.payment_id.is_not(None))) == 2
    auth.as_role("leader")
    may = client.get(f"/funds/sources/{source.id}/reconcile?period=2026-05", headers=EN).data.decode()
    assert "booked 75 days later" in may and "1 match was booked more than 10 days" in may
    march = client.get(f"/funds/sources/{source.id}/reconcile?period=2026-03", headers=EN).data.decode()
    assert "days later" not in march
    app.config["MATCH_GAP_DAYS"] = 100
    assert "days later" not in client.get(f"/funds/sources/{source.id}/reconcile?period=2026-05", headers=EN).data.decode()


def test_choosing_another_project_keeps_what_was_typed(client, auth):
    """The milestones of the chosen project come as JSON for the page's script (none for a project the
    source does not fund); without script the form comes back with them and everything typed, unsaved."""
    source, _project, milestone = _funded()
    other = factories.make_project(code="SP-P-002")
    other_milestone = factories.make_milestone(other, name="桥梁下部结构")
    ledger.allocate(source, other, delta_fen=1_000_000, entry_date=date(2026, 2, 1))
    unfunded = factories.make_project(code="SP-P-003")
    factories.make_milestone(unfunded)
    db.session.commit()
    auth.as_role("finance")
    listed = client.get(f"/funds/sources/{source.id}/milestones?project={other.id}").get_json()
    assert [item["id"] for item in listed] == [other_milestone.id] and "桥梁下部结构" in listed[0]["label"]
    assert client.get(f"/funds/sources/{source.id}/milestones?project={unfunded.id}").get_json() == []
    page = client.post(f"/funds/sources/{source.id}/payments/new", headers=EN,
                       data=_form(project_id=other.id, milestone_id=milestone.id, choose="1", payee="某某劳务队"))
    text = page.data.decode()
    assert page.status_code == 200 and "桥梁下部结构" in text and "路基" not in text.split('name="milestone_id"')[1]
    assert 'value="某某劳务队"' in text and 'value="记-P-1"' in text and _payments() == 0
    assert 'data-milestones-url="/funds/sources/' in text


def test_cancelled_projects_are_not_offered_for_payment(client, auth):
    """A cancelled project is left out of the payment form's projects (every payment to it is refused)."""
    source, _project, _milestone = _funded()
    other = factories.make_project(code="SP-P-009")
    factories.make_milestone(other)
    ledger.allocate(source, other, delta_fen=1_000_000, entry_date=date(2026, 2, 1))
    other.status = "cancelled"
    db.session.commit()
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{source.id}/payments/new", headers=EN).data.decode()
    assert "SP-P-001" in page and "SP-P-009" not in page
