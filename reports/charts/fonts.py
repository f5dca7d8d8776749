"""The charts' matplotlib style: Chinese labels in the fonts core/fonts.py picks, readable sizes.

`chart_style()` gives the rcParams for one rendering; charts apply them with `rc_context` around
both building and saving a figure (font names are resolved when text is drawn), under a lock so two
threads never see each other's settings. Nothing is changed globally at import. The printed
documents (core/typeset.py) are set in the same fonts, so a chart and the page around it match.
"""
from __future__ import annotations

from functools import lru_cache

from core.fonts import available_families, pick_families


@lru_cache(maxsize=1)
def chart_style() -> dict:
    """rcParams for a chart: the font list, readable sizes, no global state touched."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": pick_families(available_families()),
        "axes.unicode_minus": False,  # a plain hyphen: some CJK fonts lack U+2212
        "text.parse_math": False,  # names typed by users are text: a "$" must not start a formula
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.titleweight": "normal",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "path",  # text as outlines: the SVG reads the same without the font
        "pdf.fonttype": 42,  # embed TrueType fonts, so Chinese text in the PDF stays searchable
        "svg.hashsalt": "liandong",  # stable ids: the same chart gives the same bytes
    }
