"""Fund rules as pure functions: hand-computed examples for every kind, boundaries included."""
from __future__ import annotations

import json
from datetime import date

import pytest

from demo.data import FUND_RULES
from funds.rules.evaluate import (
    AllocationFacts,
    LateSpending,
    ProjectFacts,
    Rule,
    SourceFacts,
    add_months,
    count_by_kind,
    evaluate,
    whole_months_between,
)
from funds.rules.params import (
    IdleThresholds,
    IdleTier,
    RuleParamsError,
    keywords_from_lines,
    parse_params,
    share_basis_points,
)

TODAY = date(2026, 11, 27)
YUAN = 100  # fen
WFR = SourceFacts(1, "WFR-2026", "work_for_relief")
PRF = SourceFacts(2, "PRF-2026", "poverty_relief")
FIS = SourceFacts(3, "FIS-2026", "fiscal")
ROAD = ProjectFacts(10, "P-010", "瑶山村通组公路", "road", description="以工代赈项目")
CATEGORIES = ("road", "bridge", "water", "village_platform", "community_building", "other")


def rule(kind: str, params: dict, channel: str | None = None, source_id: int | None = None, rule_id: int = 1) -> Rule:
    """A rule parsed from stored parameters, as the checks load it."""
    return Rule(rule_id, kind, parse_params(kind, params, CATEGORIES), channel, source_id)


def fact(source: SourceFacts = WFR, project: ProjectFacts = ROAD, allocated_yuan: int = 1_000_000, **fields):
    """The aggregates of one allocation."""
    return AllocationFacts(source=source, project=project, allocated_fen=allocated_yuan * YUAN, **fields)


def check(rules, *facts, today: date = TODAY):
    """Evaluate and return the breaches."""
    return evaluate(rules if isinstance(rules, list) else [rules], facts, today)


# --- binding -----------------------------------------------------------------------------------

def test_rule_binds_its_source_its_channel_or_every_source():
    """A source rule binds that source, a channel rule that channel, an unbound rule every source."""
    params = {"min_share_pct": 30}
    assert rule("wage_share_floor", params, source_id=1).binds(WFR) and not rule("wage_share_floor", params,
                                                                                source_id=1).binds(PRF)
    assert rule("wage_share_floor", params, channel="poverty_relief").binds(PRF)
    assert not rule("wage_share_floor", params, channel="poverty_relief").binds(FIS)
    assert all(rule("wage_share_floor", params).binds(source) for source in (WFR, PRF, FIS))


# --- eligible categories -----------------------------------------------------------------------

def test_allocation_to_an_ineligible_category_is_reported():
    """Money allocated to a project whose category the rule no longer allows is a breach; zero is not."""
    eligible = rule("eligible_categories", {"categories": ["bridge", "water"]}, channel="work_for_relief")
    [breach] = check(eligible, fact())
    assert (breach.kind, breach.source_code, breach.project_code) == ("ineligible_category", "WFR-2026", "P-010")
    assert breach.detail["allocated_fen"] == 100_000_000 and breach.detail["allowed"] == ["bridge", "water"]
    assert "1,000,000.00 yuan" in str(breach.message)
    assert check(eligible, fact(allocated_yuan=0)) == []
    assert check(rule("eligible_categories", {"categories": ["road"]}), fact()) == []
    assert check(eligible, fact(source=FIS)) == []


# --- wage share --------------------------------------------------------------------------------

def test_wage_share_of_exactly_thirty_percent_is_fine():
    """300,000 of 1,000,000 yuan spent as wages meets a 30% floor exactly."""
    floor = rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    spent = {"wages": 300_000 * YUAN, "materials": 700_000 * YUAN}
    assert check(floor, fact(spent_by_category=spent)) == []


def test_wage_share_of_29_99_percent_is_a_breach():
    """299,900 of 1,000,000 yuan as wages is 29.99%, below a 30% floor."""
    floor = rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief")
    [breach] = check(floor, fact(spent_by_category={"wages": 299_900 * YUAN, "materials": 700_100 * YUAN}))
    assert breach.kind == "wage_share_below_floor"
    assert breach.detail == {"wages_fen": 29_990_000, "spent_fen": 100_000_000, "share_bp": 2999, "floor_bp": 3000}
    assert "29.99%" in str(breach.message) and "30.00%" in str(breach.message)


def test_wage_share_counts_net_spending_and_only_binds_its_channel():
    """Reversals are netted by category; nothing spent is no breach; another channel is not bound."""
    floor = rule("wage_share_floor", {"min_share_pct": "35.5"}, channel="work_for_relief")
    assert check(floor, fact(spent_by_category={"wages": 355 * YUAN, "materials": 645 * YUAN})) == []
    assert check(floor, fact(spent_by_category={"wages": 0, "materials": 0})) == []
    assert check(floor, fact(source=FIS, spent_by_category={"materials": 1_000 * YUAN})) == []
    [breach] = check(floor, fact(spent_by_category={"materials": 1_000 * YUAN}))
    assert breach.detail["share_bp"] == 0 and breach.detail["floor_bp"] == 3550


# --- management fee ----------------------------------------------------------------------------

def test_management_fee_of_one_percent_is_fine_one_fen_more_is_a_breach():
    """With 1,000,000 yuan allocated, a fee of 10,000.00 yuan meets a 1% cap and 10,000.01 breaks it."""
    cap = rule("management_fee_cap", {"max_share_pct": 1}, channel="poverty_relief")
    assert check(cap, fact(source=PRF, spent_by_category={"management_fee": 1_000_000})) == []
    [breach] = check(cap, fact(source=PRF, spent_by_category={"management_fee": 1_000_001}))
    assert breach.kind == "management_fee_over_cap"
    assert breach.detail["limit_fen"] == 1_000_000 and breach.detail["fees_fen"] == 1_000_001
    assert "10,000.01 yuan" in str(breach.message) and "10,000.00 yuan" in str(breach.message)
    assert check(cap, fact(source=FIS, spent_by_category={"management_fee": 5_000_000})) == []


# --- negative list -----------------------------------------------------------------------------

NEGATIVE = {"forbidden_categories": ["community_building"],
            "forbidden_keywords": ["楼堂馆所", "偿还债务", "Debt repayment"]}


def test_negative_list_matches_name_description_payee_and_category():
    """A forbidden word in the name, the description or a payee, or a forbidden category, is a breach."""
    listed = rule("negative_list", NEGATIVE, channel="poverty_relief")
    office = ProjectFacts(11, "P-011", "乡政府楼堂馆所改造", "community_building", description="用于偿还债务")
    [breach] = check(listed, fact(source=PRF, project=office))
    assert breach.kind == "negative_list"
    assert breach.detail["matched"] == ["community_building", "楼堂馆所", "偿还债务"]
    text = str(breach.message)
    assert "“楼堂馆所” in the project name" in text and "“偿还债务” in the project description" in text
    [by_payee] = check(listed, fact(source=PRF, payees=("某银行 DEBT REPAYMENT 专户", "务工群众工资")))
    assert by_payee.detail["matched"] == ["Debt repayment"]
    assert "payee 某银行 DEBT REPAYMENT 专户" in str(by_payee.message)


def test_negative_list_ignores_clean_projects_and_other_channels():
    """A project with no forbidden word or category, or another channel's money, is no breach."""
    listed = rule("negative_list", NEGATIVE, channel="poverty_relief")
    assert check(listed, fact(source=PRF, payees=("永州某某路桥建设有限公司",))) == []
    office = ProjectFacts(11, "P-011", "乡政府楼堂馆所改造", "community_building")
    assert check(listed, fact(source=FIS, project=office)) == []


# --- spending after completion -----------------------------------------------------------------

def test_payment_after_completion_is_a_breach():
    """Payments dated after the actual end are reported with their count, amount and dates."""
    done = ProjectFacts(12, "P-012", "石溪村危桥改造", "bridge", status="completed", actual_end=date(2026, 6, 30))
    late = LateSpending(2, 150_000 * YUAN, date(2026, 7, 1), date(2026, 8, 15))
    after = rule("spending_after_completion", {})
    [breach] = check(after, fact(source=FIS, project=done, late_spending=late))
    assert breach.kind == "spending_after_completion"
    assert breach.detail == {"payments": 2, "amount_fen": 15_000_000, "actual_end": "2026-06-30",
                             "first_paid_on": "2026-07-01", "last_paid_on": "2026-08-15"}
    assert check(after, fact(source=FIS, project=done)) == []
    assert check(after, fact(source=FIS, late_spending=late)) == []  # no actual end: not completed


# --- idle allocations --------------------------------------------------------------------------

FMIS = {"thresholds": [{"min_unspent_fen": 50_000_000, "months": 12}, {"min_unspent_fen": 5_000_000, "months": 24},
                       {"min_unspent_fen": 0, "months": 36}]}


def test_idle_600k_for_12_months_and_one_day_is_a_breach():
    """600,000 yuan unspent, last paid 2025-11-27: fine on 2026-11-27, idle on 2026-11-28."""
    idle = rule("idle_allocation", FMIS)
    money = fact(source=FIS, allocated_yuan=700_000, spent_by_category={"materials": 100_000 * YUAN},
                 last_payment_on=date(2025, 11, 27), last_entry_on=date(2025, 10, 1))
    assert check(idle, money, today=date(2026, 11, 27)) == []
    [breach] = check(idle, money, today=date(2026, 11, 28))
    assert breach.kind == "idle_allocation"
    assert breach.detail == {"unspent_fen": 60_000_000, "since": "2025-11-27", "idle_months": 12,
                             "allowed_months": 12, "never_paid": False}


def test_idle_tiers_24_and_36_months():
    """Exactly 500,000 yuan is in the 24-month tier, 50,000 and less in the 36-month tier."""
    idle = rule("idle_allocation", FMIS)
    middle = fact(source=FIS, allocated_yuan=500_000, last_entry_on=date(2024, 11, 27))
    assert check(idle, middle, today=date(2026, 11, 27)) == []
    [breach] = check(idle, middle, today=date(2026, 11, 28))
    assert breach.detail["allowed_months"] == 24 and breach.detail["never_paid"] is True
    assert "not been spent at all" in str(breach.message)
    small = fact(source=FIS, allocated_yuan=50_000, last_entry_on=date(2023, 11, 27))
    assert check(idle, small, today=date(2026, 11, 27)) == []
    assert check(idle, small, today=date(2026, 11, 28))[0].detail["allowed_months"] == 36


def test_idle_counts_from_the_last_payment_not_a_later_allocation():
    """With payments, idleness runs from the last one; fully spent money is never idle."""
    idle = rule("idle_allocation", FMIS)
    money = fact(source=FIS, allocated_yuan=900_000, spent_by_category={"materials": 100_000 * YUAN},
                 last_payment_on=date(2025, 1, 10), last_entry_on=date(2026, 10, 1))
    assert check(idle, money)[0].detail["since"] == "2025-01-10"
    spent = fact(source=FIS, allocated_yuan=900_000, spent_by_category={"materials": 900_000 * YUAN},
                 last_payment_on=date(2020, 1, 1))
    assert check(idle, spent) == []
    assert check(idle, fact(source=FIS)) == []  # no date known: nothing to measure from


def test_idle_thresholds_are_configurable():
    """A county's own tiers apply: over 1,000 yuan may stay 6 months."""
    idle = rule("idle_allocation", {"thresholds": [{"min_unspent_fen": 100_000, "months": 6}]})
    money = fact(source=FIS, allocated_yuan=2_000, last_entry_on=date(2026, 5, 27))
    assert check(idle, money) == []
    assert len(check(idle, money, today=date(2026, 11, 28))) == 1
    assert check(idle, fact(source=FIS, allocated_yuan=1_000, last_entry_on=date(2020, 1, 1))) == []


def test_months_arithmetic_clamps_to_month_end():
    """Jan 31 plus one month is Feb 28; whole months count only completed months."""
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 11, 27), 12) == date(2026, 11, 27)
    assert whole_months_between(date(2025, 11, 27), date(2026, 11, 26)) == 11
    assert whole_months_between(date(2025, 11, 27), date(2026, 11, 27)) == 12


# --- evaluation as a whole ---------------------------------------------------------------------

def test_evaluate_sorts_counts_and_applies_every_binding_rule():
    """Breaches come by kind then project; a channel rule and a stricter source rule both apply."""
    rules = [rule("wage_share_floor", {"min_share_pct": 30}, channel="work_for_relief", rule_id=1),
             rule("wage_share_floor", {"min_share_pct": 40}, source_id=WFR.id, rule_id=2),
             rule("idle_allocation", FMIS, rule_id=3)]
    other = ProjectFacts(9, "P-009", "河塘村便民桥", "bridge")
    facts = [fact(spent_by_category={"wages": 35 * YUAN, "materials": 65 * YUAN}),
             fact(project=other, spent_by_category={"wages": 10 * YUAN, "materials": 90 * YUAN},
                  last_payment_on=date(2024, 1, 1))]
    breaches = check(rules, *facts)
    assert [(b.kind, b.project_code, b.rule_id) for b in breaches] == [
        ("wage_share_below_floor", "P-009", 1), ("wage_share_below_floor", "P-009", 2),
        ("wage_share_below_floor", "P-010", 2), ("idle_allocation", "P-009", 3)]
    assert count_by_kind(breaches)["wage_share_below_floor"] == 3 and count_by_kind([])["negative_list"] == 0
    json.dumps([b.to_json() for b in breaches], ensure_ascii=False)


# --- parameters --------------------------------------------------------------------------------

def test_demo_rules_parse_and_round_trip():
    """Every rule the demo county stores is readable, and what it stores back reads the same."""
    for kind, _channel, params, _note in FUND_RULES:
        parsed = parse_params(kind, params, CATEGORIES)
        assert parse_params(kind, parsed.to_json()) == parsed, kind
        assert set(parsed.to_json()) == set(params), kind


@pytest.mark.parametrize("text, basis_points", [("30", 3000), ("29.5", 2950), ("0.01", 1), ("100", 10000), (1, 100)])
def test_percentages_become_basis_points(text, basis_points):
    """A percentage with at most two decimals becomes exact basis points."""
    assert share_basis_points(text, "f") == basis_points


@pytest.mark.parametrize("text", ["0", "-1", "100.01", "29.999", "abc", "", None, True, "NaN"])
def test_bad_percentages_are_refused(text):
    """Zero, negatives, over 100, more than two decimals and non-numbers are refused."""
    with pytest.raises(RuleParamsError):
        share_basis_points(text, "f")


@pytest.mark.parametrize("kind, params, field", [
    ("eligible_categories", {"categories": []}, "categories"),
    ("eligible_categories", {"categories": ["castle"]}, "categories"),
    ("negative_list", {"forbidden_categories": [], "forbidden_keywords": ["  "]}, "forbidden_keywords"),
    ("idle_allocation", {"thresholds": []}, "thresholds"),
    ("idle_allocation", {"thresholds": [{"min_unspent_fen": 0, "months": 0}]}, "thresholds"),
    ("idle_allocation", {"thresholds": [{"min_unspent_fen": -1, "months": 12}]}, "thresholds"),
    ("idle_allocation", {"thresholds": [{"min_unspent_fen": 5, "months": 12}, {"min_unspent_fen": 5, "months": 24}]},
     "thresholds"),
    ("wage_share_floor", {}, "min_share_pct"),
    ("management_fee_cap", {"max_share_pct": 0}, "max_share_pct"),
    ("no_such_kind", {}, "kind"),
])
def test_unusable_parameters_are_refused_naming_the_field(kind, params, field):
    """Parameters a rule cannot use are refused with the form field to fix."""
    with pytest.raises(RuleParamsError) as caught:
        parse_params(kind, params, CATEGORIES)
    assert caught.value.field == field


def test_thresholds_are_ordered_and_keywords_cleaned():
    """Tiers are kept largest balance first; keywords are trimmed and de-duplicated ignoring case."""
    parsed = parse_params("idle_allocation", {"thresholds": [{"min_unspent_fen": 0, "months": 36},
                                                             {"min_unspent_fen": "500", "months": 12.0}]})
    assert parsed == IdleThresholds((IdleTier(500, 12), IdleTier(0, 36)))
    assert parsed.months_for(501) == 12 and parsed.months_for(500) == 36 and parsed.months_for(0) is None
    assert keywords_from_lines(" 奖金 \n\nBonus\nbonus\n车辆") == ["奖金", "Bonus", "车辆"]
