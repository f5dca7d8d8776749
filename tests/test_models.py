"""The database itself refuses impossible rows, and a refused row leaves nothing behind."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from audit.models import AuditEvent
from audit.services import record
from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, FundSource, Payment
from projects.models import Area, Milestone, Project
from tests import factories


@pytest.fixture
def funded(app):
    """A project with a milestone and 100,000 yuan allocated from a source that received 500,000."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=50_000_000)
    ledger.allocate(source, project, delta_fen=10_000_000, entry_date=date(2026, 2, 1))
    db.session.commit()
    return project, milestone, source


def _payment(project, milestone, source, **overrides):
    values = dict(source_id=source.id, project_id=project.id, milestone_id=milestone.id, voucher_no="V-1",
                  payee="某公司", paid_on=date(2026, 3, 1), period=202603, amount_fen=100, cost_category="materials")
    values.update(overrides)
    return Payment(**values)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(row) -> None:
    """Insert `row` directly (bypassing the services) and check the database refuses it."""
    before = {model: _count(model) for model in (Payment, Project, Milestone, Area, FundSource)}
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert {model: _count(model) for model in before} == before


@pytest.mark.parametrize("overrides", [
    {"amount_fen": 0},
    {"amount_fen": -500},
    {"cost_category": "bonus"},
    {"payee": ""},
    {"period": 0},
], ids=["zero", "negative-without-reversal", "unknown-category", "no-payee", "bad-period"])
def test_payment_check_constraints(funded, overrides):
    """A payment of zero, negative (unless a reversal), unknown category or blank payee is refused."""
    _refused(_payment(*funded, **overrides))


def test_voucher_number_unique_per_source(funded):
    """The same voucher number cannot be used twice for one source."""
    project, milestone, source = funded
    ledger.record_payment(source, project, milestone, voucher_no="V-1", payee="某公司", paid_on=date(2026, 3, 1),
                          amount_fen=100, cost_category="materials")
    db.session.commit()
    _refused(_payment(*funded))


def test_payment_milestone_must_belong_to_project(funded):
    """A payment cannot point at another project's milestone (composite foreign key)."""
    project, _milestone, source = funded
    other_milestone = factories.make_milestone(factories.make_project())
    db.session.commit()
    _refused(_payment(project, other_milestone, source))


def test_payment_requires_an_allocation(funded):
    """A source that allocated nothing to a project cannot pay for it."""
    project, milestone, _source = funded
    stranger = factories.make_source(received_fen=1_000)
    db.session.commit()
    _refused(_payment(project, milestone, stranger))


def test_foreign_keys_enforced(app):
    """A project in an area that does not exist is refused (SQLite's foreign_keys pragma is on)."""
    _refused(Project(code="X-1", name="无区域", category="road", area_id=9999, budget_fen=1, status="proposed"))


@pytest.mark.parametrize("fields", [
    {"budget_fen": -1},
    {"planned_start": date(2026, 5, 1), "planned_end": date(2026, 4, 1)},
    {"category": "palace"},
    {"status": "finished"},
    {"code": ""},
], ids=["negative-budget", "end-before-start", "unknown-category", "unknown-status", "empty-code"])
def test_project_check_constraints(app, fields):
    """Impossible projects are refused by the database."""
    area = factories.make_area()
    db.session.commit()
    values = dict(code="P-X", name="测试", category="road", area_id=area.id, budget_fen=100, status="proposed")
    values.update(fields)
    _refused(Project(**values))


@pytest.mark.parametrize("fields", [
    {"progress_pct": 101}, {"progress_pct": -1}, {"planned_cost_fen": -1},
    {"progress_pct": 50, "actual_date": date(2026, 1, 1)},
], ids=["over-100", "negative-progress", "negative-cost", "dated-but-unfinished"])
def test_milestone_check_constraints(app, fields):
    """A milestone's progress stays within 0-100 and only a finished one has an actual date."""
    project = factories.make_project()
    db.session.commit()
    values = dict(project_id=project.id, sequence=1, name="验收", planned_date=date(2026, 1, 1), planned_cost_fen=1)
    values.update(fields)
    _refused(Milestone(**values))


def test_source_cannot_allocate_more_than_received(funded):
    """Even a direct UPDATE cannot make a source's allocations exceed what it received."""
    _project, _milestone, source = funded
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE fund_source SET allocated_fen = received_fen + 1 WHERE id = :id"),
                           {"id": source.id})
        db.session.commit()
    db.session.rollback()
    assert db.session.get(FundSource, source.id).allocated_fen == 10_000_000


def test_allocation_cannot_be_overspent(funded):
    """Even a direct UPDATE cannot make spending exceed an allocation."""
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE allocation SET spent_fen = amount_fen + 1"))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(Allocation.spent_fen)) == 0


def test_village_needs_a_parent_and_township_none(app):
    """The area hierarchy is township -> village: a village without a township is refused."""
    _refused(Area(code="V-1", name_zh="孤村", name_en="Orphan", kind="village", parent_id=None))


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
def test_audit_trail_is_append_only(app, statement):
    """The database refuses to change or delete audit events (trigger)."""
    record("test.event", object_type="thing", object_id=1)
    db.session.commit()
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.action)) == "test.event"
