"""The words on each chart, in the current language (call inside `force_locale` for another one).

Each function returns a plain dict of strings for the drawing functions in reports/chart_drawing.py.
"""
from __future__ import annotations

from flask_babel import gettext as _


def _common() -> dict[str, str]:
    return {"unit": _("10k yuan"), "others": _("Others"), "empty": _("No data yet"),
            "spent": _("Spent"), "unspent": _("Allocated, not spent")}


def utilisation() -> dict[str, str]:
    """Chart 1."""
    return {**_common(), "title": _("Fund utilisation by source"), "unallocated": _("Not allocated"),
            "note": _("Unallocated money belongs to no township or category, so it is left out under this filter.")}


def monthly(year: int) -> dict[str, str]:
    """Chart 2."""
    return {**_common(), "title": _("Monthly spending by source, %(year)d", year=year), "month": _("Month"),
            "plan": _("Planned value (cumulative)"), "cumulative": _("Spent (cumulative)")}


def portfolio() -> dict[str, str]:
    """Chart 3."""
    return {**_common(), "title": _("Physical progress against time elapsed"), "x": _("Time elapsed (%)"),
            "y": _("Physical progress (%)"), "diagonal": _("On schedule"), "late": _("Late milestone"),
            "on_time": _("No late milestone"),
            "left_out": _("%(n)d projects without planned dates or milestones are not shown."),
            # %-formats the drawing fills in, like left_out: the codes, or how many
            "late_unlabelled": _("Also late: %(codes)s"),
            "late_more": _("%(n)d more late projects are listed in the table.")}


def by_category() -> dict[str, str]:
    """Chart 5, by category."""
    return {**_common(), "title": _("Spending by category")}


def by_township() -> dict[str, str]:
    """Chart 5, by township."""
    return {**_common(), "title": _("Spending by township")}


def s_curve(code: str) -> dict[str, str]:
    """Chart 4a."""
    return {**_common(), "title": _("%(code)s: planned value, earned value and actual cost", code=code),
            "pv": _("Planned value (PV)"), "ev": _("Earned value (EV)"), "ac": _("Actual cost (AC)"),
            "as_of": _("as of")}


def timeline(code: str) -> dict[str, str]:
    """Chart 4b."""
    return {**_common(), "title": _("%(code)s: milestones, planned and actual", code=code),
            "planned": _("Planned date"), "actual": _("Actual date"), "late": _("Late")}
