"""Fonts for charts: Chinese labels need a CJK font, whichever system the server runs on.

`chart_style()` gives the rcParams for one rendering; charts apply them with `rc_context` around
both building and saving a figure (font names are resolved when text is drawn), under a lock so two
threads never see each other's settings. Nothing is changed globally at import.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Optional

# Linux (Noto / Source Han / WenQuanYi), Windows (Microsoft YaHei, SimHei), macOS (PingFang, Heiti,
# Hiragino), then a broad Unicode font; DejaVu Sans last for Latin letters, digits and symbols.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Arial Unicode MS",
    "DejaVu Sans",
)
LATIN_FALLBACK = "DejaVu Sans"  # ships with matplotlib, so it is always there


def available_families() -> set[str]:
    """The font family names matplotlib can find on this machine."""
    from matplotlib import font_manager

    return {font.name for font in font_manager.fontManager.ttflist}


def pick_families(available: Iterable[str], wanted: Iterable[str] = CJK_FAMILIES) -> list[str]:
    """The wanted families that are installed, in order of preference, ending with the Latin fallback.

    Matplotlib falls back glyph by glyph along this list, so Chinese comes from the first CJK font
    present and anything it lacks (e.g. a symbol) from the next one.
    """
    present = set(available)
    families = [family for family in wanted if family in present and family != LATIN_FALLBACK]
    return families + [LATIN_FALLBACK]


def first_cjk_family(available: Iterable[str], wanted: Iterable[str] = CJK_FAMILIES) -> Optional[str]:
    """The first installed CJK family of the list, or None when only the Latin fallback is present."""
    families = pick_families(available, wanted)
    return families[0] if families[0] != LATIN_FALLBACK else None


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
