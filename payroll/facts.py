"""What the fund rules read of payrolls (funds.rules.checks asks through the provider this package
installs): per (source, project) pair, the posted payrolls' wages without managers' lines, the
workers paid (managers aside) and those from registered households, the oldest unposted month.
Two GROUP BY queries whatever the number of payrolls."""
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


def _payrolls(scope: Scope) -> list:
    """(source, project, status, month, lines, total, wages without managers) of each payroll."""
    wages = func.coalesce(func.sum(PayrollLine.amount_fen).filter(PayrollLine.is_manager.is_(False)), 0)
    query = (select(Payroll.source_id, Payroll.project_id, Payroll.status, Payroll.period, Payroll.line_count,
                    Payroll.total_fen, wages)
             .outerjoin(PayrollLine, PayrollLine.payroll_id == Payroll.id)
             .group_by(Payroll.id, Payroll.source_id, Payroll.project_id, Payroll.status, Payroll.period,
                       Payroll.line_count, Payroll.total_fen))
    return list(db.session.execute(scope.apply(query, Payroll.source_id, Payroll.project_id)))


def payroll_facts(scope: Scope) -> dict[Pair, PayrollFacts]:
    """Each pair in `scope` with a payroll, and its facts."""
    facts: dict[Pair, dict] = defaultdict(lambda: {"posted": 0, "wages_fen": 0})
    for source_id, project_id, status, period, lines, total, wages in _payrolls(scope):
        pair = facts[source_id, project_id]
        if status == "posted":
            pair["posted"] += 1
            pair["wages_fen"] += int(wages or 0)
        elif pair.get("unpaid_period") is None or period < pair["unpaid_period"]:
            pair.update(unpaid_period=period, unpaid_workers=lines, unpaid_fen=int(total))
    for pair_key, (count, household) in _workers(scope).items():
        facts[pair_key].update(workers=count, household_workers=household)
    return {pair: PayrollFacts(**values) for pair, values in facts.items() if scope.keeps(*pair)}
