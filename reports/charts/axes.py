"""How the charts' axes, labels and legends read: whole names, grouped digits, numeric dates, legends
beside the data rather than on it.

    wrap_label("中央财政衔接推进乡村振兴补助资金（上年结转）", 24)  -> the name on two or three lines
    money_axis(ax.xaxis)     ticks read 12,500 rather than 12500
    date_axis(ax.xaxis)      ticks read 2026-05, never May (and no other language's month names)
    legend_beside(ax)        the legend to the right of the axes, where it covers nothing
"""
from __future__ import annotations

import unicodedata

from matplotlib import dates as mdates
from matplotlib import ticker

MAX_LINES = 3
# Tick labels of dates: the year where it changes, months as 2026-05, days as 05-14; never a month's name.
DATE_FORMATS = ["%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M", "%S.%f"]
DATE_ZERO_FORMATS = ["", "%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M"]
DATE_OFFSET_FORMATS = ["", "%Y", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d %H:%M"]


def display_width(text: str) -> int:
    """Width in Latin-letter units: wide (CJK) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap_label(label: str, width: int, max_lines: int = MAX_LINES) -> str:
    """`label` on lines at most `width` units wide (broken at a space where one is near, anywhere in
    Chinese), whole; only a label longer than `max_lines` lines ends in an ellipsis."""
    lines, current = [], ""
    for char in label:
        if display_width(current + char) > width:
            cut = current.rfind(" ")
            if cut > len(current) // 2:
                lines.append(current[:cut])
                current = current[cut + 1:]
            else:
                lines.append(current)
                current = ""
        current += char
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "\n".join(line.strip() for line in lines)


def grouped_number(value: float, _position=None) -> str:
    """A tick value with thousands separators: 12500 -> '12,500', 0.5 -> '0.5', 2.25 -> '2.25'."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money_axis(axis) -> None:
    """An axis of amounts (万元) with grouped digits."""
    axis.set_major_formatter(ticker.FuncFormatter(grouped_number))


def date_axis(axis, max_ticks: int = 8) -> None:
    """An axis of dates with numeric labels (2026-05), whatever the server's or the reader's language."""
    locator = mdates.AutoDateLocator(maxticks=max_ticks)
    axis.set_major_locator(locator)
    axis.set_major_formatter(mdates.ConciseDateFormatter(locator, formats=DATE_FORMATS,
                                                         zero_formats=DATE_ZERO_FORMATS,
                                                         offset_formats=DATE_OFFSET_FORMATS))


def legend_beside(ax, fontsize: float = 8) -> None:
    """The legend to the right of the axes, top-aligned: the layout makes room, and no bar or line is under it."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, frameon=False, fontsize=fontsize)
