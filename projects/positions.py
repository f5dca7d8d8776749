"""Where a project is: a WGS84 longitude and latitude inside the county, or no position at all.

    County.parse("111.45,25.50,112.00,26.25")   -> the county's bounding box (LIANDONG_COUNTY_BBOX)
    position_problems(lon, lat, county)          -> {field: why} (both or neither, inside the box)
    gcj02_to_wgs84(lon, lat)                     -> the WGS84 point a GCJ-02 point was shifted from

Positions are stored as WGS84 (what GPS receivers and OC4IDS's GeoJSON geometry use). Chinese web maps
(AMap/高德, Tencent, most phone map pickers) show GCJ-02, a coordinate system shifted from WGS84 by a
published obfuscation of a few hundred metres that varies with the place. Nothing in a pair of numbers
says which system it is in: inside a county the shift is smaller than the county, so a GCJ-02 point looks
exactly like a WGS84 point 300-600 m away. Liandong therefore does not guess: the form asks which system
the numbers come from (WGS84 by default), converts GCJ-02 with the standard inverse transform and says
so; the spreadsheet reads WGS84, as its template note says.

Plain Python: no Flask, no database.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, Optional

from core.i18n import _l

# Shuangpai county (双牌县), Yongzhou, Hunan, generously boxed: the demo county (README).
DEFAULT_COUNTY_BBOX = "111.45,25.50,112.00,26.25"
PLACES = Decimal("0.000001")  # Numeric(9, 6): about 0.1 m
WGS84, GCJ02 = "wgs84", "gcj02"
COORDINATE_SYSTEMS = {WGS84: _l("WGS84 (GPS, surveys, OC4IDS)"),
                      GCJ02: _l("GCJ-02 (AMap/高德, Tencent and phone map pickers)")}


@dataclass(frozen=True)
class County:
    """The county's bounding box in WGS84 degrees."""

    min_lon: Decimal
    min_lat: Decimal
    max_lon: Decimal
    max_lat: Decimal

    @classmethod
    def parse(cls, text: str) -> County:
        """Read "minlon,minlat,maxlon,maxlat"; ValueError when it is not a box on the globe."""
        try:
            parts = [Decimal(part.strip()) for part in text.split(",")]
        except InvalidOperation:
            raise ValueError(f"LIANDONG_COUNTY_BBOX is not four numbers: {text!r}") from None
        if len(parts) != 4:
            raise ValueError(f"LIANDONG_COUNTY_BBOX needs minlon,minlat,maxlon,maxlat: {text!r}")
        box = cls(*parts)
        if not (-180 <= box.min_lon < box.max_lon <= 180 and -90 <= box.min_lat < box.max_lat <= 90):
            raise ValueError(f"LIANDONG_COUNTY_BBOX is not a box of longitudes and latitudes: {text!r}")
        return box

    def as_list(self) -> list[float]:
        """[minlon, minlat, maxlon, maxlat] for the map's JavaScript."""
        return [float(self.min_lon), float(self.min_lat), float(self.max_lon), float(self.max_lat)]


def six_places(value: Decimal) -> Decimal:
    """A coordinate to the six places stored."""
    return Decimal(value).quantize(PLACES, rounding=ROUND_HALF_EVEN)


def rounded(value: Optional[Decimal]) -> Optional[Decimal]:
    """six_places, None staying None."""
    return None if value is None else six_places(value)


def position_problems(longitude: Optional[Decimal], latitude: Optional[Decimal], county: County) -> dict[str, Any]:
    """{field: why} for a position that cannot be stored: one coordinate without the other, or a point
    outside the county's box (each field named on its own)."""
    if longitude is None and latitude is None:
        return {}
    if longitude is None:
        return {"longitude": _l("Enter the longitude too, or clear the latitude: a position needs both.")}
    if latitude is None:
        return {"latitude": _l("Enter the latitude too, or clear the longitude: a position needs both.")}
    problems: dict[str, Any] = {}
    if not county.min_lon <= longitude <= county.max_lon:
        problems["longitude"] = _l("Longitude %(value)s is outside the county (%(low)s to %(high)s east). "
                                   "Longitude and latitude swapped?", value=str(longitude),
                                   low=str(county.min_lon), high=str(county.max_lon))
    if not county.min_lat <= latitude <= county.max_lat:
        problems["latitude"] = _l("Latitude %(value)s is outside the county (%(low)s to %(high)s north).",
                                  value=str(latitude), low=str(county.min_lat), high=str(county.max_lat))
    return problems


# The GCJ-02 obfuscation as published (Krasovsky 1940 ellipsoid), used by every open implementation.
_A = 6378245.0
_EE = 0.00669342162296594323


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 point a Chinese web map shows for the WGS84 point (lon, lat) (inside China)."""
    d_lat = _shift_lat(lon - 105.0, lat - 35.0)
    d_lon = _shift_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """The WGS84 point whose GCJ-02 shift is (lon, lat): the forward transform inverted by fixed-point
    iteration, to well under a centimetre (the one-step inverse many libraries use errs by metres)."""
    wgs_lon, wgs_lat = lon, lat
    for _ in range(30):
        shifted_lon, shifted_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        error_lon, error_lat = shifted_lon - lon, shifted_lat - lat
        wgs_lon, wgs_lat = wgs_lon - error_lon, wgs_lat - error_lat
        if abs(error_lon) < 1e-10 and abs(error_lat) < 1e-10:
            break
    return wgs_lon, wgs_lat


def converted(longitude: Decimal, latitude: Decimal, system: str) -> tuple[Decimal, Decimal]:
    """The stored (WGS84, six places) coordinates of a point typed in `system`."""
    if system != GCJ02:
        return six_places(longitude), six_places(latitude)
    lon, lat = gcj02_to_wgs84(float(longitude), float(latitude))
    return six_places(Decimal(repr(lon))), six_places(Decimal(repr(lat)))


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The distance between two nearby points in metres (equirectangular: right to a metre here)."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371000.0 * math.hypot(x, math.radians(lat2 - lat1))
