"""Time: every timestamp column stores naive UTC; people read it in the county's time zone.

    utcnow()                        -> naive UTC now, the form every timestamp column stores
    local_time(stored)              -> the same moment, aware, in the county's zone (Beijing time by default)
    format_time(stored)             -> '2026-03-02 04:30' in the county's zone; '' for None
    utc_start_of_local_day(day)     -> the naive UTC moment the county's `day` begins (for filters)

The zone is configuration (`TIME_ZONE`, from LIANDONG_TIME_ZONE; default Asia/Shanghai, i.e. Beijing
time, UTC+8 without daylight saving). Pages, exports and messages all go through `format_time`, so
no page shows UTC and the zone is named once, in the page footer (`zone_is_beijing` tells which words).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Optional
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"
# The names the IANA database gives China Standard Time (Beijing time).
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})
MINUTES, SECONDS = "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"


def utcnow() -> datetime:
    """Naive UTC now, the form every timestamp column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    """The time zone of that IANA name (ZoneInfoNotFoundError for an unknown one)."""
    return ZoneInfo(name)


def zone_name() -> str:
    """The county's configured zone name (the default outside an app)."""
    if has_app_context():
        return str(current_app.config.get("TIME_ZONE") or DEFAULT_ZONE)
    return DEFAULT_ZONE


def zone_is_beijing() -> bool:
    """True when the county's zone is Beijing time (the footer then says so in those words)."""
    return zone_name() in BEIJING_ZONES


def local_time(stored: Optional[datetime], zone_of: Optional[str] = None) -> Optional[datetime]:
    """A stored naive-UTC moment (or an aware one) in the county's zone; None stays None."""
    if stored is None:
        return None
    aware = stored if stored.tzinfo is not None else stored.replace(tzinfo=UTC)
    return aware.astimezone(zone(zone_of or zone_name()))


def format_time(stored: Optional[datetime], seconds: bool = False, zone_of: Optional[str] = None) -> str:
    """A stored moment as the county reads it: '2026-03-02 04:30' (with seconds when asked); '' for None."""
    moment = local_time(stored, zone_of)
    return "" if moment is None else moment.strftime(SECONDS if seconds else MINUTES)


def local_day(stored: Optional[datetime], zone_of: Optional[str] = None) -> Optional[date]:
    """The county's calendar day of a stored moment (an event at 20:00 UTC is the next day in Beijing)."""
    moment = local_time(stored, zone_of)
    return None if moment is None else moment.date()


def utc_start_of_local_day(day: date, zone_of: Optional[str] = None) -> datetime:
    """The naive UTC moment at which the county's `day` begins, to compare with stored timestamps."""
    start = datetime.combine(day, time(), tzinfo=zone(zone_of or zone_name()))
    return start.astimezone(UTC).replace(tzinfo=None)


def utc_offset_text(zone_of: Optional[str] = None, at: Optional[datetime] = None) -> str:
    """The zone's offset from UTC now (or `at`), e.g. '+08:00'."""
    moment = (at or datetime.now(UTC)).astimezone(zone(zone_of or zone_name()))
    text = moment.strftime("%z")  # '+0800'
    return f"{text[:3]}:{text[3:]}"
