"""`flask gen-data`: a tiny synthetic county is consistent, deterministic and never mixed into data."""
from __future__ import annotations

import random

from sqlalchemy import func, select

from demo.gen_data import generate_county
from demo.gen_plan import plan_county, plan_payments, share_payments
from extensions import db
from funds.models import Allocation, FundSource, Payment, StatementLine
from funds.reconcile.services import import_statement
from projects.models import Milestone, Project
from tests.invariants import broken_invariants


def _totals() -> tuple:
    return (db.session.scalar(select(func.count(Payment.id))), db.session.scalar(select(func.sum(Payment.amount_fen))),
            db.session.scalar(select(func.sum(FundSource.received_fen))),
            db.session.scalar(select(func.sum(Project.progress_bp))))


def test_tiny_county_is_consistent_and_reconcilable(runner, tmp_path):
    """The CLI writes the asked numbers of rows, the ledger invariants hold and the statement imports."""
    statement = tmp_path / "statement.csv"
    result = runner.invoke(args=["gen-data", "--projects", "30", "--payments", "2000", "--seed", "7",
                                 "--statement", str(statement), "--statement-lines", "300"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Project.id))) == 30
    assert db.session.scalar(select(func.count(Payment.id))) == 2000
    assert 5 * 30 <= db.session.scalar(select(func.count(Milestone.id))) <= 15 * 30
    assert db.session.scalar(select(func.count(Allocation.id))) > 30
    assert broken_invariants() == {}
    source = db.session.scalar(select(FundSource).order_by(FundSource.id).limit(1))
    outcome = import_statement(source, statement.read_bytes(), statement.name)
    db.session.commit()
    assert db.session.scalar(select(func.count(StatementLine.id))) == outcome.new > 0
    assert outcome.matched > outcome.new // 2


def test_same_seed_same_county(app):
    """Two plans from the same seed have the same payments, amount for amount; another seed differs."""
    def payments(seed: int) -> list:
        rng = random.Random(seed)
        ids = dict.fromkeys(("fund_source", "project", "milestone", "allocation"), 1)
        plan = plan_county(rng, projects=20, sources=10, area_ids=[1, 2, 3], first_ids=ids, today=app_today)
        share_payments(rng, plan, 500)
        return [(row["voucher_no"], row["amount_fen"], row["paid_on"]) for row in plan_payments(rng, plan, 1)]

    from datetime import date
    app_today = date(2026, 6, 30)
    assert payments(5) == payments(5)
    assert payments(5) != payments(6)
    assert len(payments(5)) == 500


def test_written_totals_follow_the_seed(app):
    """Generating the same seed into an empty database gives the same totals."""
    generate_county(projects=12, payments=400, seed=11, sources=8)
    db.session.commit()
    first = _totals()
    assert broken_invariants() == {}
    db.session.execute(Payment.__table__.delete())  # start again from an empty ledger in this test's database
    for table in ("standing_breach", "allocation_category", "source_month", "allocation_entry", "allocation", "appropriation", "progress_update", "milestone", "project",
                  "fund_source"):
        db.session.execute(db.metadata.tables[table].delete())
    db.session.commit()
    generate_county(projects=12, payments=400, seed=11, sources=8)
    db.session.commit()
    assert _totals() == first


def test_refuses_a_database_with_projects(runner):
    """gen-data never writes a synthetic county beside existing projects."""
    assert runner.invoke(args=["gen-data", "--projects", "3", "--payments", "20"]).exit_code == 0
    result = runner.invoke(args=["gen-data", "--projects", "3", "--payments", "20"])
    assert result.exit_code != 0
    assert "already has projects" in result.output
    assert db.session.scalar(select(func.count(Project.id))) == 3
