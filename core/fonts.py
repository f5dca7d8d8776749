"""The fonts Liandong sets Chinese in, whichever system the server runs on: for charts and print alike.

`pick_families(available_families())` is the list charts draw with (matplotlib falls back along it
glyph by glyph); `document_fonts()` gives the same families with the folders that hold their files,
for the typesetter (core/typeset.py). A printed document and the charts in it are then set in the
same font, and no other font installed on the server changes how a page looks. Matplotlib's font
manager finds the files (it is already the charts' dependency); nothing here imports our code.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
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


def font_files(families: Iterable[str]) -> dict[str, str]:
    """The file of each family, as matplotlib resolves it; families it cannot find are left out."""
    from matplotlib import font_manager

    found = {}
    for family in families:
        try:
            found[family] = font_manager.findfont(font_manager.FontProperties(family=family),
                                                  fallback_to_default=False)
        except ValueError:
            continue
    return found


@lru_cache(maxsize=1)
def document_fonts() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the charts' families in order of preference, the folders holding their files) for print.

    Folders, not files: the typesetter reads every font in the folders it is given and silently
    ignores a path that is a file."""
    files = font_files(pick_families(available_families()))
    return tuple(files), tuple(sorted({str(Path(path).parent) for path in files.values()}))
