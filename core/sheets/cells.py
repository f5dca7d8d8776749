"""Reading one spreadsheet cell as a value: text, date, amount, number; and headers (choices: core.sheets.choices).

Every spreadsheet import (projects, statements, and those that come later) reads its cells with these:
each reader takes what the spreadsheet gave (text, int, float, date, or None for an empty cell) and
returns the value, or raises CellError with a translatable message. Numbers from numeric cells are
made exact with Decimal(str(value)); no float arithmetic ever touches an amount. Text is compared
folded (`fold`). Plain functions: no Flask app, no database.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

from core.dates import DateProblem, parse_day
from core.forms import MONEY_MESSAGES
from core.i18n import _l
from core.money import MoneyError, parse_amount
from core.sheets.tables import restore_neutralised
from core.text import fold_width

_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(.*)$")
_WHOLE = re.compile(r"^[0-9]+(\.0*)?$")
_BRACKETS = re.compile(r"[(\[{]([^)\]}]*)[)\]}]")


class CellError(ValueError):
    """A cell that cannot be read as the value its column holds; `message` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _number(value: Any) -> Optional[Decimal]:
    """The exact Decimal of a numeric cell, or None when the cell is not numeric."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return Decimal(str(value))


def is_blank(value: Any) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_value(value: Any, max_length: int = 200) -> str:
    """The cell as trimmed text; a whole number in a numeric cell reads without ".0"."""
    if is_blank(value):
        return ""
    number = _number(value)
    if number is not None:
        text = format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    else:
        text = str(restore_neutralised(value)).strip()
    if len(text) > max_length:
        raise CellError(_l("At most %(n)d characters.", n=max_length))
    return text


def date_value(value: Any) -> Optional[date]:
    """A date cell, or text such as 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 or 20260301."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_day(text_value(value))
    except DateProblem as problem:
        raise CellError(problem.message) from None


def amount_value(value: Any, unit: str = "yuan") -> Optional[int]:
    """Fen in an amount cell in yuan or 万元 (`unit` "wan"), typed as in the forms or a numeric cell."""
    if is_blank(value):
        return None
    number = _number(value)
    text = format(number, "f") if number is not None else str(value)
    try:
        return parse_amount(text, unit=unit)
    except MoneyError as error:
        raise CellError(MONEY_MESSAGES[error.code]) from error


def quantity_value(value: Any) -> tuple[Optional[Decimal], str]:
    """A scale: a number, optionally followed by its unit ("12.5公里" -> (12.5, "公里"))."""
    if is_blank(value):
        return None, ""
    number = _number(value)
    unit = ""
    if number is None:
        text = fold_width(str(value)).replace(",", "").strip()
        if text.startswith("-"):
            raise CellError(_l("The scale cannot be negative."))
        match = _QUANTITY.match(text)
        if not match:
            raise CellError(_l("Not a number."))
        number, unit = Decimal(match.group(1)), match.group(2).strip()
    if number < 0:
        raise CellError(_l("The scale cannot be negative."))
    if number != number.quantize(Decimal("0.001")) or number >= 10**11:
        raise CellError(_l("The scale has at most 3 decimals and 11 digits before the point."))
    return number, unit


def whole_number(value: Any, low: int, high: int) -> Optional[int]:
    """A whole number from `low` to `high` ("80%" reads as 80)."""
    if is_blank(value):
        return None
    number = _number(value)
    if number is None:
        text = fold_width(str(value)).strip().rstrip("%").strip()
        number = Decimal(text) if _WHOLE.match(text) else None
    if number is None or number != number.to_integral_value() or not low <= number <= high:
        raise CellError(_l("A whole number from %(low)d to %(high)d.", low=low, high=high))
    return int(number)


def fold(text: object) -> str:
    """Text folded for comparison: full-width to ASCII, case folded, all spaces removed."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return "".join(folded.split())


def split_header(header: str) -> tuple[str, str]:
    """A header's name and its unit: "总投资（万元）" -> ("总投资", "万元"); "Budget, yuan" -> ("budget", "yuan")."""
    folded = fold(header).rstrip("*:：")
    units = " ".join(_BRACKETS.findall(folded))
    name = _BRACKETS.sub("", folded)
    for suffix in ("/万元", "万元", "/元", "元"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name, units = name[: -len(suffix)], f"{units} {suffix.strip('/')}"
            break
    if "," in name and not units:
        name, _, units = name.partition(",")
    return name.strip("/_-"), units.strip()
