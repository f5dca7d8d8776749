"""Charts read at a glance, tested without the app: legends beside the bars, every late project named
and no two labels on top of each other or cut off, whole source names, grouped digits, numeric dates."""
from __future__ import annotations

import re
from datetime import date
from itertools import combinations

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation

from reports.charts import drawing as chart_drawing
from reports.charts.axes import grouped_number, wrap_label
from reports.charts.data import (
    MilestoneDates,
    ProjectTiming,
    SourceMoney,
    fund_utilisation,
    milestone_timeline,
    monthly_spending,
    portfolio_progress,
)
from reports.charts.labels import Box, place_labels
from reports.charts.render import TALL, WIDE, render, styled
from reports.earned_value.history import CurvePoint
from tests.test_charts import ZH

AS_OF = date(2026, 11, 27)
MONTH_NAMES = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")
# Real names of the demo county's sources: the longest of them were cut with "…" on the chart.
SOURCE_NAMES = ("中央财政衔接推进乡村振兴补助资金（上年结转）", "交通建设三年大会战专项资金（上年结转）",
                "县级财政基础设施建设资金（上年结转）", "社会资本投入（通信运营商）", "以工代赈中央预算内投资")


def _svg_text(draw, size=WIDE) -> list[str]:
    """The texts of an SVG chart (matplotlib writes each text line as a comment before its outlines)."""
    return [text.strip() for text in re.findall(r"<!--(.*?)-->", render(draw, "svg", size).decode("utf-8"))]


def _drawn(draw, size=WIDE) -> Figure:
    """The chart drawn and laid out on a canvas, as it is saved."""
    with styled():
        figure = Figure(figsize=size, dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        figure.canvas.draw()
    return figure


def _monthly():
    codes = ("FIS-2026", "WFR-2026", "PRF-2026", "TRN-2026", "AGR-2026", "LND-2026", "SOC-2026")
    paid = {(code, 202600 + month): month * 10_000_000 * (rank + 1) for rank, code in enumerate(codes)
            for month in range(1, 12)}
    return monthly_spending(2026, AS_OF, paid, plan=tuple(month * 700_000_000 for month in range(1, 13)))


def _eight_late_projects_close_together():
    late = [ProjectTiming(n, f"SP-2024-{n:03d}", f"项目{n}", date(2026, 1, 1), date(2026, 12, 31), 1_000 + n % 3 * 80,
                          True) for n in range(1, 9)]
    on_time = [ProjectTiming(100 + n, f"SP-2025-{n:03d}", "按期", date(2025, 1, 1), date(2027, 12, 31),
                             3_000 + n * 500, False) for n in range(5)]
    return portfolio_progress(late + on_time, AS_OF)


def test_monthly_legend_covers_no_bar():
    """The monthly chart's legend stands beside the bars: it overlaps none of them, in either panel."""
    figure = _drawn(lambda fig: chart_drawing.draw_monthly(fig, _monthly(), ZH), TALL)
    renderer = figure.canvas.get_renderer()
    legends = [ax.get_legend().get_window_extent(renderer) for ax in figure.axes if ax.get_legend()]
    bars = [patch.get_window_extent(renderer) for ax in figure.axes for patch in ax.patches
            if isinstance(patch, Rectangle) and patch.get_height() > 0]
    lines = [line.get_window_extent(renderer) for ax in figure.axes for line in ax.get_lines()]
    assert len(legends) == 2 and bars
    assert not any(legend.overlaps(item) for legend in legends for item in bars + lines)


@pytest.mark.parametrize("draw", [
    lambda fig: chart_drawing.draw_utilisation(fig, fund_utilisation(
        [SourceMoney(n, f"S{n}", "资金", 10**10, 9 * 10**9 - n * 10**8, 10**8 * n) for n in range(12)]), ZH),
    lambda fig: chart_drawing.draw_portfolio(fig, _eight_late_projects_close_together(), ZH),
], ids=["utilisation", "portfolio"])
def test_legends_stand_beside_the_data(draw):
    """Legends are outside the axes, so they never hide a bar or a point."""
    figure = _drawn(draw, TALL)
    renderer = figure.canvas.get_renderer()
    for ax in figure.axes:
        frame = ax.get_window_extent(renderer)
        assert ax.get_legend().get_window_extent(renderer).x0 >= frame.x1


def test_every_late_project_is_named_and_no_label_hides_another():
    """Eight late projects bunched together: each is named, by a label beside it or in the note under the
    chart; labels overlap neither each other nor any point, and none runs off the axes."""
    data = _eight_late_projects_close_together()
    figure = _drawn(lambda fig: chart_drawing.draw_portfolio(fig, data, ZH), TALL)
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    codes = {point.code for point in data.points if point.late}
    labels = [text for text in ax.texts if isinstance(text, Annotation) and text.get_text() in codes]
    note = " ".join(text.get_text() for text in ax.texts if text.get_text() not in codes)
    assert {label.get_text() for label in labels} | {code for code in codes if code in note} == codes
    assert len(labels) >= 5
    boxes = [label.get_window_extent(renderer) for label in labels]
    assert not any(first.overlaps(second) for first, second in combinations(boxes, 2))
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
               for box in boxes)
    points = [ax.transData.transform((p.elapsed_bp / 100, p.progress_bp / 100)) for p in data.points]
    assert not any(box.x0 < x < box.x1 and box.y0 < y < box.y1 for box in boxes for x, y in points)


def test_many_late_projects_are_counted_in_the_note():
    """Beyond the labels the chart has room for, the note says how many more late projects the table lists."""
    late = [ProjectTiming(n, f"L-{n:03d}", "滞后", date(2026, 1, 1), date(2026, 12, 31), 500 + n * 60, True)
            for n in range(30)]
    texts = _svg_text(lambda fig: chart_drawing.draw_portfolio(fig, portfolio_progress(late, AS_OF), ZH), TALL)
    assert any(re.fullmatch(r"另有\d+个滞后项目见表", text) for text in texts)


def test_place_labels_keeps_labels_apart_and_inside():
    """The placement itself: labels of points on one spot go round it, and one that fits nowhere is None."""
    bounds = Box(0, 0, 100, 100)
    offsets = place_labels([(50, 50)] * 5, [(20, 8)] * 5, bounds)
    assert None not in offsets
    boxes = [Box(50 + dx, 50 + dy, 70 + dx, 58 + dy) for dx, dy in (offset for offset in offsets if offset)]
    assert not any(first.overlaps(second) for first, second in combinations(boxes, 2))
    assert all(box.inside(bounds) for box in boxes)
    assert place_labels([(5, 5)], [(200, 8)], bounds) == [None]


def test_source_names_are_shown_whole():
    """Long source names are wrapped onto lines, not cut with an ellipsis."""
    sources = [SourceMoney(n, f"PRF-{n}", name, 10**10, 5 * 10**9, 10**9) for n, name in enumerate(SOURCE_NAMES)]
    texts = _svg_text(lambda fig: chart_drawing.draw_utilisation(fig, fund_utilisation(sources), ZH))
    joined = "".join(texts)
    assert all(name in joined for name in SOURCE_NAMES) and "…" not in joined
    assert wrap_label("中央财政衔接推进乡村振兴补助资金（上年结转）", 24).count("\n") == 1


def test_money_axes_group_thousands():
    """Axis numbers of 万元 carry thousands separators: 15,000, not 15000."""
    texts = _svg_text(lambda fig: chart_drawing.draw_monthly(fig, _monthly(), ZH), TALL)
    numbers = [text for text in texts if re.fullmatch(r"[0-9][0-9,.]*", text)]
    assert "15,000" in numbers and not any(re.fullmatch(r"[0-9]{4,}", text) for text in numbers)
    assert (grouped_number(12500), grouped_number(0.5), grouped_number(-2000)) == ("12,500", "0.5", "-2,000")


def test_date_axes_have_no_month_names():
    """S-curve and milestone timeline ticks are numeric dates (2026-05), never May or Sep."""
    curve = [CurvePoint(date(2026, 1, 1), 0, 0, 0), CurvePoint(date(2026, 5, 1), 4 * 10**8, 3 * 10**8, 35 * 10**7),
             CurvePoint(AS_OF, 8 * 10**8, 6 * 10**8, 65 * 10**7), CurvePoint(date(2027, 3, 1), 10**9, None, None)]
    timeline = milestone_timeline([MilestoneDates(1, "路基工程", date(2026, 3, 1), date(2026, 3, 20), 100),
                                   MilestoneDates(2, "路面工程", date(2026, 8, 1), None, 40)], AS_OF)
    texts = (_svg_text(lambda fig: chart_drawing.draw_s_curve(fig, curve, AS_OF, ZH))
             + _svg_text(lambda fig: chart_drawing.draw_timeline(fig, timeline, AS_OF, ZH)))
    assert not [text for text in texts if MONTH_NAMES.search(text)]
    assert any(re.fullmatch(r"20\d\d-\d\d", text) for text in texts)
