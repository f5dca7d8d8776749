"""Earned-value figures as people read them: ratios to two decimals, '—' with a reason, never NaN."""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

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
