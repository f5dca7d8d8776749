"""Earned value on hand-computed examples: PV, EV, AC and the ratios, per source, ranked, over time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from projects.progress import ProgressReport
from reports.earned_value.formatting import format_estimate, format_ratio, ratio_class, reason_text
from reports.earned_value.history import ProgressBook, Spending, s_curve
from reports.earned_value.measures import (
    NO_PLAN,
    NO_SPENDING,
    NO_WORK_DONE,
    NOTHING_DUE,
    Estimate,
    Measures,
    PlannedMilestone,
    ProjectPlan,
    ProjectValues,
    Ratio,
    accrual_windows,
    apportion,
    measures,
    planned_value,
    portfolio_measures,
    project_measures,
    rank_worst_first,
    round_half_up,
    split_by_source,
)

START = date(2026, 1, 1)
# Milestone 1: 400,000 fen due 2026-03-01 (59 days after the start); milestone 2: 600,000 due 2026-06-01.
M1 = PlannedMilestone(1, date(2026, 3, 1), 400_000, 100)
M2 = PlannedMilestone(2, date(2026, 6, 1), 600_000, 50)
PLAN = ProjectPlan(7, START, (M1, M2))


def test_planned_value_accrues_linearly_from_one_milestone_to_the_next():
    """PV grows evenly over each milestone's window: start to milestone 1, then milestone 1 to 2."""
    windows = accrual_windows(PLAN.milestones, START)
    assert [(w.start, w.end) for w in windows] == [(START, M1.planned_date), (M1.planned_date, M2.planned_date)]
    assert planned_value(windows, date(2025, 12, 31)) == 0
    assert planned_value(windows, START) == 0
    assert planned_value(windows, date(2026, 1, 30)) == 400_000 * 29 // 59  # 196,610 fen, rounded down
    assert planned_value(windows, date(2026, 3, 1)) == 400_000
    assert planned_value(windows, date(2026, 4, 1)) == 400_000 + 600_000 * 31 // 92
    assert planned_value(windows, date(2027, 1, 1)) == 1_000_000


def test_milestone_without_an_earlier_date_falls_due_on_its_date():
    """Without a planned start the first milestone's cost is a step on its date; the next accrues from it."""
    windows = accrual_windows([M2, M1], None)
    assert planned_value(windows, date(2026, 2, 28)) == 0
    assert planned_value(windows, date(2026, 3, 1)) == 400_000
    start_after = accrual_windows([M1], date(2026, 4, 1))  # a start after the milestone: a step too
    assert planned_value(start_after, date(2026, 2, 1)) == 0 and planned_value(start_after, M1.planned_date) == 400_000


def test_project_ahead_of_schedule_and_over_cost():
    """As of 2026-03-01: PV 400k, EV 400k + 50% of 600k = 700k, AC 910k -> SPI 1.75, CPI 10/13, EAC 1.3m."""
    m = project_measures(PLAN, 910_000, date(2026, 3, 1))
    assert (m.bac_fen, m.pv_fen, m.ev_fen, m.ac_fen) == (1_000_000, 400_000, 700_000, 910_000)
    assert (m.cv_fen, m.sv_fen) == (-210_000, 300_000)
    assert m.spi == Ratio(Fraction(7, 4)) and m.cpi == Ratio(Fraction(10, 13))
    assert m.eac.fen == 1_300_000 and m.vac.fen == -300_000
    assert (format_ratio(m.spi), format_ratio(m.cpi), m.cpi.basis_points) == ("1.75", "0.77", 7692)
    assert (ratio_class(m.spi), ratio_class(m.cpi)) == ("good", "bad")


def test_project_with_no_payments_has_no_cpi_and_says_why():
    """AC = 0: CPI and EAC are '—' with 'no spending yet', never a division by zero; SPI still shows."""
    m = project_measures(PLAN, 0, date(2026, 3, 1))
    assert m.cpi == Ratio(None, NO_SPENDING) and m.eac.fen is None and m.vac.reason == NO_SPENDING
    assert m.spi.value == Fraction(7, 4)
    assert (format_ratio(m.cpi), reason_text(m.cpi.reason), format_estimate(m.eac)) == ("—", "no spending yet", "—")


def test_project_with_no_milestones_has_no_plan_yet():
    """No milestones: BAC, PV and EV are 0 and every ratio reads 'no plan yet', even with money paid."""
    m = project_measures(ProjectPlan(8, START, ()), 50_000, date(2026, 3, 1))
    assert (m.bac_fen, m.pv_fen, m.ev_fen, m.ac_fen, m.cv_fen) == (0, 0, 0, 50_000, -50_000)
    assert {m.cpi.reason, m.spi.reason, m.eac.reason, m.vac.reason} == {NO_PLAN}
    assert reason_text(NO_PLAN) == "no plan yet"


def test_money_paid_before_any_work_is_earned():
    """EV = 0 with AC > 0: CPI is 0 and EAC cannot be estimated (no work earned yet), not infinity."""
    m = measures(bac_fen=1_000, pv_fen=100, ev_fen=0, ac_fen=40)
    assert m.cpi.value == 0 and m.spi.value == 0
    assert m.eac == Estimate(None, NO_WORK_DONE) and m.vac.reason == NO_WORK_DONE


def test_nothing_planned_yet_by_the_date():
    """Before the planned start PV = 0: SPI is '—' (nothing planned by this date)."""
    m = project_measures(PLAN, 0, date(2025, 12, 1))
    assert m.pv_fen == 0 and m.spi.reason == NOTHING_DUE and reason_text(NOTHING_DUE) == "nothing planned by this date"


def test_eac_and_ratio_rounding_is_half_up():
    """EAC = 10 x 1 / 4 = 2.5 rounds to 3 fen; a ratio of 0.875 shows as 0.88; -2.5 rounds to -3."""
    assert measures(10, 4, 4, 1).eac.fen == 3
    assert format_ratio(Ratio(Fraction(7, 8))) == "0.88"
    assert round_half_up(Fraction(-5, 2)) == -3 and round_half_up(Fraction(1, 3)) == 0


def test_progress_override_replaces_the_milestones_own():
    """EV on a past day uses the progress given for that day (missing milestones count 0%)."""
    assert PLAN.values_at(date(2026, 3, 1), {1: 50}) == (1_000_000, 400_000, 200_000)


def test_portfolio_sums_the_figures_before_dividing():
    """Portfolio CPI = total EV / total AC, not an average of the projects' CPIs."""
    rows = [measures(100, 50, 40, 80), measures(300, 100, 120, 20)]
    portfolio = portfolio_measures(rows)
    assert (portfolio.bac_fen, portfolio.pv_fen, portfolio.ev_fen, portfolio.ac_fen) == (400, 150, 160, 100)
    assert portfolio.cpi.value == Fraction(160, 100) and portfolio.spi.value == Fraction(160, 150)
    assert portfolio_measures([]).spi.reason == NO_PLAN


def test_apportion_splits_exactly():
    """Largest remainder: the parts add up to the total and follow the weights."""
    assert apportion(100, [1, 1, 1]) == [34, 33, 33]
    assert apportion(700_000, [300, 100]) == [525_000, 175_000]
    assert apportion(7, [0, 0]) == [0, 0]
    assert sum(apportion(1_000_003, [7, 11, 13, 17])) == 1_000_003


def test_split_by_source_uses_allocation_shares_and_each_sources_payments():
    """Sources share BAC/PV/EV 3:1 by allocation; AC is each source's own payments; unfunded under None."""
    values = [ProjectValues(1, 1_000, 600, 500), ProjectValues(2, 200, 100, 50)]
    split = split_by_source(values, {(10, 1): 300, (20, 1): 100}, {(10, 1): 400, (20, 1): 100})
    s10, s20, unfunded = split[10], split[20], split[None]
    assert (s10.bac_fen, s10.pv_fen, s10.ev_fen, s10.ac_fen) == (750, 450, 375, 400)
    assert (s20.bac_fen, s20.pv_fen, s20.ev_fen, s20.ac_fen) == (250, 150, 125, 100)
    assert (unfunded.bac_fen, unfunded.ev_fen, unfunded.ac_fen) == (200, 50, 0)
    assert s10.cpi.value == Fraction(375, 400) and unfunded.cpi.reason == NO_SPENDING


@dataclass(frozen=True)
class Row:
    code: str
    measures: Measures


def test_ranking_puts_the_worst_first_and_undefined_last():
    """By SPI: lowest first, ties broken by CPI, projects without an SPI after all the others."""
    rows = [Row("A", measures(100, 100, 120, 100)), Row("B", measures(100, 100, 50, 100)),
            Row("C", measures(0, 0, 0, 0)), Row("D", measures(100, 100, 50, 25)), Row("E", measures(100, 0, 0, 0))]
    assert [r.code for r in rank_worst_first(rows, "spi")] == ["B", "D", "A", "C", "E"]
    assert [r.code for r in rank_worst_first(rows, "cpi")] == ["B", "A", "D", "C", "E"]


def test_progress_book_reads_history_before_today_and_current_values_from_today():
    """On a past day the latest report counts; from today on the milestone's current % does."""
    reports = [ProgressReport(1, date(2026, 2, 1), 30), ProgressReport(1, date(2026, 3, 1), 80),
               ProgressReport(1, date(2026, 3, 1), 90)]
    book = ProgressBook(reports, {1: 100, 2: 40}, today=date(2026, 4, 1))
    assert [book.pct(1, day) for day in (date(2026, 1, 31), date(2026, 2, 15), date(2026, 3, 1))] == [0, 30, 90]
    assert book.at(date(2026, 4, 1)) == {1: 100, 2: 40}
    assert book.pct(2, date(2026, 3, 31)) == 0


def test_spending_sums_payments_and_reversals_by_date():
    """AC on a day is every payment on or before it, a reversal counting negative."""
    spending = Spending([(date(2026, 2, 1), 500), (date(2026, 1, 1), 100), (date(2026, 2, 5), -500)])
    assert [spending.by(day) for day in (date(2025, 12, 31), date(2026, 2, 1), date(2026, 3, 1))] == [0, 600, 100]


def test_s_curve_points_follow_plan_progress_and_payments():
    """The curve bends where windows start and end and where work or money moved; EV/AC stop at as-of."""
    reports = [ProgressReport(1, date(2026, 2, 15), 50)]
    payments = [(date(2026, 2, 20), 150_000)]
    plan = ProjectPlan(7, START, (PlannedMilestone(1, M1.planned_date, 400_000, 100),
                                  PlannedMilestone(2, M2.planned_date, 600_000, 0)))
    points = s_curve(plan, reports, payments, as_of=date(2026, 3, 10), today=date(2026, 3, 10))
    days = [p.day for p in points]
    assert days == [START, date(2026, 2, 15), date(2026, 2, 20), M1.planned_date, date(2026, 3, 10), M2.planned_date]
    by_day = {p.day: p for p in points}
    assert (by_day[date(2026, 2, 15)].ev_fen, by_day[date(2026, 2, 15)].ac_fen) == (200_000, 0)
    assert by_day[date(2026, 2, 20)].ac_fen == 150_000
    assert by_day[date(2026, 3, 10)].ev_fen == 400_000  # today: the current 100% of milestone 1
    assert by_day[date(2026, 3, 10)].pv_fen == 400_000 + 600_000 * 9 // 92
    assert (by_day[M2.planned_date].pv_fen, by_day[M2.planned_date].ev_fen) == (1_000_000, None)


def test_s_curve_of_a_project_without_plan_or_payments_is_one_flat_point():
    """No milestones and no payments: a single as-of point at zero, not an error."""
    points = s_curve(ProjectPlan(9, None, ()), [], [], as_of=date(2026, 3, 1), today=date(2026, 3, 1))
    assert [(p.day, p.pv_fen, p.ev_fen, p.ac_fen) for p in points] == [(date(2026, 3, 1), 0, 0, 0)]
