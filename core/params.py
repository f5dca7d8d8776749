"""Numbers and dates from query strings and URLs, read one way everywhere and bounded.

A database id is a signed 64-bit integer: `?area=99999999999999999999` or a 20-digit id in a path
is not a record that could exist, and passed on it overflows the driver (a 500). So path ids use a
bounded converter (anything larger is a 404, like any missing record), and query-string numbers
go through `query_int`, which answers 400 with a message naming the parameter when the value is
not a whole number in its range. An absent or empty parameter is simply not given (None).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NoReturn, Optional, overload

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from core.dates import DateProblem, parse_day, parse_month

# Record ids are INTEGER columns: PostgreSQL refuses a larger number in a query ("integer out of
# range"), which would answer 500. SQLite takes 64 bits, but no id gets near 2**31 either.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes: 0 .. 2**31-1 (a larger number matches no route: 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install(app) -> None:
    """Make every `<int:...>` route argument bounded."""
    app.url_map.converters["int"] = BoundedIntConverter


class ParameterRefused(BadRequest):
    """A 400 whose description is written for people: the error page shows it."""

    liandong = True


def refuse(message: str) -> NoReturn:
    """Answer 400 with `message` shown on the error page."""
    raise ParameterRefused(description=message)


def query_int(name: str, *, low: int = 1, high: int = MAX_ID,
              args: Optional[Mapping[str, str]] = None) -> Optional[int]:
    """The query parameter `name` as an int in low..high; None when absent or empty; 400 otherwise."""
    text = ((args if args is not None else request.args).get(name) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 20 or not low <= int(text) <= high:
        refuse(_("The parameter %(name)s must be a whole number from %(low)d to %(high)d.",
                 name=name, low=low, high=high))
    return int(text)


@overload
def query_day(name: str, *, low: date, high: date, default: date,
              args: Optional[Mapping[str, str]] = None) -> date: ...


@overload
def query_day(name: str, *, low: date, high: date, default: None = None,
              args: Optional[Mapping[str, str]] = None) -> Optional[date]: ...


def query_day(name: str, *, low: date, high: date, default: Optional[date] = None,
              args: Optional[Mapping[str, str]] = None) -> Optional[date]:
    """The query parameter `name` as a date in low..high; `default` when absent; 400 otherwise."""
    text = ((args if args is not None else request.args).get(name) or "").strip()
    if not text:
        return default
    try:
        day = parse_day(text[:40])
    except DateProblem as problem:
        refuse(f"{name}: {problem.message}")
    if not low <= day <= high:
        refuse(_("The parameter %(name)s must be a date from %(low)s to %(high)s.", name=name,
                 low=low.isoformat(), high=high.isoformat()))
    return day


def query_month(name: str, args: Optional[Mapping[str, str]] = None) -> Optional[int]:
    """The query parameter `name` as a yyyymm month, written any way core.dates.parse_month reads
    (2026-03, 2026/3, 202603, 2026年3月); None when absent or empty; 400 otherwise."""
    text = ((args if args is not None else request.args).get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_month(text)
    except DateProblem as problem:
        refuse(f"{name}: {problem.message}")
