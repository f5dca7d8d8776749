"""The numbers behind each chart as a table (shown beside the chart, downloadable as CSV)."""
from __future__ import annotations

from flask_babel import gettext as _

from reports.charts.data import OTHERS, BreakdownRow, MonthlySpending, PortfolioProgress, TimelineRow, Utilisation
from reports.earned_value.history import CurvePoint
from reports.tables import Column, Table


def _share_bp(part: int, whole: int):
    """part / whole in basis points, rounded down; None when whole is 0."""
    return part * 10_000 // whole if whole > 0 else None


def utilisation_table(data: Utilisation) -> Table:
    """Chart 1's numbers: per source, received, allocated, spent, unspent, unallocated, spent share."""
    columns = (Column(_("Source")), Column(_("Name")), Column(_("Received"), "fen"), Column(_("Allocated"), "fen"),
               Column(_("Spent"), "fen"), Column(_("Allocated, not spent"), "fen"), Column(_("Not allocated"), "fen"),
               Column(_("Spent of allocated"), "bp"))
    rows = tuple((_("Others") if s.code == OTHERS else s.code, s.name,
                  s.received_fen if data.with_unallocated else None, s.allocated_fen, s.spent_fen, s.unspent_fen,
                  s.unallocated_fen if data.with_unallocated else None, _share_bp(s.spent_fen, s.allocated_fen))
                 for s in data.sources)
    return Table(columns, rows)


def monthly_table(data: MonthlySpending) -> Table:
    """Chart 2's numbers: one row per month, a column per source, then totals and plan."""
    columns = ((Column(_("Month")),) + tuple(Column(_("Others") if code == OTHERS else code, "fen")
                                             for code, _values in data.series)
               + (Column(_("Total"), "fen"), Column(_("Spent (cumulative)"), "fen"),
                  Column(_("Planned value (cumulative)"), "fen")))
    totals = data.monthly_totals
    rows = tuple((f"{data.year}-{month + 1:02d}",) + tuple(values[month] for _code, values in data.series)
                 + (totals[month], data.cumulative[month], data.cumulative_plan[month]) for month in range(12))
    return Table(columns, rows)


def portfolio_table(data: PortfolioProgress) -> Table:
    """Chart 3's numbers: each project's time elapsed and progress, most behind first."""
    columns = (Column(_("Code")), Column(_("Project")), Column(_("Time elapsed"), "bp"),
               Column(_("Physical progress"), "bp"), Column(_("Behind by"), "bp"), Column(_("Late milestone"), "flag"))
    return Table(columns, tuple((p.code, p.name, p.elapsed_bp, p.progress_bp, p.gap_bp, p.late) for p in data.points))


def breakdown_table(rows: tuple[BreakdownRow, ...], heading: str) -> Table:
    """Chart 5's numbers: allocated, spent and unspent per category or township."""
    columns = (Column(heading), Column(_("Allocated"), "fen"), Column(_("Spent"), "fen"),
               Column(_("Allocated, not spent"), "fen"), Column(_("Spent of allocated"), "bp"))
    return Table(columns, tuple((_("Others") if r.key == OTHERS else r.label, r.allocated_fen, r.spent_fen,
                                 r.unspent_fen, _share_bp(r.spent_fen, r.allocated_fen)) for r in rows))


def s_curve_table(points: list[CurvePoint]) -> Table:
    """Chart 4a's numbers: PV, EV and AC at each day the curve bends."""
    columns = (Column(_("Date"), "date"), Column(_("Planned value (PV)"), "fen"),
               Column(_("Earned value (EV)"), "fen"), Column(_("Actual cost (AC)"), "fen"))
    return Table(columns, tuple((p.day, p.pv_fen, p.ev_fen, p.ac_fen) for p in points))


def timeline_table(rows: tuple[TimelineRow, ...]) -> Table:
    """Chart 4b's numbers: each milestone's planned and actual dates and delay."""
    columns = (Column(_("No.")), Column(_("Milestone")), Column(_("Planned date"), "date"),
               Column(_("Actual date"), "date"), Column(_("Progress %")), Column(_("Days late")),
               Column(_("Late"), "flag"))
    return Table(columns, tuple((r.sequence, r.name, r.planned_date, r.actual_date, r.progress_pct, r.delay_days,
                                 r.late) for r in rows))

