"""Render charts to bytes with matplotlib's object API (`Figure`, never pyplot: it keeps global state).

`render(draw, fmt)` builds a Figure of a fixed pixel size, lets `draw(figure)` fill it, and returns
the PNG or SVG bytes. The CJK font settings (reports/charts/fonts.py) are applied with `rc_context`
for the duration of one rendering, under a lock: rcParams are process-wide, and matplotlib's font
machinery is not thread-safe, so two requests never render at the same moment. Rendering is
CPU-bound under the GIL anyway, and warm charts come from the cache without rendering.

The web's SVGs carry their text as outlines (they look the same in any browser); an SVG drawn for
print (`text_as_text=True`) keeps its labels as SVG text, which the typesetter sets in the document's
embedded font (core/fonts.py: the same families), so a printed chart's labels are searchable.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from io import BytesIO

from matplotlib import rc_context
from matplotlib.figure import Figure

from reports.charts.fonts import chart_style

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
DPI = 100
WIDE = (8.0, 4.5)  # inches: 800 x 450 pixels at DPI
TALL = (8.0, 5.5)  # 800 x 550, for charts with two panels

_RENDER_LOCK = threading.RLock()
# Fixed metadata, so the same chart always gives the same bytes.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}, "pdf": {"CreationDate": None}}


def styled():
    """The lock and the chart rcParams, as one context: use it around building and saving figures."""
    return _Styled()


class _Styled:
    """Hold the render lock and the chart style together (a tiny reentrant context manager)."""

    def __enter__(self):
        _RENDER_LOCK.acquire()
        self._context = rc_context(chart_style())
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._context.__exit__(*exc)
        finally:
            _RENDER_LOCK.release()


def render(draw: Callable[[Figure], None], fmt: str, size: tuple[float, float] = WIDE, dpi: int = DPI,
           text_as_text: bool = False) -> bytes:
    """The chart drawn by `draw` as PNG or SVG bytes, `size` inches at `dpi` (e.g. 800 x 450 px);
    `text_as_text`: an SVG's labels stay text (for print) instead of outlines."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    with styled(), rc_context({"svg.fonttype": "none"} if text_as_text else {}):
        figure = Figure(figsize=size, dpi=dpi, layout="constrained")
        draw(figure)
        stream = BytesIO()
        figure.savefig(stream, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return stream.getvalue()
