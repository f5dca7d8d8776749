"""Fund-rule checks on the real ledger: aggregates, scope, query count, pages, CLI, rule editing, demo."""
from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from flask import render_template
from sqlalchemy import event, select

from audit.models import AuditEvent
from extensions import db
from funds.ledger import services as ledger
from funds.ledger.project_money import LedgerForProjects
from funds.models import RULE_KINDS, FundRule
from funds.rules.checks import breaches_for_project, breaches_for_source, run_checks
from funds.rules.services import RuleInput, update_rule
from tests import factories
from tests.conftest import DEMO_DAY

TODAY = date(2026, 11, 27)
YUAN = 100
_vouchers = itertools.count(1)


def _funded(channel: str = "work_for_relief", allocated_yuan: int = 1_000_000, **project_fields):
    """A source of `channel` that allocated `allocated_yuan` to a new project on 2026-01-15."""
    source = factories.make_source(received_fen=5_000_000 * YUAN, channel=channel)
    project = factories.make_project(**project_fields)
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=allocated_yuan * YUAN, entry_date=date(2026, 1, 15))
    return source, project, milestone


def _pay(funded, yuan: int, category: str = "materials", paid_on: date = date(2026, 3, 1),
         payee: str = "某建设公司"):
    """Record a payment through the ledger."""
    source, project, milestone = funded
    return ledger.record_payment(source, project, milestone, voucher_no=f"V-{next(_vouchers)}", payee=payee,
                                 paid_on=paid_on, amount_fen=yuan * YUAN, cost_category=category)


def _in_english(client, auth, role: str) -> None:
    """Sign in as `role` and switch the interface to English."""
    auth.as_role(role)
    client.get("/lang/en")


def _kinds(breaches):
    return [(b.kind, b.project_code) for b in breaches]


def test_wage_share_is_computed_from_recorded_payments(app):
    """299,900 of 999,900 yuan as wages (29.99%) breaks a 30% floor; 100 yuan more in wages meets it."""
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    funded = _funded()
    _pay(funded, 700_000)
    _pay(funded, 299_900, "wages", payee="务工群众工资")
    [breach] = run_checks(TODAY).breaches
    assert breach.kind == "wage_share_below_floor" and breach.detail["share_bp"] == 2999
    _pay(funded, 100, "wages", payee="务工群众工资")
    assert run_checks(TODAY).breaches == []


def test_spending_after_completion_skips_reversed_payments(app):
    """Payments after the actual end are breaches unless reversed; payments up to the end day are fine."""
    factories.make_rule("spending_after_completion", {})
    funded = _funded(channel="fiscal", status="completed", actual_start=date(2026, 1, 20),
                     actual_end=date(2026, 6, 30))
    _pay(funded, 1_000, paid_on=date(2026, 6, 30))
    _pay(funded, 2_000, paid_on=date(2026, 7, 5))
    mistaken = _pay(funded, 3_000, paid_on=date(2026, 7, 10))
    ledger.reverse_payment(mistaken, voucher_no="V-REV", reversed_on=date(2026, 7, 12), reason="重复支付")
    [breach] = run_checks(TODAY).breaches
    assert breach.kind == "spending_after_completion"
    assert (breach.detail["payments"], breach.detail["amount_fen"]) == (1, 2_000 * YUAN)


def test_idle_allocation_counts_from_the_allocation_entry(app):
    """600,000 yuan allocated on 2026-01-15 and never spent is idle from 2027-01-16 (FMIS tiers)."""
    factories.make_rule("idle_allocation")
    _funded(channel="fiscal", allocated_yuan=600_000)
    assert run_checks(date(2027, 1, 15)).breaches == []
    [breach] = run_checks(date(2027, 1, 16)).breaches
    assert breach.detail["since"] == "2026-01-15" and breach.detail["allowed_months"] == 12


def test_idle_allocation_counts_from_the_last_payment(app):
    """After a payment on 2026-03-01 the 400,000 yuan left (24-month tier) is idle from 2028-03-02."""
    factories.make_rule("idle_allocation")
    funded = _funded(channel="fiscal", allocated_yuan=500_000)
    _pay(funded, 100_000)
    assert run_checks(date(2028, 3, 1)).breaches == []
    [breach] = run_checks(date(2028, 3, 2)).breaches
    assert breach.detail["since"] == "2026-03-01" and breach.detail["allowed_months"] == 24


def test_negative_list_and_management_fee_on_poverty_relief(app):
    """A payee repaying debt and fees over 1% of the allocation break poverty-relief rules."""
    factories.make_rule("negative_list", channel="poverty_relief")
    factories.make_rule("management_fee_cap", channel="poverty_relief")
    funded = _funded(channel="poverty_relief", allocated_yuan=1_000_000)
    _pay(funded, 50_000, payee="县城投公司（偿还债务）")
    _pay(funded, 10_000, "management_fee", payee="项目管理费")
    assert run_checks(TODAY).breaches == [b for b in run_checks(TODAY).breaches if b.kind == "negative_list"]
    _pay(funded, 1, "management_fee", payee="项目管理费")
    assert [b.kind for b in run_checks(TODAY).breaches] == ["management_fee_over_cap", "negative_list"]


def test_editing_the_eligible_categories_reports_existing_allocations(app):
    """Money allocated while a category was allowed is reported once the rule no longer allows it."""
    rule = factories.make_rule("eligible_categories", {"categories": ["road", "bridge"]}, channel="work_for_relief")
    _, project, _ = _funded(category="road")
    assert run_checks(TODAY).breaches == []
    update_rule(rule, RuleInput(params={"categories": ["bridge"]}, channel="work_for_relief"))
    assert _kinds(run_checks(TODAY).breaches) == [("ineligible_category", project.code)]


def test_inactive_and_unreadable_rules(app):
    """An inactive rule is ignored; an unreadable one is reported as a problem and the others still run."""
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, active=False)
    broken = factories.make_rule("wage_share_floor", {"min_share_pct": "lots"})
    factories.make_rule("idle_allocation")
    _funded(channel="fiscal", allocated_yuan=600_000)
    run = run_checks(date(2028, 1, 1))
    assert [b.kind for b in run.breaches] == ["idle_allocation"]
    assert [problem.rule_id for problem in run.problems] == [broken.id]


def test_scope_by_project_and_by_source(app):
    """A project's page sees only its breaches, a source's page only the source's."""
    factories.make_rule("idle_allocation")
    first, second = _funded(channel="fiscal"), _funded(channel="fiscal")
    later = date(2028, 1, 1)
    assert len(run_checks(later).breaches) == 2
    assert _kinds(breaches_for_project(first[1].id, later)) == [("idle_allocation", first[1].code)]
    assert [b.source_id for b in breaches_for_source(second[0].id, later)] == [second[0].id]
    assert _kinds(LedgerForProjects().breaches(second[1].id)) == []  # as of the real today: not idle yet


def test_a_run_is_a_fixed_number_of_queries(app):
    """Ten allocations cost no more queries than one: aggregates, never a query per project."""
    for kind in ("wage_share_floor", "negative_list", "idle_allocation", "spending_after_completion"):
        factories.make_rule(kind)
    _pay(_funded(), 100, "wages")

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            run_checks(TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    one = count_queries()
    for _ in range(9):
        _pay(_funded(channel="poverty_relief"), 100, "materials", payee="某公司")
    assert count_queries() == one <= 10  # 8 for the ledger's rules, 2 for payrolls (the wage share reads them)


def test_checks_page_groups_breaches_with_links_and_filters(app, client, auth):
    """The page shows counts per kind and each breach linked to its project and source; filters narrow it."""
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    factories.make_rule("idle_allocation")
    wages = _funded()
    _pay(wages, 1_000)
    idle = _funded(channel="fiscal")
    db.session.commit()
    _in_english(client, auth, "leader")
    page = client.get("/funds/checks").get_data(as_text=True)
    assert "Wage share below the floor" in page and f'href="/projects/{wages[1].id}"' in page
    assert f'href="/funds/sources/{wages[0].id}"' in page
    only_idle = client.get("/funds/checks?kind=idle_allocation").get_data(as_text=True)
    assert wages[1].code not in only_idle
    by_source = client.get(f"/funds/checks?source={idle[0].id}").get_data(as_text=True)
    assert wages[1].code not in by_source


def test_breaches_include_links_project_source_and_rule(app):
    """templates/funds/_breaches.html shows each breach with links to its project, source and rule."""
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    funded = _funded()
    _pay(funded, 1_000)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template("funds/_breaches.html", breaches=breaches_for_project(funded[1].id, TODAY))
        empty = render_template("funds/_breaches.html", breaches=[])
    assert f'href="/projects/{funded[1].id}"' in html and f'href="/funds/sources/{funded[0].id}"' in html
    assert "/funds/rules#rule-" in html and "0.00%" in html
    assert "No fund rule is broken." in empty


def test_cli_prints_breaches_as_json(app, runner):
    """`flask checks --json` prints a list of objects with kind, source_code, project_code and message."""
    factories.make_rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    funded = _funded()
    _pay(funded, 1_000)
    db.session.commit()
    result = runner.invoke(args=["checks", "--json", "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.output)
    assert item["kind"] == "wage_share_below_floor" and item["project_code"] == funded[1].code
    assert item["source_code"] == funded[0].code and "0.00%" in item["message"]
    text = runner.invoke(args=["checks", "--today", "2026-11-27"])
    assert "1 breaches as of 2026-11-27 (wage_share_below_floor: 1)" in text.output


# --- editing rules through the pages ----------------------------------------------------------------

def _audits(action: str):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_editor_adds_a_rule_through_typed_fields(app, client, auth):
    """Finance picks a kind, fills a percentage and a channel; the rule is stored and audited."""
    _in_english(client, auth, "finance")
    assert "Minimum wage share" in client.get("/funds/rules/new").get_data(as_text=True)
    form = client.get("/funds/rules/new?kind=wage_share_floor").get_data(as_text=True)
    assert 'name="min_share_pct"' in form and 'value="30"' in form and "{" not in form.split("<form")[1]
    response = client.post("/funds/rules/new?kind=wage_share_floor",
                           data={"channel": "work_for_relief", "source_id": "", "min_share_pct": "32.5",
                                 "note": "省级要求", "active": "y"})
    assert response.status_code == 302
    rule = db.session.scalars(select(FundRule)).one()
    assert (rule.kind, rule.channel, rule.params, rule.active) == ("wage_share_floor", "work_for_relief",
                                                                   {"min_share_pct": 32.5}, True)
    [created] = _audits("fund_rule.create")
    assert created.username == "finance-user" and created.after["params"] == '{"min_share_pct": 32.5}'


def test_editor_changes_idle_thresholds_with_before_and_after(app, client, auth):
    """Threshold rows replace the tiers; the audit keeps the parameters before and after."""
    rule = factories.make_rule("idle_allocation")
    db.session.commit()
    _in_english(client, auth, "admin")
    page = client.get(f"/funds/rules/{rule.id}").get_data(as_text=True)
    assert 'value="500,000.00"' in page and 'value="36"' in page
    response = client.post(f"/funds/rules/{rule.id}", data={
        "channel": "", "source_id": "", "thresholds-0-over": "1,000,000", "thresholds-0-months": "6",
        "thresholds-1-over": "0", "thresholds-1-months": "18", "thresholds-2-over": "", "thresholds-2-months": "",
        "note": "县里更严", "active": "y"})
    assert response.status_code == 302
    db.session.refresh(rule)
    assert rule.params == {"thresholds": [{"min_unspent_fen": 100_000_000, "months": 6},
                                          {"min_unspent_fen": 0, "months": 18}]}
    [update] = _audits("fund_rule.update")
    assert "50000000" in update.before["params"] and "100000000" in update.after["params"]
    assert update.after["note"] == "县里更严" and "kind" not in update.after


def test_refused_input_saves_nothing(app, client, auth):
    """A zero percentage, or a channel and a source at once, is shown as an error and nothing changes."""
    source = factories.make_source()
    rule = factories.make_rule("wage_share_floor", {"min_share_pct": 30})
    db.session.commit()
    _in_english(client, auth, "finance")
    zero = client.post(f"/funds/rules/{rule.id}", data={"channel": "", "source_id": "", "min_share_pct": "0",
                                                        "active": "y"})
    assert zero.status_code == 200 and "more than 0 and at most 100" in zero.get_data(as_text=True)
    both = client.post(f"/funds/rules/{rule.id}", data={"channel": "fiscal", "source_id": str(source.id),
                                                        "min_share_pct": "30", "active": "y"})
    assert "either a channel or one source" in both.get_data(as_text=True)
    db.session.refresh(rule)
    assert rule.params == {"min_share_pct": 30} and rule.channel is None and _audits("fund_rule.update") == []


def test_a_rule_changed_meanwhile_is_not_overwritten(app, client, auth):
    """Saving a form loaded before someone else's change is refused."""
    rule = factories.make_rule("wage_share_floor", {"min_share_pct": 30})
    db.session.commit()
    _in_english(client, auth, "finance")
    response = client.post(f"/funds/rules/{rule.id}", data={"channel": "", "source_id": "", "min_share_pct": "40",
                                                             "active": "y", "version": "2000-01-01T00:00:00"})
    assert "Someone else changed this rule" in response.get_data(as_text=True)
    db.session.refresh(rule)
    assert rule.params == {"min_share_pct": 30}


def test_rules_are_deactivated_never_deleted(app, client, auth):
    """The list's button deactivates and reactivates a rule, each change audited."""
    rule = factories.make_rule("spending_after_completion", {})
    db.session.commit()
    _in_english(client, auth, "admin")
    assert client.post(f"/funds/rules/{rule.id}/active", data={"active": "0", "confirmed": "1"}).status_code == 302
    db.session.refresh(rule)
    assert rule.active is False and "inactive" in client.get("/funds/rules").get_data(as_text=True)
    client.post(f"/funds/rules/{rule.id}/active", data={"active": "1"})
    db.session.refresh(rule)
    assert rule.active is True
    assert [e.after for e in _audits("fund_rule.update")] == [{"active": False}, {"active": True}]


def test_readers_see_rules_in_words_but_cannot_change_them(app, client, auth):
    """A leader reads each rule's parameters as text, without edit controls, and is refused a change."""
    rule = factories.make_rule("idle_allocation")
    db.session.commit()
    _in_english(client, auth, "leader")
    page = client.get("/funds/rules").get_data(as_text=True)
    assert "Unspent over 500,000.00 yuan: at most 12 months without a payment" in page
    assert f"/funds/rules/{rule.id}" not in page
    assert client.post(f"/funds/rules/{rule.id}/active", data={"active": "0"}).status_code == 403


# --- the demo county ------------------------------------------------------------------------------

@pytest.fixture
def demo(app):
    """The demo county as of TODAY (tests marked `demo`: seeded once per run, tests/conftest.py)."""
    assert TODAY == DEMO_DAY
    return app


@pytest.mark.demo
def test_demo_county_known_breaches(demo, client, auth):
    """The demo shows exactly its planted breaches: 18% wages on SP-2026-003, idle money on SP-2026-009,
    the unpaid month of the work-for-relief road SP-2026-035, and the poverty-relief money behind the
    spending schedule (last year's carried over and this year's)."""
    breaches = run_checks(TODAY).breaches
    assert _kinds(breaches) == [("wage_share_below_floor", "SP-2026-003"), ("idle_allocation", "SP-2026-009"),
                                ("wages_overdue", "SP-2026-035"), ("behind_schedule", ""), ("behind_schedule", "")]
    assert sorted((b.source_code, b.detail["level"]) for b in breaches[3:]) == [("PRF-2025", "breach"),
                                                                               ("PRF-2026", "breach")]
    assert breaches[0].source_code == "WFR-2026" and 1790 <= breaches[0].detail["share_bp"] <= 1810
    assert breaches[1].source_code == "PRF-2025" and breaches[1].detail["never_paid"] is True
    _in_english(client, auth, "auditor")
    assert "SP-2026-003" in client.get("/funds/checks").get_data(as_text=True)
    assert client.get("/funds/rules").status_code == 200


def test_withdrawing_part_of_an_idle_allocation_does_not_restart_its_clock(app):
    """An allocation idle since 2026-01-15 stays idle after 1 fen is withdrawn later."""
    factories.make_rule("idle_allocation")
    source, project, _ = _funded(channel="fiscal", allocated_yuan=600_000)
    ledger.allocate(source, project, delta_fen=-1, entry_date=date(2027, 1, 10), reason="调减")
    [breach] = run_checks(date(2027, 1, 16)).breaches
    assert breach.detail["since"] == "2026-01-15"


def test_new_rule_page_describes_each_kind(client, auth):
    """Choosing the kind of a new rule, each kind is described in words, not only named."""
    _in_english(client, auth, "finance")
    page = client.get("/funds/rules/new").get_data(as_text=True)
    assert "at least 30%" in page and "after the project's actual end" in page
    assert page.count("<dd>") == len(RULE_KINDS)
