"""What the fund rules read of payrolls (funds.rules.checks asks through the provider this package
installs): per (source, project) pair, the posted payrolls' wages without managers' lines, the
workers paid (managers aside) and those from registered households, the oldest unposted month.
Four GROUP BY queries whatever the number of payrolls."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from extensions import db
from funds.rules.checks import Pair, Scope
from funds.rules.evaluate import PayrollFacts
from payroll.models import Payroll, PayrollLine, Worker


def _workers(scope: Scope) -> dict[Pair, tuple[int, int]]:
    """(workers, from registered households) per pair, managers' lines aside."""
    query = (select(Payroll.source_id, Payroll.project_id, func.count(func.distinct(PayrollLine.worker_id)),
                    func.count(func.distinct(PayrollLine.worker_id)).filter(Worker.household == "registered"))
             .join(PayrollLine, PayrollLine.payroll_id == Payroll.id).join(Worker, Worker.id == PayrollLine.worker_id)
             .where(PayrollLine.is_manager.is_(False)).group_by(Payroll.source_id, Payroll.project_id))
    rows = db.session.execute(scope.apply(query, Payroll.source_id, Payroll.project_id))
    return {(row[0], row[1]): (int(row[2]), int(row[3])) for row in rows}


def _posted_wages(scope: Scope) -> dict[Pair, tuple[int, int]]:
    """(posted payrolls, their lines' wages without managers) per pair."""
    wages = (select(Payroll.source_id, Payroll.project_id, func.count(func.distinct(Payroll.id)),
                    func.coalesce(func.sum(PayrollLine.amount_fen).filter(PayrollLine.is_manager.is_(False)), 0))
             .join(PayrollLine, PayrollLine.payroll_id == Payroll.id)
             .where(Payroll.status == "posted").group_by(Payroll.source_id, Payroll.project_id))
    rows = db.session.execute(scope.apply(wages, Payroll.source_id, Payroll.project_id))
    return {(row[0], row[1]): (int(row[2]), int(row[3] or 0)) for row in rows}


def _oldest_unpaid(scope: Scope) -> dict[Pair, tuple[int, int, int]]:
    """(month, workers, total) of each pair's oldest draft payroll."""
    query = (select(Payroll.source_id, Payroll.project_id, Payroll.period, Payroll.line_count, Payroll.total_fen)
             .where(Payroll.status == "draft").order_by(Payroll.period.desc()))
    found: dict[Pair, tuple[int, int, int]] = {}
    for row in db.session.execute(scope.apply(query, Payroll.source_id, Payroll.project_id)):
        found[row[0], row[1]] = (row[2], row[3], int(row[4]))  # the oldest comes last and stays
    return found


def payroll_facts(scope: Scope) -> dict[Pair, PayrollFacts]:
    """Each pair in `scope` with a payroll, and its facts."""
    workers, posted, unpaid = _workers(scope), _posted_wages(scope), _oldest_unpaid(scope)
    facts: dict[Pair, dict] = defaultdict(dict)
    for pair, (count, household) in workers.items():
        facts[pair].update(workers=count, household_workers=household)
    for pair, (payrolls, wages) in posted.items():
        facts[pair].update(posted=payrolls, wages_fen=wages)
    for pair, (period, lines, total) in unpaid.items():
        facts[pair].update(unpaid_period=period, unpaid_workers=lines, unpaid_fen=total)
    return {pair: PayrollFacts(**values) for pair, values in facts.items() if scope.keeps(*pair)}
