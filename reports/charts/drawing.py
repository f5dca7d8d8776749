"""Draw each chart onto a matplotlib Figure or SubFigure from its plain data and its words.

`text` is a mapping of already translated strings (see reports/charts/text.py), so these functions
know nothing of languages or requests. Money is converted from fen to 万元 here, at the last step.
Names are shown whole (wrapped, reports/charts/axes.py), legends stand beside the data, money axes
group their digits, dates are numeric, and late projects are named without labels colliding
(reports/charts/labels.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from reports.charts.axes import date_axis, legend_beside, money_axis, wrap_label
from reports.charts.data import OTHERS, BreakdownRow, MonthlySpending, PortfolioProgress, TimelineRow, Utilisation
from reports.charts.labels import label_points
from reports.earned_value.history import CurvePoint

FEN_PER_WAN = 1_000_000
SPENT, UNSPENT, UNALLOCATED, PLAN = "#1f6f43", "#e0a030", "#c9ced6", "#5a6570"
LATE, ON_TIME = "#c0392b", "#2e6fb0"
SERIES = ("#2e6fb0", "#1f6f43", "#e0a030", "#8e44ad", "#c0392b", "#7f8c8d")
LABELLED_LATE = 12  # late projects named on the progress chart (the most behind); the table lists every one
NAMED_IN_NOTE = 6  # late projects without room for a label, named in the note under the chart


def wan(fen: int) -> float:
    """Fen as 万元, the unit on every money axis (float only here, for drawing)."""
    return fen / FEN_PER_WAN


def _empty(figure, text: Mapping[str, str]) -> None:
    """An empty chart that says so, rather than blank axes."""
    ax = figure.add_subplot()
    ax.set_title(text["title"], loc="left")
    ax.text(0.5, 0.5, text["empty"], ha="center", va="center", transform=ax.transAxes, color=PLAN)
    ax.set_axis_off()


def _note(ax, message: str):
    """A small grey note under the axes (the annotation, or None without a message)."""
    if not message:
        return None
    return ax.annotate(message, xy=(0, 0), xycoords="axes fraction", xytext=(0, -28), textcoords="offset points",
                       fontsize=7, color=PLAN, va="top")


def _stacked_barh(ax, labels: list[str], layers: list[tuple[list[int], str, str]]) -> None:
    """Horizontal bars stacked left to right: each layer is (fen per bar, colour, legend label)."""
    positions = range(len(labels))
    left = [0.0] * len(labels)
    for values, colour, label in layers:
        widths = [wan(v) for v in values]
        ax.barh(positions, widths, left=left, color=colour, label=label, height=0.7)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(list(positions), labels, fontsize=8)
    ax.invert_yaxis()
    money_axis(ax.xaxis)


def draw_utilisation(figure, data: Utilisation, text: Mapping[str, str]) -> None:
    """Chart 1: per source, spent / allocated-unspent / unallocated, stacked."""
    if not data.sources:
        return _empty(figure, text)
    ax = figure.add_subplot()
    labels = [text["others"] if s.code == OTHERS else wrap_label(f"{s.code} {s.name}", 30) for s in data.sources]
    layers = [([s.spent_fen for s in data.sources], SPENT, text["spent"]),
              ([s.unspent_fen for s in data.sources], UNSPENT, text["unspent"])]
    if data.with_unallocated:
        layers.append(([max(s.unallocated_fen, 0) for s in data.sources], UNALLOCATED, text["unallocated"]))
    _stacked_barh(ax, labels, layers)
    ax.set_title(text["title"], loc="left")
    ax.set_xlabel(text["unit"])
    legend_beside(ax)
    _note(ax, "" if data.with_unallocated else text.get("note", ""))


def draw_monthly(figure, data: MonthlySpending, text: Mapping[str, str]) -> None:
    """Chart 2: monthly spending per source (stacked bars), cumulative spending against plan (lines)."""
    if not data.series and not any(data.cumulative_plan):
        return _empty(figure, text)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    months = list(range(1, 13))
    base = [0.0] * 12
    for index, (code, values) in enumerate(data.series):
        heights = [wan(v) for v in values]
        top.bar(months, heights, bottom=base, color=SERIES[index % len(SERIES)],
                label=text["others"] if code == OTHERS else code)
        base = [a + b for a, b in zip(base, heights)]
    top.set_title(text["title"], loc="left")
    top.set_ylabel(text["unit"])
    money_axis(top.yaxis)
    if data.series:
        legend_beside(top, fontsize=7)
    known = [(m, wan(v)) for m, v in zip(months, data.cumulative) if v is not None]
    bottom.plot(months, [wan(v) for v in data.cumulative_plan], color=PLAN, linestyle="--", label=text["plan"])
    if known:
        bottom.plot(*zip(*known), color=SPENT, marker="o", markersize=3, label=text["cumulative"])
    bottom.set_ylabel(text["unit"])
    money_axis(bottom.yaxis)
    bottom.set_xticks(months)
    bottom.set_xlabel(text["month"])
    legend_beside(bottom, fontsize=7)


def draw_portfolio(figure, data: PortfolioProgress, text: Mapping[str, str]) -> None:
    """Chart 3: physical progress against time elapsed per project, late ones highlighted."""
    if not data.points:
        return _empty(figure, text)
    ax = figure.add_subplot()
    ax.plot([0, 100], [0, 100], color=PLAN, linestyle="--", linewidth=1, label=text["diagonal"])
    for late, colour, marker, label in ((False, ON_TIME, "o", text["on_time"]), (True, LATE, "^", text["late"])):
        chosen = [p for p in data.points if p.late == late]
        if chosen:
            ax.scatter([p.elapsed_bp / 100 for p in chosen], [p.progress_bp / 100 for p in chosen], s=18,
                       color=colour, marker=marker, alpha=0.8, label=label, zorder=3)
    ax.set_xlim(-2, 105)
    ax.set_ylim(-2, 105)
    ax.set_xlabel(text["x"])
    ax.set_ylabel(text["y"])
    ax.set_title(text["title"], loc="left")
    legend_beside(ax)
    late = [p for p in data.points if p.late]  # the most behind first: points are sorted by gap
    left_out = text["left_out"] % {"n": data.left_out} if data.left_out else ""
    # The note is drawn before the labels are placed, so the layout they are placed in keeps its room.
    note = _note(ax, _joined(left_out, _unlabelled_note(text, late[LABELLED_LATE:])) or " ")
    unlabelled = label_points(ax, [(p.elapsed_bp / 100, p.progress_bp / 100, p.code) for p in late[:LABELLED_LATE]],
                              others=[(p.elapsed_bp / 100, p.progress_bp / 100) for p in data.points if not p.late],
                              fontsize=7, color=LATE)
    missing = [p for p in late[:LABELLED_LATE] if p.code in unlabelled] + late[LABELLED_LATE:]
    if note is not None:
        note.set_text(_joined(left_out, _unlabelled_note(text, missing)) or " ")


def _joined(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _unlabelled_note(text: Mapping[str, str], late: list) -> str:
    """Late projects the chart could not name beside their point: by code when few, else how many."""
    if not late:
        return ""
    if len(late) <= NAMED_IN_NOTE:
        return text["late_unlabelled"] % {"codes": "、".join(p.code for p in late)}
    return text["late_more"] % {"n": len(late)}


def draw_breakdown(figure, rows: tuple[BreakdownRow, ...], text: Mapping[str, str]) -> None:
    """Chart 5: spent and allocated-unspent money by category or by township."""
    if not rows:
        return _empty(figure, text)
    ax = figure.add_subplot()
    labels = [text["others"] if r.key == OTHERS else wrap_label(r.label, 20) for r in rows]
    _stacked_barh(ax, labels, [([r.spent_fen for r in rows], SPENT, text["spent"]),
                               ([r.unspent_fen for r in rows], UNSPENT, text["unspent"])])
    ax.set_title(text["title"], loc="left")
    ax.set_xlabel(text["unit"])
    legend_beside(ax)


def draw_s_curve(figure, points: list[CurvePoint], as_of: date, text: Mapping[str, str]) -> None:
    """Chart 4a: planned value, earned value and actual cost of a project over time."""
    if len(points) < 2 and not any(p.pv_fen or p.ac_fen for p in points):
        return _empty(figure, text)
    ax = figure.add_subplot()
    days = [p.day for p in points]
    ax.plot(days, [wan(p.pv_fen) for p in points], color=PLAN, linestyle="--", label=text["pv"])
    # EV and AC up to the as-of day (both None after it)
    known = [(p.day, p.ev_fen, p.ac_fen) for p in points if p.ev_fen is not None and p.ac_fen is not None]
    known_days = [day for day, _ev, _ac in known]
    ax.plot(known_days, [wan(ev) for _day, ev, _ac in known], color=SPENT, drawstyle="steps-post",
            linewidth=2, label=text["ev"])
    ax.plot(known_days, [wan(ac) for _day, _ev, ac in known], color=LATE, drawstyle="steps-post",
            label=text["ac"])
    ax.axvline(as_of, color=PLAN, linewidth=0.8, linestyle=":")
    ax.annotate(text["as_of"], (as_of, 1), xycoords=("data", "axes fraction"), xytext=(3, -10),
                textcoords="offset points", fontsize=7, color=PLAN)
    date_axis(ax.xaxis)
    ax.set_ylabel(text["unit"])
    money_axis(ax.yaxis)
    ax.set_title(text["title"], loc="left")
    ax.legend(loc="upper left", frameon=False, fontsize=8)


def draw_timeline(figure, rows: tuple[TimelineRow, ...], as_of: date, text: Mapping[str, str]) -> None:
    """Chart 4b: each milestone's planned date against its actual date (or today, when late)."""
    if not rows:
        return _empty(figure, text)
    ax = figure.add_subplot()
    for index, row in enumerate(rows):
        end = row.actual_date or (as_of if row.late else None)
        colour = LATE if row.late or (row.delay_days or 0) > 0 else SPENT
        if end is not None:
            ax.plot([row.planned_date, end], [index, index], color=colour, linewidth=2, alpha=0.6)
        if row.actual_date is not None:
            ax.plot([row.actual_date], [index], "o", color=colour, markersize=6)
    ax.plot([r.planned_date for r in rows], list(range(len(rows))), "o", markerfacecolor="white",
            markeredgecolor=PLAN, markersize=7, label=text["planned"], linestyle="none")
    ax.plot([], [], "o", color=SPENT, label=text["actual"])
    ax.plot([], [], color=LATE, linewidth=2, label=text["late"])
    ax.axvline(as_of, color=PLAN, linewidth=0.8, linestyle=":")
    ax.set_yticks(range(len(rows)), [wrap_label(f"{r.sequence}. {r.name}", 24, max_lines=2) for r in rows],
                  fontsize=8)
    ax.invert_yaxis()
    date_axis(ax.xaxis)
    ax.set_title(text["title"], loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3, frameon=False, fontsize=8)
