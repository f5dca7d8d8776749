"""Name points on a chart without labels hiding each other, the points, or running off the axes.

`place_labels` is plain geometry: for each point in turn (the most important first) it tries a few
positions around the point — right, left, above, below, the corners, then the same a little further
out — and keeps the first whose box stays inside the axes and touches no label already placed and no
point. A label that fits nowhere is left for the caller to name another way (a note under the chart).
`label_points` does it on a drawn matplotlib Axes (display units: pixels of the laid-out figure).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

GAP = 3.0  # pixels between a point and its label
MARKER = 3.5  # half the size of a point's box, in pixels


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: left, bottom, right, top."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share more than an edge."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, outer: Box) -> bool:
        """True when this box lies wholly within `outer`."""
        return outer.x0 <= self.x0 and self.x1 <= outer.x1 and outer.y0 <= self.y0 and self.y1 <= outer.y1


def _candidates(x: float, y: float, width: float, height: float) -> list[tuple[float, float]]:
    """Lower-left corners to try for a label of that size next to the point (x, y), nearest first."""
    corners = []
    for reach in (GAP, GAP * 4, GAP * 8):
        corners += [(x + reach, y - height / 2), (x - reach - width, y - height / 2),
                    (x - width / 2, y + reach), (x - width / 2, y - reach - height),
                    (x + reach, y + reach), (x + reach, y - reach - height),
                    (x - reach - width, y + reach), (x - reach - width, y - reach - height)]
    return corners


def place_labels(points: Sequence[tuple[float, float]], sizes: Sequence[tuple[float, float]], bounds: Box,
                 others: Sequence[tuple[float, float]] = ()) -> list[Optional[tuple[float, float]]]:
    """For each point with a label of (width, height), the offset of the label's lower-left corner from
    the point, or None where no position fits. `others` are further points labels must not cover."""
    taken = [Box(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for x, y in [*points, *others]]
    offsets: list[Optional[tuple[float, float]]] = []
    for (x, y), (width, height) in zip(points, sizes):
        chosen = None
        for left, bottom in _candidates(x, y, width, height):
            box = Box(left, bottom, left + width, bottom + height)
            if box.inside(bounds) and not any(box.overlaps(other) for other in taken):
                chosen = (left - x, bottom - y)
                taken.append(box)
                break
        offsets.append(chosen)
    return offsets


def label_points(ax, points: Sequence[tuple[float, float, str]], others: Sequence[tuple[float, float]] = (),
                 **text_style) -> list[str]:
    """Annotate the data points (x, y, label) of a drawn Axes where each fits; return the labels that
    did not fit anywhere. Call it when everything else is drawn: the figure is laid out first, and the
    labels are left out of its layout, so the axes do not move under them. Offsets are kept in points,
    so they hold at any resolution the figure is saved at (a PNG at 100 dpi, a PDF at 72)."""
    root = ax.get_figure(root=True)
    root.draw_without_rendering()
    points_per_pixel = 72 / root.dpi
    to_pixels = ax.transData.transform
    frame = ax.get_window_extent()
    bounds = Box(frame.x0, frame.y0, frame.x1, frame.y1)
    texts, anchors, sizes = [], [], []
    for x, y, label in points:
        text = ax.annotate(label, (x, y), xytext=(0, 0), textcoords="offset points", va="bottom", ha="left",
                           annotation_clip=False, **text_style)
        text.set_in_layout(False)
        extent = text.get_window_extent()
        texts.append(text)
        anchors.append(tuple(to_pixels((x, y))))
        sizes.append((extent.width, extent.height))
    offsets = place_labels(anchors, sizes, bounds, [tuple(to_pixels(point)) for point in others])
    left_out = []
    for text, offset, (_x, _y, label) in zip(texts, offsets, points):
        if offset is None:
            text.remove()
            left_out.append(label)
        else:
            text.xyann = (offset[0] * points_per_pixel, offset[1] * points_per_pixel)
    return left_out
