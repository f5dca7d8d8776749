"""Wage rules read from payrolls, with hand-computed examples: the wage share counts payroll lines
without managers (not the wages cost category), a month's payroll unposted N days after the month
shows as wages overdue, too few workers from registered households is listed; `flask checks --json`
names the kinds."""
from __future__ import annotations

import json
from datetime import date

from extensions import db
from funds.ledger import services as ledger
from funds.rules.evaluate import AllocationFacts, PayrollFacts, ProjectFacts, Rule, SourceFacts, evaluate
from funds.rules.params import HouseholdShareFloor, WageShareFloor, WagesOverdue
from funds.rules.standing import breaches_on
from payroll.importing import import_payroll_file
from tests import factories
from tests.payroll_builders import funded_project, payroll_csv, payroll_rows

SOURCE = SourceFacts(1, "YGDZ", "work_for_relief")
PROJECT = ProjectFacts(1, "P-1", "公路", "road")


def _fact(payroll: PayrollFacts, wages_category: int = 3_000_000, spent: int = 10_000_000) -> AllocationFacts:
    return AllocationFacts(SOURCE, PROJECT, 20_000_000, {"wages": wages_category}, spent, payroll=payroll)


def test_wage_share_reads_payroll_lines_without_managers():
    """Wages 30,000 of 100,000 spent meet a 30% floor by category, but the payroll's lines without the
    manager's 3,000 are 27,000: 27.00%, a breach read from the payroll."""
    rule = Rule(1, "wage_share_floor", WageShareFloor(3000))
    assert evaluate([rule], [_fact(PayrollFacts(posted=1, wages_fen=2_700_000))], date(2026, 5, 1))[0].detail == {
        "wages_fen": 2_700_000, "spent_fen": 10_000_000, "share_bp": 2700, "floor_bp": 3000, "from_payroll": True}
    assert evaluate([rule], [_fact(PayrollFacts(posted=0, wages_fen=0, unpaid_period=202603))], date(2026, 5, 1)) == []


def test_wages_overdue_shows_after_the_days_allowed():
    """March's payroll unposted with 30 days allowed: not shown on 30 April, shown on 1 May."""
    rule = Rule(2, "wages_overdue", WagesOverdue(30))
    fact = _fact(PayrollFacts(unpaid_period=202603, unpaid_workers=12, unpaid_fen=3_600_000))
    assert evaluate([rule], [fact], date(2026, 4, 30)) == []
    [breach] = evaluate([rule], [fact], date(2026, 5, 1))
    assert breach.kind == "wages_overdue" and breach.detail["month"] == "2026-03"
    assert "2026-03" in str(breach.message) and "36,000.00" in str(breach.message)


def test_household_share_below_the_minimum():
    """5 of 9 workers from registered households is 55.55%: below 60%, at 50% not."""
    fact = _fact(PayrollFacts(workers=9, household_workers=5))
    [breach] = evaluate([Rule(3, "household_share_floor", HouseholdShareFloor(6000))], [fact], date(2026, 5, 1))
    assert breach.kind == "household_share_below_floor" and breach.detail["share_bp"] == 5555
    assert evaluate([Rule(3, "household_share_floor", HouseholdShareFloor(5000))], [fact], date(2026, 5, 1)) == []


def test_rules_read_the_stored_payrolls(app, runner):
    """On the ledger: 10 workers × 3,000 (one a manager) posted plus 70,000 of materials: the wage share
    is 27%; a second month left unposted is overdue after 30 days; 5 of 9 workers registered is under
    60%. `flask checks --json` lists the three kinds."""
    source, project, milestone = funded_project()
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    factories.make_rule("wages_overdue", {"days": 30}, channel="work_for_relief")
    factories.make_rule("household_share_floor", {"min_share_pct": 60}, channel="work_for_relief")
    import_payroll_file(project, source, milestone, 202603, payroll_csv(payroll_rows(10, managers=1)), "a.csv",
                        paid_on=date(2026, 4, 10))
    ledger.record_payment(source, project, milestone, voucher_no="CL-1", payee="石料厂", paid_on=date(2026, 4, 12),
                          amount_fen=7_000_000, cost_category="materials")
    import_payroll_file(project, source, milestone, 202604, payroll_csv(payroll_rows(10, managers=1)), "b.csv")
    db.session.commit()
    kinds = {b.kind: b for b in breaches_on(date(2026, 6, 1), project_id=project.id)}
    assert kinds["wage_share_below_floor"].detail["share_bp"] == 2700
    assert kinds["wages_overdue"].detail["month"] == "2026-04"
    assert kinds["household_share_below_floor"].detail["share_bp"] == 5555
    assert "wages_overdue" not in {b.kind for b in breaches_on(date(2026, 5, 30), project_id=project.id)}
    result = runner.invoke(args=["checks", "--json", "--today", "2026-06-01"])
    assert {"wage_share_below_floor", "wages_overdue", "household_share_below_floor"} <= {
        item["kind"] for item in json.loads(result.output)}
