"""Spending against the schedule (序时进度): ratios, rankings and the spending_schedule rule, by hand."""
from __future__ import annotations

import io
import json
from datetime import date
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from extensions import db
from funds.ledger import services as ledger
from funds.rules.evaluate import Rule
from funds.rules.params import RuleParamsError, SpendingSchedule, parse_params
from funds.rules.schedule import SourceYear, behind_schedule
from funds.schedule import (
    CurveError,
    ScheduleRow,
    curve_share,
    elapsed_share,
    expected_share,
    laggards,
    parse_curve,
    percent_text,
    points_text,
    rank,
    ratio,
)
from tests import factories

PROVINCE = "5,12,20,28,37,50,58,66,75,83,91,100"
JULY_2 = date(2026, 7, 2)  # day 183 of 365
YUAN = 100


# --- the expected share ---------------------------------------------------------------------------

def test_time_elapsed_counts_the_day_itself():
    """1 March 2026 is day 60 of 365; 31 December is the whole year; before the year nothing."""
    assert elapsed_share(2026, date(2026, 3, 1)) == Fraction(60, 365)
    assert elapsed_share(2026, date(2026, 12, 31)) == 1
    assert elapsed_share(2026, date(2025, 12, 31)) == 0
    assert elapsed_share(2026, date(2027, 3, 1)) == 1


def test_february_29_in_a_leap_year():
    """29 Feb 2028 is day 60 of 366; on the curve it is February's month end: exactly 12%."""
    assert elapsed_share(2028, date(2028, 2, 29)) == Fraction(60, 366)
    curve = parse_curve(PROVINCE)
    assert curve is not None
    assert curve_share(2028, date(2028, 2, 29), curve) == Fraction(12, 100)
    # Halfway through a 29-day February: 5% + 7% x 14/29 = 243/29 %.
    assert curve_share(2028, date(2028, 2, 14), curve) == Fraction(243, 2900)


def test_the_curve_is_read_between_month_ends():
    """30 June gives June's 50%; 15 June 37% + 13% x 15/30 = 43.5%; without a curve, days passed."""
    curve = parse_curve(PROVINCE)
    assert expected_share(2026, date(2026, 6, 30), curve) == Fraction(1, 2)
    assert expected_share(2026, date(2026, 6, 15), curve) == Fraction(435, 1000)
    assert expected_share(2026, date(2026, 1, 31), curve) == Fraction(5, 100)
    assert expected_share(2026, JULY_2, None) == Fraction(183, 365)


@pytest.mark.parametrize("text", ["1,2,3", "5,12,20,28,37,50,58,66,75,83,91,99", "5,4,20,28,37,50,58,66,75,83,91,100",
                                  "a,12,20,28,37,50,58,66,75,83,91,100"])
def test_a_malformed_curve_is_refused(text):
    """Not 12 numbers, not ending at 100, falling, or not a number: refused."""
    with pytest.raises(CurveError):
        parse_curve(text)


def test_no_curve_set_means_time_elapsed():
    """An empty setting is no curve."""
    assert parse_curve("") is None and parse_curve(None) is None


# --- ratios and ranking -------------------------------------------------------------------------

def test_a_row_with_nothing_allocated_has_no_ratio_and_ranks_last():
    """No division by zero: nothing allocated or received is no ratio, shown as a dash, ranked last."""
    assert ratio(0, 0) is None and ratio(5, None) is None
    rows = [ScheduleRow("c", "C", 0, 0, received_fen=0), ScheduleRow("b", "B", 100, 90, received_fen=100)]
    ranked = rank(rows, Fraction(1, 2), "received")
    assert [r.row.key for r in ranked] == ["b", "c"]
    assert ranked[1].gap is None and percent_text(ranked[1].payout) == "—" and not ranked[1].behind


def test_both_denominators_and_the_ranking_worst_first():
    """On 2 July 2026 (183/365 = 50.1% expected): A paid 2,000 of 10,000 received (20.0%, gap -30.1)
    and of 8,000 allocated (25.0%, gap -25.1); B paid 4,000 of 5,000 (80.0%, +29.9); A ranks first."""
    expected = expected_share(2026, JULY_2)
    rows = [ScheduleRow("b", "B", 5_000 * YUAN, 4_000 * YUAN, received_fen=5_000 * YUAN),
            ScheduleRow("a", "A", 8_000 * YUAN, 2_000 * YUAN, received_fen=10_000 * YUAN)]
    by_received = rank(rows, expected, "received")
    a = by_received[0]
    assert [r.row.key for r in by_received] == ["a", "b"]
    assert (percent_text(a.by_received), percent_text(a.by_allocated), percent_text(a.expected)) == (
        "20.0%", "25.0%", "50.1%")
    assert a.gap == Fraction(1, 5) - Fraction(183, 365)
    assert points_text(a.gap) == "-30.1"
    assert points_text(rank(rows, expected, "allocated")[0].gap) == "-25.1"
    assert points_text(by_received[1].gap) == "+29.9"
    assert [r.row.key for r in laggards(by_received)] == ["a"]


def test_ratios_round_half_up_to_a_tenth():
    """1/3 is 33.3%, 2/3 66.7%, 1/2000 (0.05%) 0.1%; exact fractions until shown."""
    assert [percent_text(Fraction(1, 3)), percent_text(Fraction(2, 3)), percent_text(Fraction(1, 2000))] == [
        "33.3%", "66.7%", "0.1%"]
    assert points_text(Fraction(-1, 2000)) == "-0.1"


# --- the rule -----------------------------------------------------------------------------------

def _source(paid_yuan: int, fiscal_year: int = 2026) -> SourceYear:
    return SourceYear(1, "PRF-2026", "poverty_relief", fiscal_year, 10_000 * YUAN, 9_000 * YUAN, paid_yuan * YUAN)


RULE = Rule(7, "spending_schedule", SpendingSchedule(500, 1000), channel="poverty_relief")
CURVE = parse_curve(PROVINCE)


@pytest.mark.parametrize("paid_yuan, level", [(4_600, None), (4_500, "warning"), (4_001, "warning"),
                                               (4_000, "breach"), (1_000, "breach")])
def test_warning_and_breach_thresholds(paid_yuan, level):
    """On 30 June with the curve at 50%: 46% paid of received is 4 points behind (fine), 45% exactly
    5 (warning), 40.01% 9.99 (warning), 40% exactly 10 (breach)."""
    found = behind_schedule([RULE], [_source(paid_yuan)], date(2026, 6, 30), CURVE)
    assert [b.detail["level"] for b in found] == ([level] if level else [])
    if level:
        breach = found[0]
        assert breach.kind == "behind_schedule" and breach.project_id is None and breach.source_code == "PRF-2026"
        assert breach.detail["expected"] == "50.0%" and "points behind" in str(breach.message)


def test_a_source_is_judged_within_its_year_and_fully_after_it():
    """Before its year nothing is expected; in the next year its year is over (100% expected)."""
    assert behind_schedule([RULE], [_source(0)], date(2025, 12, 31), CURVE) == []
    [late] = behind_schedule([RULE], [_source(9_500, fiscal_year=2025)], date(2026, 3, 1), CURVE)
    assert late.detail["as_of"] == "2025-12-31" and late.detail["behind_points"] == "5.0"


def test_a_rule_binds_only_its_channel_and_nothing_received_is_never_behind():
    """A fiscal source is not bound by a poverty-relief rule; a source that received nothing has no ratio."""
    fiscal = SourceYear(2, "FIS-2026", "fiscal", 2026, 10_000 * YUAN, 0, 0)
    empty = SourceYear(3, "PRF-X", "poverty_relief", 2026, 0, 0, 0)
    assert behind_schedule([RULE], [fiscal, empty], date(2026, 11, 30), CURVE) == []


@pytest.mark.parametrize("raw, field", [({"warning_points": 10, "breach_points": 5}, "warning_points"),
                                        ({"warning_points": 5}, "breach_points"),
                                        ({"warning_points": 0, "breach_points": 5}, "warning_points")])
def test_thresholds_are_validated(raw, field):
    """The warning comes before the breach; both are over 0 and at most 100 points."""
    with pytest.raises(RuleParamsError) as refused:
        parse_params("spending_schedule", raw)
    assert refused.value.field == field


def test_parameters_read_back_as_stored():
    """5 and 10 points read as 500 and 1000 basis points and are stored as 5 and 10 again."""
    params = parse_params("spending_schedule", {"warning_points": 5, "breach_points": 10})
    assert params == SpendingSchedule(500, 1000) and params.to_json() == {"warning_points": 5, "breach_points": 10}


# --- in the app ---------------------------------------------------------------------------------

def _behind_source():
    """A poverty-relief source of 2026: 10,000 yuan received, 8,000 allocated, 2,000 paid on 1 March."""
    source = factories.make_source(received_fen=10_000 * YUAN, pays_directly=True, channel="poverty_relief")
    project = factories.make_project(responsible_unit="县交通运输局")
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=8_000 * YUAN, entry_date=date(2026, 1, 15))
    ledger.record_payment(source, project, milestone, voucher_no="V-S1", payee="某建设公司", paid_on=date(2026, 3, 1),
                          amount_fen=2_000 * YUAN, cost_category="materials")
    return source, project


def test_checks_json_lists_the_source_behind_schedule(app, runner):
    """`flask checks --json` on 2 July 2026: 20% paid of received against 50.1%: kind behind_schedule,
    no project, a breach (30.1 points over 10)."""
    source, _project = _behind_source()
    factories.make_rule("spending_schedule", {"warning_points": 5, "breach_points": 10}, channel="poverty_relief")
    db.session.commit()
    result = runner.invoke(args=["checks", "--json", "--today", "2026-07-02"])
    assert result.exit_code == 0, result.output
    [breach] = [b for b in json.loads(result.output) if b["kind"] == "behind_schedule"]
    assert breach["source_code"] == source.code and breach["project_id"] is None
    assert breach["detail"]["level"] == "breach" and breach["detail"]["behind_points"] == "30.1"


def test_the_checks_page_and_the_dashboard_show_the_laggard(app, client, auth):
    """The checks page and the source's page list the source (as a whole, no project link); the
    dashboard's "who is behind" names it."""
    source, _project = _behind_source()
    factories.make_rule("spending_schedule", {"warning_points": 5, "breach_points": 10}, channel="poverty_relief")
    db.session.commit()
    auth.as_role("leader")
    client.get("/lang/en")
    page = client.get("/funds/checks?kind=behind_schedule").get_data(as_text=True)
    assert "breach-behind_schedule" in page and source.code in page and "The source as a whole" in page
    assert "The source as a whole" in client.get(f"/funds/sources/{source.id}").get_data(as_text=True)
    board = client.get("/reports/?year=2026").get_data(as_text=True)
    block = board[board.index('id="who-is-behind"'):]
    assert source.code in block[:block.index("</section>")]


def test_the_schedule_page_and_its_export(app, client, auth):
    """The page ranks the source, the unit and the township on 2 July; the .xlsx has three sheets, the
    source's row with both ratios (20.0 and 25.0) and the gap -30.1."""
    source, _project = _behind_source()
    db.session.commit()
    auth.as_role("leader")
    client.get("/lang/en")
    page = client.get("/reports/schedule?year=2026&as_of=2026-07-02").get_data(as_text=True)
    assert "50.1%" in page and "-30.1" in page and "县交通运输局" in page and "25.0%" in page
    response = client.get("/reports/schedule/export.xlsx?year=2026&as_of=2026-07-02")
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 3
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    row = next(r for r in rows if r[1] and str(r[1]).startswith(source.code))
    assert [float(v) for v in row[2:]] == [10_000, 8_000, 2_000, 20.0, 25.0, 50.1, -30.1]


def test_the_schedule_chart_renders(app, client, auth):
    """The chart comes as PNG and its numbers as CSV."""
    source, _project = _behind_source()
    db.session.commit()
    auth.as_role("leader")
    assert client.get("/reports/charts/spending-schedule.png?year=2026").mimetype == "image/png"
    assert source.code in client.get("/reports/charts/spending-schedule.csv?year=2026").get_data(as_text=True)


def test_the_migration_keeps_every_kind_and_adds_spending_schedule():
    """0026's CHECK lists exactly the kinds the model knows: every earlier one and spending_schedule."""
    import importlib.util
    import pathlib

    from funds.models import RULE_KINDS

    path = pathlib.Path(__file__).parent.parent / "migrations" / "versions" / "0026_spending_schedule.py"
    spec = importlib.util.spec_from_file_location("m0026", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    allowed = {kind.strip("'") for kind in module.RULE_KINDS_AFTER.split(",")}
    assert allowed == set(RULE_KINDS) and "spending_schedule" not in module.RULE_KINDS_BEFORE


def test_the_migrated_database_stores_the_rule_and_finance_enters_it(app, client, auth):
    """Finance enters a spending_schedule rule in points on the form; the migrated CHECK accepts it."""
    from sqlalchemy import select

    from funds.models import FundRule

    auth.as_role("finance")
    client.get("/lang/en")
    form = client.get("/funds/rules/new?kind=spending_schedule").get_data(as_text=True)
    assert 'name="warning_points"' in form and 'name="breach_points"' in form
    response = client.post("/funds/rules/new?kind=spending_schedule",
                           data={"channel": "poverty_relief", "source_id": "", "warning_points": "5",
                                 "breach_points": "12.5", "note": "省厅通报口径", "active": "y"})
    assert response.status_code == 302
    rule = db.session.scalars(select(FundRule).where(FundRule.kind == "spending_schedule")).one()
    assert rule.params == {"warning_points": 5, "breach_points": 12.5}
    assert "a breach from 12.50" in client.get("/funds/rules").get_data(as_text=True)
    refused = client.post("/funds/rules/new?kind=spending_schedule",
                          data={"channel": "", "source_id": "", "warning_points": "20", "breach_points": "10"})
    assert refused.status_code == 200 and "The warning must come before the breach" in refused.get_data(as_text=True)
