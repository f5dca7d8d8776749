"""Illustrative positions of the demo's projects: near their town's point on the shipped county outline
(projects/map/county.geojson), spread so that markers do not sit on each other. Every sixth project
is left without one, so the map shows that some projects have no position yet."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from projects.map.features import SHIPPED_OUTLINE, town_points
from projects.positions import six_places

STEP = 0.006  # degrees: some 600 m


def demo_position(number: int, area_code: str) -> tuple[Optional[Decimal], Optional[Decimal]]:
    """(longitude, latitude) of demo project `number` in the area `area_code` ("JC" or "JC-DT"), or
    (None, None) for every sixth project."""
    if number % 6 == 0:
        return None, None
    town = town_points(str(SHIPPED_OUTLINE))[area_code.split("-")[0]]
    east, north = (number * 7) % 9 - 4, (number * 5) % 7 - 3
    return (six_places(Decimal(repr(town[0] + east * STEP))), six_places(Decimal(repr(town[1] + north * STEP))))
