"""Cell values as an .xlsx stores them, turned into Python values exactly as openpyxl 3.1 turns them.

The reader replaced openpyxl, and every caller was written against what openpyxl returned, so the
rules are openpyxl's, copied rather than improved: a number is an int unless its text has a point or
an exponent; a number is a date when its cell's style has a date format (built-in formats 14-22 and
45-47, or a custom format with a date or time code outside quotes and brackets), a duration when the
format is [h]:mm:ss-like, and a serial that no date can hold reads as the error text #VALUE!.
Formats 27-36 and 50-58, which East Asian Excel shows as dates without storing their code, stay
numbers, as they did with openpyxl.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Optional, Union

WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)  # workbooks saved with the 1904 date system (old Excel for Mac)
SECONDS_PER_DAY = 86_400
OUT_OF_RANGE = "#VALUE!"

# The built-in number formats that are dates or times (openpyxl.styles.numbers.BUILTIN_FORMATS).
BUILTIN_DATE_FORMATS = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
                        19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 45: "mm:ss",
                        46: "[h]:mm:ss", 47: "mmss.0"}
_LITERAL_OR_LOCALE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_CODE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_ISO_MOMENT = re.compile(r"""
(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?
(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?""", re.VERBOSE)
_ISO_DURATION = re.compile(r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?")

Moment = Union[date, datetime, time, timedelta]


def is_date_format(code: Optional[str]) -> bool:
    """True when a number format shows a date or a time (only its first section counts)."""
    if code is None:
        return False
    return _DATE_CODE.search(_LITERAL_OR_LOCALE.sub("", code.split(";")[0])) is not None


def is_duration_format(code: Optional[str]) -> bool:
    """True when a number format shows elapsed time, such as [h]:mm:ss."""
    return code is not None and _DURATION.search(code.split(";")[0]) is not None


def number(text: str) -> Union[int, float]:
    """A number cell's text as openpyxl reads it: "3" -> 3, "3.0" and "3E0" -> 3.0."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def from_serial(value: Union[int, float], epoch: datetime, duration: bool = False) -> Union[Moment, str]:
    """An Excel serial day number as a datetime, a time (below 1), or a timedelta for a duration;
    #VALUE! when no date can hold it."""
    try:
        return _from_serial(value, epoch, duration)
    except (OverflowError, ValueError):
        return OUT_OF_RANGE


def _from_serial(value: Union[int, float], epoch: datetime, duration: bool) -> Moment:
    if duration:
        span = timedelta(days=value)
        if span.microseconds:  # openpyxl rounds to the millisecond
            span = timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
        return span
    day, fraction = divmod(value, 1)
    offset = timedelta(milliseconds=round(fraction * SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and offset.days == 0:
        minutes, seconds = divmod(offset.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return time(hours, minutes, seconds, offset.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel counts a 29 February 1900 that never was
    return epoch + timedelta(days=day) + offset


def from_iso8601(text: str) -> Moment:
    """A cell of type d (an ISO 8601 date, time, date and time, or PTnHnMnS duration)."""
    match = _ISO_MOMENT.match(text)
    if match and any(match.groups()):
        parts = match.groupdict()  # a part left out is None (every group matches one digit or more)
        year, month, day, hour, minute, second = (int(parts[key] or 0) for key in (
            "year", "month", "day", "hour", "minute", "second"))
        microsecond = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return time(hour, minute, second, microsecond)
        if not parts["time"]:
            return date(year, month, day)
        return datetime(year, month, day, hour, minute, second, microsecond)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        return timedelta(**{key: float(value) for key, value in match.groupdict(0).items() if value})
    raise ValueError(f"not an ISO 8601 date: {text[:40]!r}")
