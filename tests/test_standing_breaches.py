"""The standing fund-rule breaches kept in step: after any sequence of changes made through the services
(money, projects, sources, rules), the table equals a full recomputation and reads as a full run."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Refused
from extensions import db
from funds.ledger import services as ledger
from funds.models import Payment
from funds.rules.checks import Scope, run_checks
from funds.rules.services import RuleInput, create_rule, set_rule_active, update_rule
from funds.rules.standing import check_run_on, counts_on, full_recomputation_differs, rebuild
from projects import services as planning
from tests import factories

DAYS = [date(2026, 1, 10) + timedelta(days=47 * n) for n in range(8)]
PAYEES = ("务工群众工资", "某路桥建设有限公司", "某银行偿还债务专户", "村委会奖金")
NAMES = ("石溪村道路硬化", "乡政府楼堂馆所改造", "河塘村便民桥")
CATEGORIES = ("road", "community_building", "telecom", "bridge")
CHANNELS = ("work_for_relief", "poverty_relief", "fiscal", "land_consolidation")

operation = st.one_of(
    st.tuples(st.just("allocate"), st.integers(0, 2), st.integers(0, 2), st.sampled_from([-30_000, 5_000, 80_000,
                                                                                           600_000]),
              st.sampled_from(DAYS)),
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 90_000),
              st.sampled_from(("wages", "materials", "management_fee")), st.sampled_from(DAYS),
              st.sampled_from(PAYEES)),
    st.tuples(st.just("reverse"), st.integers(0, 30), st.sampled_from(DAYS)),
    st.tuples(st.just("project"), st.integers(0, 2), st.sampled_from(NAMES), st.sampled_from(CATEGORIES),
              st.sampled_from(("", "用于偿还债务"))),
    st.tuples(st.just("status"), st.integers(0, 2), st.sampled_from(DAYS)),
    st.tuples(st.just("channel"), st.integers(0, 2), st.sampled_from(CHANNELS)),
    st.tuples(st.just("rule"), st.integers(0, 5), st.integers(0, 3)),
)


def _county():
    """Three sources, three projects with a finished milestone each, and one rule of every kind."""
    sources = [factories.make_source(received_fen=500_000_000, channel=channel) for channel in CHANNELS[:3]]
    projects = [factories.make_project(category=category) for category in CATEGORIES[:3]]
    milestones = [factories.make_milestone(project, progress_pct=100) for project in projects]
    rules = [create_rule(kind, RuleInput(params)) for kind, params in (
        ("wage_share_floor", {"min_share_pct": 30}),
        ("management_fee_cap", {"max_share_pct": 1}),
        ("negative_list", {"forbidden_categories": ["community_building"], "forbidden_keywords": ["楼堂馆所", "偿还债务"]}),
        ("idle_allocation", {"thresholds": [{"min_unspent_fen": 1_000_000, "months": 3},
                                            {"min_unspent_fen": 0, "months": 9}]}),
        ("spending_after_completion", {}),
        ("eligible_categories", {"categories": ["road", "bridge"]}))]
    update_rule(rules[-1], RuleInput(rules[-1].params, channel="work_for_relief"))
    return sources, projects, milestones, rules


RULE_EDITS = (
    lambda rule: update_rule(rule, RuleInput({"min_share_pct": 45}, channel="work_for_relief")),
    lambda rule: update_rule(rule, RuleInput(rule.params, channel="fiscal")),
    lambda rule: set_rule_active(rule, not rule.active),
    lambda rule: update_rule(rule, RuleInput({"thresholds": [{"min_unspent_fen": 0, "months": 1}]})
                             if rule.kind == "idle_allocation" else RuleInput(rule.params, source_id=None)),
)


def _apply(step, county, payments: list[Payment]) -> None:
    sources, projects, milestones, rules = county
    kind = step[0]
    if kind == "allocate":
        ledger.allocate(sources[step[1]], projects[step[2]], delta_fen=step[3] * 100, entry_date=step[4])
    elif kind == "pay":
        payments.append(ledger.record_payment(
            sources[step[1]], projects[step[2]], milestones[step[2]], voucher_no=f"V{len(payments)}",
            payee=step[6], paid_on=step[5], amount_fen=step[3] * 100, cost_category=step[4]))
    elif kind == "reverse" and payments:
        original = payments[step[1] % len(payments)]
        ledger.reverse_payment(original, voucher_no=f"R{original.id}", reversed_on=max(step[2], original.paid_on),
                               reason="重复支付")
    elif kind == "project":
        project = projects[step[1]]
        values = planning.input_from_project(project)
        values.name, values.category, values.description = step[2], step[3], step[4]
        planning.update_project(project, values)
    elif kind == "status":
        project = projects[step[1]]
        target = "in_progress" if project.status == "completed" else "completed"
        planning.change_status(project, target, reason="测试", on_date=step[2])
    elif kind == "channel":
        source = sources[step[1]]
        ledger.update_source(source, name=source.name, channel=step[2], level=source.level,
                             fiscal_year=source.fiscal_year)
    elif kind == "rule":
        RULE_EDITS[step[2]](rules[step[1]])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=14))
def test_kept_breaches_equal_a_full_recomputation_after_any_changes(app, steps):
    """Random changes through the services (each refused one undone) leave the standing breaches equal to a
    full recomputation, and reading them gives a full run's breaches on any day."""
    county = _county()
    for source in county[0][1:]:  # money on most pairs, so that most payments are possible
        for project in county[1]:
            ledger.allocate(source, project, delta_fen=400_000_00, entry_date=DAYS[0])
    payments: list[Payment] = []
    try:
        for step in steps:
            try:
                with db.session.begin_nested():
                    _apply(step, county, payments)
            except Refused:
                pass
            assert full_recomputation_differs() == {}, step
        for today in (DAYS[0], DAYS[4], DAYS[-1] + timedelta(days=400)):
            kept = [b.to_json() for b in check_run_on(today, Scope()).breaches]
            assert kept == [b.to_json() for b in run_checks(today, Scope()).breaches]
            assert sum(counts_on(today).values()) == len(kept)
    finally:
        db.session.rollback()


def test_a_payment_changes_only_its_own_allocations_rows(app):
    """A payment rechecks its allocation alone: another allocation's rows stay the very same rows."""
    from funds.rules.models import StandingBreach

    sources, projects, milestones, _rules = _county()
    for source in sources[1:]:
        for project in projects[:2]:
            ledger.allocate(source, project, delta_fen=100_000_00, entry_date=DAYS[0])
    ledger.record_payment(sources[1], projects[0], milestones[0], voucher_no="W1", payee=PAYEES[1], paid_on=DAYS[1],
                          amount_fen=50_000_00, cost_category="materials")
    paid = ledger.Allocation.query.filter_by(source_id=sources[1].id, project_id=projects[0].id).one().id
    rows = db.select(StandingBreach.id, StandingBreach.allocation_id)
    before = set(db.session.execute(rows).all())
    ledger.record_payment(sources[1], projects[0], milestones[0], voucher_no="W2", payee=PAYEES[0], paid_on=DAYS[2],
                          amount_fen=40_000_00, cost_category="wages")
    after = set(db.session.execute(rows).all())
    assert {allocation for _, allocation in before ^ after} == {paid}
    assert {allocation for _, allocation in before} > {paid} and full_recomputation_differs() == {}


def test_rebuild_marks_the_table_built_and_fills_it(app):
    """After a bulk load, rebuild() writes every allocation's breaches; the checks then read the table."""
    from core.kept import KeptState

    sources, projects, _milestones, _rules = _county()
    ledger.allocate(sources[1], projects[1], delta_fen=100_00, entry_date=DAYS[0])
    db.session.query(KeptState).delete()
    rebuild()
    assert full_recomputation_differs() == {}
    assert db.session.get(KeptState, "standing_breach") is not None


def test_a_ledger_lists_its_first_breaches_and_counts_them_all(app, client, auth):
    """check_run_head gives the first breaches of check_run_on in its order and how many there are in all,
    and a source's ledger shows that count with its first 20 listed and a link to the rest."""
    from funds.rules.standing import check_run_head

    today = date.today()
    source = factories.make_source(received_fen=10**9, code="IDLE-S")
    for number in range(25):
        project = factories.make_project(code=f"SP-I-{number:03d}", status="in_progress")
        ledger.allocate(source, project, delta_fen=100_000, entry_date=today - timedelta(days=400))
    factories.make_rule("idle_allocation", {"thresholds": [{"min_unspent_fen": 1, "months": 3}]}, source=source)
    db.session.commit()
    everything = check_run_on(today, Scope(source_id=source.id)).breaches
    head, total = check_run_head(today, Scope(source_id=source.id), 20)
    assert len(everything) == total == 25 and head == everything[:20]
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{source.id}", headers={"Accept-Language": "en"}).data.decode()
    assert "Breaches: 25" in page and "All 25 breaches on the checks page" in page
    assert page.count('class="breach breach-idle_allocation"') == 20
