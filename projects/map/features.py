"""What the map draws: each positioned project as a marker (plain JSON data, never HTML: the page's
script puts every text in with textContent), and the county's outline and towns."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from core.money import format_basis_points
from core.units import with_unit
from projects.models import STATUSES, Area, Project

SHIPPED_OUTLINE = Path(__file__).with_name("county.geojson")


def marker(project: Project, area: Area, township: Optional[Area], late: bool, locale: str, unit: str,
           url: str) -> dict[str, Any]:
    """A project's marker: where, what, how far, how much (texts in the reader's language and unit)."""
    place = area.name(locale) if township is None else f"{township.name(locale)} · {area.name(locale)}"
    return {"id": project.id, "code": project.code, "name": project.name, "place": place,
            "status": project.status, "status_label": str(STATUSES.get(project.status, project.status)),
            "late": bool(late), "progress": format_basis_points(project.progress_bp),
            "budget": with_unit(project.budget_fen, unit), "spent": with_unit(project.spent_fen, unit),
            "longitude": float(project.longitude or 0), "latitude": float(project.latitude or 0), "url": url}


@lru_cache(maxsize=4)
def county_outline(path: str) -> dict[str, Any]:
    """The county's GeoJSON (outline polygon and town points) from `path`, read once per process."""
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{path} is not a GeoJSON FeatureCollection")
    return data


def town_points(path: str) -> dict[str, tuple[float, float]]:
    """{town code: (longitude, latitude)} of the outline's town points (the demo places projects by them)."""
    return {feature["properties"]["code"]: tuple(feature["geometry"]["coordinates"])
            for feature in county_outline(path)["features"] if feature["properties"].get("kind") == "town"}
