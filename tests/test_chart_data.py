"""Chart data on hand-computed examples: integer fen and basis points, no app, no database."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.charts.data import (
    OTHERS,
    BreakdownRow,
    MilestoneDates,
    ProjectTiming,
    SourceMoney,
    breakdown,
    elapsed_bp,
    fund_utilisation,
    milestone_timeline,
    month_end,
    monthly_spending,
    plan_by_month,
    portfolio_progress,
)
from reports.charts.tables import monthly_table, utilisation_table
from reports.earned_value.measures import PlannedMilestone, ProjectPlan, accrual_windows, planned_value
from reports.tables import to_csv


def _source(code: str, received: int, allocated: int, spent: int) -> SourceMoney:
    return SourceMoney(None, code, f"{code} 资金", received, allocated, spent)


def test_utilisation_splits_each_source_into_spent_unspent_unallocated():
    """Largest source first; spent, allocated-unspent and unallocated add up to what it received."""
    data = fund_utilisation([_source("B", 500, 300, 100), _source("A", 1_000, 800, 600)])
    assert [s.code for s in data.sources] == ["A", "B"]
    a = data.sources[0]
    assert (a.spent_fen, a.unspent_fen, a.unallocated_fen) == (600, 200, 200)
    assert a.spent_fen + a.unspent_fen + a.unallocated_fen == a.received_fen


def test_utilisation_merges_the_smallest_sources_into_others():
    """Beyond the limit the rest become one 'others' bar holding their sums."""
    sources = [_source(f"S{i}", 100 * i, 50 * i, 10 * i) for i in range(1, 6)]
    data = fund_utilisation(sources, limit=3)
    assert [s.code for s in data.sources] == ["S5", "S4", OTHERS]
    assert (data.sources[2].received_fen, data.sources[2].spent_fen) == (600, 60)


def test_utilisation_under_a_township_filter_leaves_unallocated_out():
    """Unallocated money has no township: it is not drawn, and sources with nothing there drop out."""
    data = fund_utilisation([_source("A", 1_000, 0, 0), _source("B", 500, 300, 100)], with_unallocated=False)
    assert not data.with_unallocated and [s.code for s in data.sources] == ["B"]
    row = utilisation_table(data).rows[0]
    assert row[2] is None and row[6] is None and row[7] == 3333  # spent 100 of 300 allocated: 33.33%


def test_month_end_handles_december_and_february():
    """The last day of a month, including February and December."""
    assert [month_end(2026, m) for m in (2, 12)] == [date(2026, 2, 28), date(2026, 12, 31)]


def test_plan_by_month_accrues_planned_value_since_january():
    """One milestone of 3,100 fen accruing over January 2026: all of it is planned by January's end."""
    plan = ProjectPlan(1, date(2025, 12, 31), (PlannedMilestone(1, date(2026, 1, 31), 3_100),))
    assert plan_by_month([(plan, 1, 1)], 2026) == (3_100,) * 12
    half_share = plan_by_month([(plan, 1, 2)], 2026)
    assert half_share[0] == 1_550
    earlier = ProjectPlan(2, date(2025, 11, 30), (PlannedMilestone(2, date(2026, 1, 30), 6_100),))
    # 31 of 61 days fell in 2025: planned value at 2025-12-31 is 6,100 x 31 // 61 = 3,100; 3,000 more in 2026.
    assert plan_by_month([(earlier, 1, 1)], 2026)[0] == 3_000
    assert plan_by_month([(plan, 0, 5), (plan, 1, 0)], 2026) == (0,) * 12


def test_monthly_spending_per_source_with_running_total_to_the_as_of_month():
    """Payments land in their month; reversals subtract; months after as-of have no running total."""
    paid = {("FIS", 202601): 1_000, ("FIS", 202603): 500, ("WFR", 202603): 300, ("WFR", 202604): -100,
            ("FIS", 202512): 9_999}
    data = monthly_spending(2026, date(2026, 4, 15), paid, plan=(100,) * 12)
    assert [code for code, _ in data.series] == ["FIS", "WFR"]
    assert data.series[0][1][:4] == (1_000, 0, 500, 0) and data.series[1][1][:4] == (0, 0, 300, -100)
    assert data.cumulative[:5] == (1_000, 1_000, 1_800, 1_700, None)
    assert data.monthly_totals[2] == 800
    table = monthly_table(data)
    assert table.rows[0][0] == "2026-01" and table.rows[3][-2:] == (1_700, 100)


def test_monthly_spending_of_a_past_year_runs_to_december_and_merges_small_sources():
    """A past year shows every month's running total; sources beyond the limit become 'others'."""
    paid = {(f"S{i}", 202501): i * 100 for i in range(1, 5)}
    data = monthly_spending(2025, date(2026, 2, 1), paid, plan=(0,) * 12, limit=3)
    assert [code for code, _ in data.series] == ["S4", "S3", OTHERS]
    assert data.series[2][1][0] == 300 and data.cumulative[11] == 1_000


def test_elapsed_time_in_basis_points():
    """Time elapsed is 0 before the start, 10000 from the end, the share of days in between."""
    start, end = date(2026, 1, 1), date(2026, 1, 11)
    assert [elapsed_bp(start, end, day) for day in (date(2025, 12, 1), date(2026, 1, 4), date(2026, 2, 1))] == [
        0, 3_000, 10_000]
    assert elapsed_bp(None, end, start) is None and elapsed_bp(start, start, start) == 10_000


def test_portfolio_progress_puts_the_furthest_behind_first_and_counts_those_left_out():
    """Each project's elapsed time against progress; projects without dates or plan are counted, not drawn."""
    as_of = date(2026, 7, 2)
    timings = [ProjectTiming(1, "P1", "甲", date(2026, 1, 1), date(2026, 12, 31), 9_000, False),
               ProjectTiming(2, "P2", "乙", date(2026, 1, 1), date(2026, 12, 31), 1_000, True),
               ProjectTiming(3, "P3", "丙", None, None, 5_000, False),
               ProjectTiming(4, "P4", "丁", date(2026, 1, 1), date(2026, 12, 31), None, False)]
    data = portfolio_progress(timings, as_of)
    assert [p.code for p in data.points] == ["P2", "P1"] and data.left_out == 2
    assert data.points[0].elapsed_bp == 182 * 10_000 // 364 and data.points[0].late
    assert data.points[0].gap_bp == 5_000 - 1_000


def test_breakdown_orders_by_spending_and_merges_the_tail():
    """Largest spending first; the tail is summed into 'others'."""
    rows = [BreakdownRow("road", "道路", 500, 100), BreakdownRow("water", "水利", 300, 300),
            BreakdownRow("bridge", "桥梁", 50, 20), BreakdownRow("other", "其他", 10, 5)]
    data = breakdown(rows, limit=3)
    assert [r.key for r in data] == ["water", "road", OTHERS]
    assert (data[2].allocated_fen, data[2].spent_fen, data[2].unspent_fen) == (60, 25, 35)


def test_milestone_timeline_measures_delays_and_lateness():
    """Finished milestones are measured to their actual date; unfinished past-due ones to as-of and late."""
    as_of = date(2026, 6, 1)
    rows = milestone_timeline([
        MilestoneDates(2, "路面", date(2026, 5, 1), None, 40),
        MilestoneDates(1, "路基", date(2026, 3, 1), date(2026, 3, 11), 100),
        MilestoneDates(3, "验收", date(2026, 9, 1), None, 0),
        MilestoneDates(4, "提前", date(2026, 8, 1), date(2026, 5, 30), 100)], as_of)
    assert [(r.sequence, r.late, r.delay_days) for r in rows] == [(1, False, 10), (2, True, 31), (4, False, -63),
                                                                   (3, False, None)]


def test_csv_writes_exact_yuan_and_percentages_with_a_bom():
    """CSV money is yuan with two decimals from integer fen, shares are exact percentages, Chinese survives."""
    data = fund_utilisation([SourceMoney(1, "FIS", "县级财政", 1_000_001, 500_050, 333)])
    text = to_csv(utilisation_table(data)).decode("utf-8")
    assert text.startswith("\ufeffSource,Name,Received (yuan)")
    assert "FIS,县级财政,10000.01,5000.50,3.33,4997.17,4999.51,0.06" in text


_DAYS = st.dates(min_value=date(2024, 6, 1), max_value=date(2027, 6, 30))
_PLANS = st.lists(st.tuples(
    st.one_of(st.none(), _DAYS),
    st.lists(st.tuples(_DAYS, st.integers(0, 10**12)), max_size=8),
    st.integers(0, 10**9), st.integers(0, 10**9)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_PLANS, st.integers(2025, 2026))
def test_plan_by_month_equals_planned_value_at_each_month_end(rows, year):
    """The bisecting sum gives, to the fen, what planned_value gives at every month end for any plan and share."""
    plans = [(ProjectPlan(n, start, tuple(PlannedMilestone(n * 100 + i, day, cost) for i, (day, cost) in enumerate(ms))),
              numerator, denominator) for n, (start, ms, numerator, denominator) in enumerate(rows)]
    ends = [date(year - 1, 12, 31)] + [month_end(year, month) for month in range(1, 13)]
    expected = [0] * 12
    for plan, numerator, denominator in plans:
        if numerator <= 0 or denominator <= 0:
            continue
        windows = accrual_windows(plan.milestones, plan.planned_start)
        values = [planned_value(windows, day) * numerator // denominator for day in ends]
        for month in range(12):
            expected[month] += values[month + 1] - values[0]
    assert plan_by_month(plans, year) == tuple(expected)
