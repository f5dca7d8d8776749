"""Earned-value figures as people read them: each measure by its name (计划价值, 挣值, ...) with the
PMBOK abbreviation as a hint; ratios to two decimals, '—' with a reason, never NaN."""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from flask_babel import gettext

from core.i18n import _l
from core.money import format_wan
from reports.earned_value.measures import (
    NO_PLAN,
    NO_SPENDING,
    NO_WORK_DONE,
    NOTHING_DUE,
    Estimate,
    Ratio,
    round_half_up,
)

REASON_LABELS = {
    NO_PLAN: _l("no plan yet"),
    NOTHING_DUE: _l("nothing planned by this date"),
    NO_SPENDING: _l("no spending yet"),
    NO_WORK_DONE: _l("no work earned yet"),
}
DASH = "—"
# Each measure's name, keyed by its abbreviation in lower case (PMBOK's terms; the Chinese ones are the
# standard translations: 计划价值, 挣值, 实际成本, 成本偏差, 进度偏差, 成本绩效指数, 进度绩效指数, 完工估算, 完工偏差).
MEASURE_NAMES = {
    "bac": _l("Budget at completion"), "pv": _l("Planned value"), "ev": _l("Earned value"),
    "ac": _l("Actual cost"), "cv": _l("Cost variance"), "sv": _l("Schedule variance"),
    "cpi": _l("Cost performance index"), "spi": _l("Schedule performance index"),
    "eac": _l("Estimate at completion"), "vac": _l("Variance at completion"),
}


def measure_name(key: str) -> str:
    """A measure's name in the reader's language ('pv' -> '计划价值')."""
    return str(MEASURE_NAMES[key])


def measure_heading(key: str) -> str:
    """A measure's name with its abbreviation, for a heading where no hint can be shown: '计划价值（PV）'."""
    return gettext("%(name)s (%(abbreviation)s)", name=measure_name(key), abbreviation=key.upper())


def format_ratio(ratio: Ratio) -> str:
    """CPI or SPI to two decimals, rounded half up (e.g. 0.875 -> '0.88'), '—' when undefined."""
    if ratio.value is None:
        return DASH
    hundredths = round_half_up(ratio.value * 100)
    sign = "-" if hundredths < 0 else ""
    whole, part = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{part:02d}"


def reason_text(reason: Optional[str]) -> str:
    """Why a figure is not shown, in the interface language ('' when it is shown)."""
    return str(REASON_LABELS.get(reason, "")) if reason else ""


def format_estimate(estimate: Estimate) -> str:
    """EAC or VAC in 万元, '—' when undefined."""
    return DASH if estimate.fen is None else format_wan(estimate.fen)


def ratio_class(ratio: Ratio) -> str:
    """A CSS class for a ratio: 'bad' below 0.9, 'warn' below 1, 'good' otherwise, 'none' undefined."""
    if ratio.value is None:
        return "none"
    if ratio.value < Fraction(9, 10):
        return "bad"
    return "warn" if ratio.value < 1 else "good"
