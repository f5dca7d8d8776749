"""The schedule chart: each source's payout ratio of the year as a bar, the expected share as a line,
the sources behind it in red. Its words and its table (the numbers beside it, CSV at the edge)."""
from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Optional

from flask_babel import gettext as _

from funds.schedule import Ranked
from reports.charts.axes import wrap_label
from reports.charts.drawing import LATE, PLAN, SPENT
from reports.schedule.report import ScheduleReport
from reports.tables import Column, Table

SHOWN = 15  # bars on the chart (worst first); the table lists every source


def basis_points(share: Optional[Fraction]) -> Optional[int]:
    """A share in basis points, rounded half up (None stays None)."""
    if share is None:
        return None
    scaled = share * 10_000
    return (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)


def text(year: int) -> dict[str, str]:
    """The chart's words in the current language."""
    return {"title": _("Spending against schedule by source, %(year)d", year=year), "empty": _("No data yet"),
            "expected": _("Schedule"), "payout": _("Payout ratio, percent"), "behind": _("Behind schedule"),
            "on_track": _("On schedule")}


def _empty(figure, words: Mapping[str, str]) -> None:
    ax = figure.add_subplot()
    ax.set_title(words["title"], loc="left")
    ax.text(0.5, 0.5, words["empty"], ha="center", va="center", transform=ax.transAxes, color=PLAN)
    ax.set_axis_off()


def draw(figure, report: ScheduleReport, words: Mapping[str, str]) -> None:
    """Bars of paid ÷ (the ranking's basis) per source, worst first, and the schedule's line."""
    rows = [r for r in report.sources if r.payout is not None][:SHOWN]
    if not rows:
        return _empty(figure, words)
    ax = figure.add_subplot()
    positions = list(range(len(rows)))
    values = [float(r.payout or 0) * 100 for r in rows]  # floats only here, for drawing
    ax.barh(positions, values, color=[LATE if r.behind else SPENT for r in rows], height=0.7)
    ax.axvline(float(report.expected) * 100, color=PLAN, linestyle="--", label=words["expected"])
    ax.set_yticks(positions, [wrap_label(r.row.label, 24) for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, *values))
    ax.set_xlabel(words["payout"])
    ax.set_title(words["title"], loc="left")
    ax.legend(loc="lower right", frameon=False, fontsize=8)


def _cells(item: Ranked) -> tuple:
    return (basis_points(item.by_received), basis_points(item.by_allocated), basis_points(item.expected),
            basis_points(item.gap))


def table(report: ScheduleReport) -> Table:
    """Every source of the year as ranked: money, both ratios, the expected share and the gap."""
    columns = (Column(_("Fund source")), Column(_("Received"), "fen"), Column(_("Allocated"), "fen"),
               Column(_("Paid"), "fen"), Column(_("Paid of received"), "bp"), Column(_("Paid of allocated"), "bp"),
               Column(_("Schedule"), "bp"), Column(_("Gap"), "bp"))
    return Table(columns, tuple((r.row.label, r.row.received_fen, r.row.allocated_fen, r.row.paid_fen, *_cells(r))
                                for r in report.sources))
