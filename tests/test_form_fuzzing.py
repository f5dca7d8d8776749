"""Property-based fuzzing of the money and date fields of every form that stores money or plans.

Whatever is typed, either the form stores exactly what the text means, or it refuses and the
database is exactly as it was.
"""
from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.money import MoneyError, format_yuan, parse_amount
from extensions import db
from funds.ledger import services as ledger
from funds.models import Appropriation, FundSource, Payment
from projects.models import Milestone, Project
from tests import factories

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
AMOUNTS = st.one_of(
    st.integers(min_value=1, max_value=10**11).map(format_yuan),
    st.integers(min_value=1, max_value=10**5).map(lambda wan: f"{wan}万元"),
    st.text(alphabet="0123456789.,-万元¥ ０１２３４５６７８９．，eE+", max_size=14),
    st.decimals(min_value=-10**6, max_value=10**9, places=3, allow_nan=False).map(str),
    st.text(max_size=8),
)
DATES = st.one_of(st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat),
                  st.text(alphabet="0123456789-/年月日 ", max_size=12))


def _parsed(text: str):
    try:
        return parse_amount(text)
    except MoneyError:
        return None


def _date(text: str):
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _snapshot(*models):
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in models) + (
        int(db.session.scalar(select(func.sum(FundSource.spent_fen))) or 0),
        int(db.session.scalar(select(func.sum(FundSource.received_fen))) or 0))


@pytest.fixture
def finance_client(client, auth):
    """A signed-in finance user and a source with money allocated to a project with a milestone."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(pays_directly=True, received_fen=10**12)
    ledger.allocate(source, project, delta_fen=10**11, entry_date=date(2000, 1, 1))
    db.session.commit()
    auth.as_role("finance")
    return client, source, project, milestone


@FUZZ
@given(amount=AMOUNTS, day=DATES)
def test_payment_form_fuzz(finance_client, amount, day):
    """A payment is stored with exactly the typed amount and date, or nothing changes."""
    client, source, project, milestone = finance_client
    before = _snapshot(Payment)
    voucher = f"F-{abs(hash((amount, day)))}"
    response = client.post(f"/funds/sources/{source.id}/payments/new", data={
        "project_id": project.id, "milestone_id": milestone.id, "voucher_no": voucher, "payee": "某公司",
        "paid_on": day, "amount": amount, "cost_category": "materials"})
    stored = db.session.scalar(select(Payment).where(Payment.voucher_no == voucher))
    if response.status_code == 302 and stored is not None:
        assert stored.amount_fen == _parsed(amount) and stored.paid_on == _date(day)
    else:
        assert stored is None and _snapshot(Payment) == before


@FUZZ
@given(amount=AMOUNTS, day=DATES)
def test_appropriation_form_fuzz(finance_client, amount, day):
    """Money received is stored exactly, or refused with nothing stored."""
    client, source, _project, _milestone = finance_client
    before = _snapshot(Appropriation)
    document = f"D-{abs(hash((amount, day)))}"
    response = client.post(f"/funds/sources/{source.id}/appropriations",
                           data={"document_no": document, "received_on": day, "amount": amount})
    stored = db.session.scalar(select(Appropriation).where(Appropriation.document_no == document))
    if response.status_code == 302 and stored is not None:
        assert stored.amount_fen == _parsed(amount) > 0 and stored.received_on == _date(day)
    else:
        assert stored is None and _snapshot(Appropriation) == before


@FUZZ
@given(budget=AMOUNTS, start=DATES, end=DATES)
def test_project_form_fuzz(client, auth, budget, start, end):
    """A project is stored with the typed budget and ordered dates, or not at all."""
    if not db.session.scalar(select(func.count()).select_from(Project)) and client.get_cookie("session") is None:
        auth.as_role("planner")
    area = db.session.scalar(select(Project.area_id).limit(1)) or factories.make_area().id
    db.session.commit()
    code = f"FZ-{abs(hash((budget, start, end))) % 10**9}"
    before = _snapshot(Project)
    client.post("/projects/new", data={"code": code, "name": "模糊测试", "category": "road", "area_id": area,
                                       "budget_fen": budget, "planned_start": start, "planned_end": end,
                                       "status": "proposed"})
    stored = db.session.scalar(select(Project).where(Project.code == code))
    if stored is None:
        assert _snapshot(Project) == before
    else:
        assert stored.budget_fen == _parsed(budget)
        assert stored.planned_start is None or stored.planned_end is None or stored.planned_start <= stored.planned_end


@FUZZ
@given(cost=AMOUNTS, day=DATES)
def test_milestone_form_fuzz(client, auth, cost, day):
    """A milestone is stored with the typed cost and date, or not at all."""
    project = db.session.scalar(select(Project)) or factories.make_project()
    db.session.commit()
    if client.get_cookie("session") is None:
        auth.as_role("planner")
    before = _snapshot(Milestone)
    client.post(f"/projects/{project.id}/milestones/new", data={"name": "节点", "planned_date": day,
                                                                "planned_cost_fen": cost})
    after = _snapshot(Milestone)
    if after == before:
        return
    stored = db.session.scalar(select(Milestone).order_by(Milestone.id.desc()))
    assert stored.planned_cost_fen == _parsed(cost) and stored.planned_date == _date(day)


@FUZZ
@given(amount=AMOUNTS, day=DATES)
def test_allocation_form_fuzz(finance_client, amount, day):
    """An allocation moves exactly the typed amount, or nothing changes."""
    client, source, project, _milestone = finance_client
    before = db.session.get(FundSource, source.id).allocated_fen
    entries = _snapshot(Payment)
    response = client.post(f"/funds/sources/{source.id}/allocations", data={
        "project_id": project.id, "direction": "increase", "amount": amount, "entry_date": day})
    after = db.session.get(FundSource, source.id).allocated_fen
    if response.status_code == 302:
        assert after - before == _parsed(amount) and _date(day) is not None
    else:
        assert after == before and _snapshot(Payment) == entries


VOUCHERS = itertools.count(1)  # one voucher per example: Hypothesis may draw the same date twice


@FUZZ
@given(day=DATES)
def test_reversal_form_fuzz(finance_client, day):
    """A reversal is dated exactly as typed (not before the payment), or nothing is stored."""
    client, source, project, milestone = finance_client
    payment = ledger.record_payment(source, project, milestone, voucher_no=f"P-{next(VOUCHERS)}", payee="某公司",
                                    paid_on=date(2020, 1, 1), amount_fen=100, cost_category="materials")
    db.session.commit()
    before = _snapshot(Payment)
    client.post(f"/funds/payments/{payment.id}/reverse", data={"voucher_no": f"R-{payment.id}", "reversed_on": day,
                                                               "reason": "模糊测试"})
    reversal = db.session.scalar(select(Payment).where(Payment.reversal_of_id == payment.id))
    if reversal is None:
        assert _snapshot(Payment) == before
    else:
        assert reversal.paid_on == _date(day) >= date(2020, 1, 1) and reversal.amount_fen == -100
