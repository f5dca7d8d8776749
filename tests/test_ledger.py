"""The ledger services keep balances in step and refuse what a finance office must never allow."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, FundRule, FundSource, MonthClose, Payment
from projects.models import Project
from tests import factories


@pytest.fixture
def setup(app):
    """A source that received 500,000 yuan, 200,000 of it allocated to a road project with one milestone."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=50_000_000)
    ledger.allocate(source, project, delta_fen=20_000_000, entry_date=date(2026, 2, 1))
    db.session.commit()
    return source, project, milestone


def _pay(source, project, milestone, amount_fen, voucher="V-1", day=date(2026, 3, 5)):
    return ledger.record_payment(source, project, milestone, voucher_no=voucher, payee="双牌县某建设公司",
                                 paid_on=day, amount_fen=amount_fen, cost_category="materials")


def _balances(source, project):
    db.session.expire_all()
    s = db.session.get(FundSource, source.id)
    a = db.session.scalar(select(Allocation).where(Allocation.source_id == source.id))
    p = db.session.get(Project, project.id)
    return (s.received_fen, s.allocated_fen, s.spent_fen, a.amount_fen, a.spent_fen, p.allocated_fen, p.spent_fen)


def test_payment_moves_every_balance(setup):
    """A payment raises spent on the source, the allocation and the project together."""
    source, project, milestone = setup
    _pay(source, project, milestone, 5_000_000)
    db.session.commit()
    assert _balances(source, project) == (50_000_000, 20_000_000, 5_000_000, 20_000_000, 5_000_000,
                                          20_000_000, 5_000_000)


def test_allocation_beyond_received_is_refused(setup):
    """Allocating more than received-and-unallocated is refused and changes nothing."""
    source, project, _milestone = setup
    before = _balances(source, project)
    with pytest.raises(ledger.FundsError) as error:
        ledger.allocate(source, project, delta_fen=30_000_001, entry_date=date(2026, 2, 2))
    db.session.rollback()
    assert error.value.field == "amount" and "300,000.00" in str(error.value)
    assert _balances(source, project) == before


def test_payment_beyond_allocation_is_refused(setup):
    """Paying more than the source allocated to the project is refused and stores nothing."""
    source, project, milestone = setup
    with pytest.raises(ledger.FundsError):
        _pay(source, project, milestone, 20_000_001)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_reducing_allocation_below_spent_is_refused(setup):
    """An allocation cannot be cut below what has already been paid from it."""
    source, project, milestone = setup
    _pay(source, project, milestone, 15_000_000)
    db.session.commit()
    with pytest.raises(ledger.FundsError):
        ledger.allocate(source, project, delta_fen=-6_000_000, entry_date=date(2026, 4, 1), reason="调减")
    db.session.rollback()
    ledger.allocate(source, project, delta_fen=-5_000_000, entry_date=date(2026, 4, 1), reason="调减")
    db.session.commit()
    assert _balances(source, project)[3] == 15_000_000


def test_duplicate_voucher_is_refused(setup):
    """A voucher number already used for the source is refused by the service, not just the database."""
    source, project, milestone = setup
    _pay(source, project, milestone, 100)
    with pytest.raises(ledger.FundsError) as error:
        _pay(source, project, milestone, 200)
    assert error.value.field == "voucher_no"


def test_reversal_restores_balances_and_happens_once(setup):
    """A reversal is a linked negative entry with a reason; both stay; a second reversal is refused."""
    source, project, milestone = setup
    original = _pay(source, project, milestone, 7_000_000)
    db.session.commit()
    reversal = ledger.reverse_payment(original, voucher_no="V-1-R", reversed_on=date(2026, 3, 9), reason="重复支付")
    db.session.commit()
    assert reversal.amount_fen == -7_000_000 and reversal.reversal_of_id == original.id
    assert _balances(source, project)[2] == 0
    assert db.session.scalar(select(func.count(Payment.id))) == 2
    with pytest.raises(ledger.FundsError):
        ledger.reverse_payment(original, voucher_no="V-1-R2", reversed_on=date(2026, 3, 9), reason="again")


def test_closed_month_refuses_payments(setup):
    """No payment can be dated in a month the source has closed."""
    source, project, milestone = setup
    db.session.add(MonthClose(source_id=source.id, period=202603, closed_at=datetime(2026, 4, 2)))
    db.session.commit()
    with pytest.raises(ledger.FundsError) as error:
        _pay(source, project, milestone, 100)
    assert error.value.field == "paid_on"
    _pay(source, project, milestone, 100, day=date(2026, 4, 3))


def test_cancelled_project_and_ineligible_category_are_refused(app):
    """Money never goes to a cancelled project, nor to a category the source's rules exclude."""
    source = factories.make_source(received_fen=1_000_000, channel="work_for_relief")
    db.session.add(FundRule(kind="eligible_categories", channel="work_for_relief", params={"categories": ["road"]}))
    cancelled = factories.make_project(status="cancelled")
    building = factories.make_project(category="community_building")
    db.session.commit()
    for project in (cancelled, building):
        with pytest.raises(ledger.FundsError) as error:
            ledger.allocate(source, project, delta_fen=100, entry_date=date(2026, 2, 1))
        assert error.value.field == "project"
    road = factories.make_project(category="road")
    ledger.allocate(source, road, delta_fen=100, entry_date=date(2026, 2, 1))
