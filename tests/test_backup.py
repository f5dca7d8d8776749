"""`flask backup` takes a consistent copy while the app works; `flask restore` brings back exactly that."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from audit.services import verify_database
from extensions import db
from funds.ledger import services as ledger
from funds.models import Allocation, FundSource, Payment
from projects.models import Milestone


def _snapshot() -> dict:
    """Row counts of every table and the money totals."""
    counts = {table.name: db.session.execute(text(f'SELECT COUNT(*) FROM "{table.name}"')).scalar()
              for table in db.metadata.sorted_tables}
    sums = (func.sum(FundSource.received_fen), func.sum(FundSource.allocated_fen), func.sum(FundSource.spent_fen),
            func.sum(Payment.amount_fen))
    totals = tuple(int(db.session.scalar(select(total)) or 0) for total in sums)
    return {"counts": counts, "totals": totals}


@pytest.mark.demo
def test_backup_and_restore_round_trip(app, runner, tmp_path):
    """A backup taken while a reader holds the demo county's database restores every row, total and the audit chain."""
    before = _snapshot()
    reader = db.engine.connect()  # another user in the middle of reading
    reader.execute(select(func.count(Payment.id))).scalar()
    target = tmp_path / "liandong.backup"
    result = runner.invoke(args=["backup", str(target)])
    reader.close()
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 10_000

    allocation = db.session.scalar(select(Allocation).where(Allocation.amount_fen > Allocation.spent_fen + 100))
    milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == allocation.project_id))
    ledger.record_payment(allocation.source, allocation.project, milestone, voucher_no="记-AFTER-BACKUP",
                          payee="备份后的支付", paid_on=date(2026, 11, 27), amount_fen=100, cost_category="other")
    db.session.commit()
    assert _snapshot() != before

    db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _snapshot() == before
    assert db.session.scalar(select(Payment.id).where(Payment.voucher_no == "记-AFTER-BACKUP")) is None
    report = verify_database()
    assert report.ok and report.checked == before["counts"]["audit_event"]


def test_backup_refuses_to_overwrite(app, runner, tmp_path):
    """An existing file is never overwritten by a backup."""
    target = tmp_path / "exists.backup"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and target.read_text() == "keep me"
