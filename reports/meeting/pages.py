"""Write A4 pages of text, tables and charts into a matplotlib PdfPages, top to bottom.

`PageWriter` keeps a cursor on the current page, wraps long cells (a Chinese character counts as two
Latin ones), starts a new page when the next line would not fit, and repeats a table's header
there. Pages are `Figure`s of A4 size; charts are drawn into SubFigures by the chart functions.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reports.charts.render import A4_PORTRAIT

FONT_PT = 8.0
LINE = FONT_PT * 1.5 / (A4_PORTRAIT[1] * 72)  # one line as a fraction of the page height
LEFT, RIGHT, TOP, BOTTOM = 0.07, 0.93, 0.9, 0.06
INK, MUTED, RULE = "#1d2733", "#66717d", "#c9ced6"


def display_width(text: str) -> int:
    """Width in Latin-letter units: wide (CJK) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` broken into lines at most `width` units wide (at spaces where it can, anywhere in Chinese)."""
    lines, current = [], ""
    for char in text:
        if display_width(current + char) > width:
            cut = current.rfind(" ")
            if cut > len(current) // 2:
                lines.append(current[:cut])
                current = current[cut + 1:]
            else:
                lines.append(current)
                current = ""
        current += char
    return lines + [current] if current or not lines else lines


@dataclass(frozen=True)
class Col:
    """A table column: heading, share of the text width, alignment ('left' or 'right')."""

    label: str
    width: float
    align: str = "left"


class PageWriter:
    """Lays text, tables and chart pages onto A4 pages of a PdfPages document."""

    def __init__(self, pdf: PdfPages, header: str):
        self.pdf = pdf
        self.header = header
        self.figure: Optional[Figure] = None  # the page being written
        self.y = TOP
        self.pages = 0

    def new_page(self) -> Figure:
        """Finish the current page and start a blank one with the running header and page number."""
        self.finish()
        figure = self.figure = Figure(figsize=A4_PORTRAIT)
        self.pages += 1
        figure.text(LEFT, 0.955, self.header, fontsize=7, color=MUTED)
        figure.text(RIGHT, 0.03, str(self.pages), fontsize=7, color=MUTED, ha="right")
        self.y = TOP
        return figure

    def finish(self) -> None:
        """Write the current page, if any, to the document."""
        if self.figure is not None:
            self.pdf.savefig(self.figure)
            self.figure = None

    def _room(self, lines: int) -> Figure:
        """The page to write `lines` more lines on: this one, or a new one when they would not fit."""
        if self.figure is None or self.y - lines * LINE < BOTTOM:
            return self.new_page()
        return self.figure

    def title(self, text: str, size: float = 18) -> None:
        """A large title line."""
        self._room(3).text(LEFT, self.y, text, fontsize=size, color=INK, va="top")
        self.y -= LINE * size / FONT_PT * 1.2

    def heading(self, text: str) -> None:
        """A section heading, kept with at least three lines after it."""
        figure = self._room(5)
        self.y -= LINE * 0.6
        figure.text(LEFT, self.y, text, fontsize=11, color=INK, va="top")
        self.y -= LINE * 1.6

    def paragraph(self, text: str, color: str = INK) -> None:
        """Wrapped text across the page."""
        for line in wrap(text, int((RIGHT - LEFT) * A4_PORTRAIT[0] * 72 / (FONT_PT * 0.55))):
            self._room(1).text(LEFT, self.y, line, fontsize=FONT_PT, color=color, va="top")
            self.y -= LINE

    def _wrapped(self, cells: Sequence[str], columns: Sequence[Col]) -> list[list[str]]:
        return [wrap(str(cell), max(4, int(col.width * (RIGHT - LEFT) * A4_PORTRAIT[0] * 72 / (FONT_PT * 0.55))))
                for cell, col in zip(cells, columns)]

    def _draw_row(self, figure: Figure, wrapped: list[list[str]], columns: Sequence[Col],
                  header: bool = False) -> None:
        x = LEFT
        for lines, col in zip(wrapped, columns):
            width = col.width * (RIGHT - LEFT)
            anchor = x + width - 0.005 if col.align == "right" else x
            figure.text(anchor, self.y, "\n".join(lines), fontsize=FONT_PT, va="top", ha=col.align,
                             color=MUTED if header else INK, linespacing=1.25)
            x += width
        self.y -= LINE * max(len(lines) for lines in wrapped) + LINE * 0.3
        figure.add_artist(Line2D([LEFT, RIGHT], [self.y + LINE * 0.15] * 2, linewidth=0.3, color=RULE))

    def table(self, columns: Sequence[Col], rows: Sequence[Sequence[str]], empty: str = "") -> None:
        """A table whose header is repeated at the top of each page it runs onto."""
        if not rows:
            if empty:
                self.paragraph(empty, MUTED)
            return
        header = self._wrapped([col.label for col in columns], columns)
        figure = self._room(len(header) + 2)
        self._draw_row(figure, header, columns, header=True)
        for cells in rows:
            wrapped = self._wrapped(cells, columns)
            height = max(len(lines) for lines in wrapped) + 1
            if self.y - height * LINE < BOTTOM:
                figure = self.new_page()
                self._draw_row(figure, header, columns, header=True)
            self._draw_row(figure, wrapped, columns)
        self.y -= LINE * 0.5

    def chart_page(self, title: str, draw: Callable[[Figure], None]) -> None:
        """A page given over to charts: `draw(figure)` lays them out (e.g. in SubFigures)."""
        self.finish()
        self.pages += 1
        figure = Figure(figsize=A4_PORTRAIT, layout="constrained")
        figure.suptitle(title, x=LEFT, ha="left", fontsize=13)
        draw(figure)
        figure.text(RIGHT, 0.01, str(self.pages), fontsize=7, color=MUTED, ha="right")
        self.pdf.savefig(figure)

