"""Charts render without the app: PNGs decode at the expected size, SVGs parse, Chinese needs no missing glyph."""
from __future__ import annotations

import struct
import warnings
import zlib
from datetime import date
from io import BytesIO
from xml.etree import ElementTree

import matplotlib
import pytest
from matplotlib import rc_context
from matplotlib.figure import Figure

from core.fonts import CJK_FAMILIES, available_families, first_cjk_family, pick_families
from reports.charts import drawing as chart_drawing
from reports.charts.data import (
    BreakdownRow,
    MilestoneDates,
    MonthlySpending,
    ProjectTiming,
    SourceMoney,
    fund_utilisation,
    milestone_timeline,
    monthly_spending,
    portfolio_progress,
)
from reports.charts.render import TALL, WIDE, render
from reports.earned_value.history import CurvePoint

AS_OF = date(2026, 11, 27)
HAS_CJK_FONT = first_cjk_family(available_families()) is not None

ZH = {"title": "资金使用情况（双牌县）", "unit": "万元", "others": "其他", "empty": "暂无数据", "spent": "已支出",
      "unspent": "已分配未支出", "unallocated": "未分配", "note": "未分配资金不属于任何乡镇", "month": "月份",
      "plan": "计划价值（累计）", "cumulative": "实际支出（累计）", "x": "时间进度（%）", "y": "形象进度（%）",
      "diagonal": "按计划", "late": "滞后", "on_time": "正常", "left_out": "%(n)d个项目没有计划日期",
      "pv": "计划价值", "ev": "挣值", "ac": "实际成本", "as_of": "截至", "planned": "计划日期", "actual": "实际日期",
      "late_unlabelled": "另有滞后：%(codes)s", "late_more": "另有%(n)d个滞后项目见表"}


def _utilisation():
    return fund_utilisation([SourceMoney(1, "FIS-2026", "县级财政基础设施建设资金", 5_000_000_000, 4_000_000_000,
                                         3_000_000_000),
                             SourceMoney(2, "WFR-2026", "以工代赈中央预算内投资", 1_000_000_000, 900_000_000,
                                         100_000_000)])


def _monthly() -> MonthlySpending:
    paid = {("FIS-2026", 202600 + m): m * 10_000_000 for m in range(1, 12)}
    paid[("WFR-2026", 202605)] = 50_000_000
    return monthly_spending(2026, AS_OF, paid, plan=tuple(m * 70_000_000 for m in range(1, 13)))


def _portfolio():
    return portfolio_progress([ProjectTiming(1, "SP-2026-001", "泷泊镇公路", date(2026, 1, 1), date(2026, 12, 31), 3_000,
                                             True),
                               ProjectTiming(2, "SP-2026-002", "阳明社区", date(2025, 6, 1), date(2027, 6, 1), 6_000,
                                             False),
                               ProjectTiming(3, "SP-2026-003", "待编制", None, None, None, False)], AS_OF)


def _curve():
    return [CurvePoint(date(2026, 1, 1), 0, 0, 0), CurvePoint(date(2026, 5, 1), 400_000_000, 300_000_000, 350_000_000),
            CurvePoint(AS_OF, 800_000_000, 600_000_000, 650_000_000), CurvePoint(date(2027, 3, 1), 1_000_000_000, None, None)]


def _timeline():
    return milestone_timeline([MilestoneDates(1, "路基工程", date(2026, 3, 1), date(2026, 3, 20), 100),
                               MilestoneDates(2, "路面工程", date(2026, 8, 1), None, 40),
                               MilestoneDates(3, "交工验收", date(2027, 3, 1), None, 0)], AS_OF)


CHARTS = {
    "utilisation": (lambda fig: chart_drawing.draw_utilisation(fig, _utilisation(), ZH), WIDE),
    "monthly": (lambda fig: chart_drawing.draw_monthly(fig, _monthly(), ZH), TALL),
    "portfolio": (lambda fig: chart_drawing.draw_portfolio(fig, _portfolio(), ZH), TALL),
    "breakdown": (lambda fig: chart_drawing.draw_breakdown(fig, (BreakdownRow("road", "道路", 900, 300),
                                                                 BreakdownRow("water", "水利", 500, 400)), ZH), WIDE),
    "s_curve": (lambda fig: chart_drawing.draw_s_curve(fig, _curve(), AS_OF, ZH), WIDE),
    "timeline": (lambda fig: chart_drawing.draw_timeline(fig, _timeline(), AS_OF, ZH), WIDE),
}


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature and that its image data inflates."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    assert len(raw) == height * (1 + width * 4)  # RGBA rows, each with its filter byte
    return width, height


def _missing_glyphs(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_renders_a_png_of_the_expected_size(name):
    """Each chart gives a PNG that decodes at its fixed size (800 x 450 or 800 x 550 pixels)."""
    draw, size = CHARTS[name]
    assert png_size(render(draw, "png", size)) == (int(size[0] * 100), int(size[1] * 100))


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_renders_an_svg_that_parses(name):
    """Each chart gives a well-formed SVG document with text drawn as paths."""
    draw, size = CHARTS[name]
    root = ElementTree.fromstring(render(draw, "svg", size))
    assert root.tag.endswith("svg") and root.attrib["width"].startswith(str(int(size[0] * 72)))


@pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font installed (scripts/test installs fonts-wqy-microhei)")
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chinese_labels_need_no_missing_glyph(name):
    """With a CJK font installed, rendering Chinese labels raises no 'Glyph ... missing' warning."""
    draw, size = CHARTS[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render(draw, "png", size)
        render(draw, "svg", size)
    assert _missing_glyphs(caught) == []


def test_missing_glyphs_would_be_noticed_without_a_cjk_font():
    """The check above is real: with only a Latin font the same labels do warn about missing glyphs."""
    with warnings.catch_warnings(record=True) as caught, rc_context({"font.family": "sans-serif",
                                                                      "font.sans-serif": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        figure = Figure(figsize=WIDE, dpi=100)
        figure.add_subplot().set_title("资金使用情况")
        figure.savefig(BytesIO(), format="png")
    assert _missing_glyphs(caught)


@pytest.mark.parametrize("draw", [
    lambda fig: chart_drawing.draw_utilisation(fig, fund_utilisation([]), ZH),
    lambda fig: chart_drawing.draw_monthly(fig, monthly_spending(2026, AS_OF, {}, (0,) * 12), ZH),
    lambda fig: chart_drawing.draw_portfolio(fig, portfolio_progress([], AS_OF), ZH),
    lambda fig: chart_drawing.draw_breakdown(fig, (), ZH),
    lambda fig: chart_drawing.draw_s_curve(fig, [CurvePoint(AS_OF, 0, 0, 0)], AS_OF, ZH),
    lambda fig: chart_drawing.draw_timeline(fig, (), AS_OF, ZH),
])
def test_empty_data_draws_a_chart_that_says_so(draw):
    """No data yet: the chart still renders (saying so), no exception, no NaN axis."""
    assert png_size(render(draw, "png")) == (800, 450)


def test_same_chart_gives_the_same_bytes():
    """Rendering is deterministic, so cached and fresh bytes agree."""
    draw, size = CHARTS["s_curve"]
    assert render(draw, "png", size) == render(draw, "png", size)
    assert render(draw, "svg", size) == render(draw, "svg", size)


def test_rendering_leaves_global_settings_alone():
    """The font settings apply only while a chart renders; matplotlib's globals are unchanged after."""
    before = (list(matplotlib.rcParams["font.sans-serif"]), matplotlib.rcParams["axes.unicode_minus"])
    render(CHARTS["utilisation"][0], "png")
    assert (list(matplotlib.rcParams["font.sans-serif"]), matplotlib.rcParams["axes.unicode_minus"]) == before


def test_font_list_prefers_installed_cjk_families_and_ends_with_a_latin_one():
    """The first installed CJK family of the fallback list leads; DejaVu Sans always closes the list."""
    assert pick_families({"SimHei", "PingFang SC", "DejaVu Sans", "Arial"}) == ["SimHei", "PingFang SC",
                                                                                "DejaVu Sans"]
    assert first_cjk_family({"Microsoft YaHei", "Noto Sans CJK SC"}) == "Noto Sans CJK SC"
    assert first_cjk_family({"DejaVu Sans"}) is None and pick_families(set()) == ["DejaVu Sans"]
    assert {"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei"} <= set(CJK_FAMILIES)


def test_unknown_format_is_refused():
    """Only PNG and SVG come out of render()."""
    with pytest.raises(ValueError):
        render(CHARTS["utilisation"][0], "gif")
