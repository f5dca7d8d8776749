"""Reading one spreadsheet cell as a project's value: text, date, amount, number, choice, area.

Each reader takes what the spreadsheet gave (text, int, float, date, or None for an empty cell) and
returns the value, or raises CellError with a translatable message. Numbers from numeric cells are
made exact with Decimal(str(value)); no float arithmetic ever touches an amount. Plain functions:
no Flask app, no database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Optional

from flask_babel import lazy_gettext as _l

from core.forms import MONEY_MESSAGES
from core.money import MoneyError, parse_amount
from core.text import fold_width
from core.spreadsheets import restore_neutralised
from projects.import_columns import fold

_DATE_PATTERNS = (
    re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$"),
    re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$"),
)
_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(.*)$")
_WHOLE = re.compile(r"^[0-9]+(\.0*)?$")
AREA_SEPARATORS = ("/", "·", "|")


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
    text = fold_width(text_value(value)).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:  # well written, but no such day (30 February, month 13)
                raise CellError(_l("%(text)s is not a day of the calendar; write a date such as 2026-03-01.", text=text)) from None
    raise CellError(_l("Not a date: write it as 2026-03-01."))


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


def choice_index(labels: dict[str, Iterable[object]]) -> dict[str, str]:
    """{folded code or label: code} from {code: labels in each language}."""
    index: dict[str, str] = {}
    for code, names in labels.items():
        for name in (code, *names):
            index.setdefault(fold(name), code)
    return index


def choice_value(value: Any, index: dict[str, str], message) -> Optional[str]:
    """The code a cell names by its code or by its label in either language; `message` when unknown."""
    if is_blank(value):
        return None
    code = index.get(fold(text_value(value)))
    if code is None:
        raise CellError(message)
    return code


@dataclass(frozen=True)
class AreaRow:
    """What the import needs to know of an area."""

    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: Optional[int]


class AreaFinder:
    """Finds an area by its code or its Chinese or English name, inside a township when one is given."""

    def __init__(self, areas: Iterable[AreaRow]):
        self.by_name: dict[str, list[AreaRow]] = {}
        for area in areas:
            for name in {fold(area.code), fold(area.name_zh), fold(area.name_en)}:
                self.by_name.setdefault(name, []).append(area)

    def _find(self, text: str, parent_id: Optional[int] = None, top_level: bool = False) -> AreaRow:
        candidates = self.by_name.get(fold(text), [])
        if parent_id is not None:
            candidates = [area for area in candidates if area.parent_id == parent_id]
        elif top_level and any(area.parent_id is None for area in candidates):
            candidates = [area for area in candidates if area.parent_id is None]
        if not candidates:
            raise CellError(_l("Unknown area: %(name)s.", name=text))
        if len(candidates) > 1:
            raise CellError(_l("More than one area is called %(name)s: give the township too, or the code.",
                               name=text))
        return candidates[0]

    def find(self, township: Any, area: Any) -> int:
        """The id of the area named by the township cell and the village cell; either may hold
        "乡镇/村", and a plain code or name in the village cell may be any area. Raises AreaError
        naming the cell at fault ("township" or "area")."""
        town_pair, village_pair = _pair(township, plain_is_village=False), _pair(area, plain_is_village=True)
        town = town_pair[0] or village_pair[0]
        village = village_pair[1] or town_pair[1]
        if not town and not village:
            raise AreaError("township", _l("Enter the township or the village."))
        parent = None
        if town:
            try:
                parent = self._find(town, top_level=True)
            except CellError as error:
                raise AreaError("township" if town_pair[0] else "area", error.message) from error
        if not village:
            return parent.id
        try:
            return self._find(village, parent_id=parent.id if parent else None).id
        except CellError as error:
            raise AreaError("area" if village_pair[1] else "township", error.message) from error


class AreaError(CellError):
    """An area that cannot be found; `cell` is "township" or "area", the column to blame."""

    def __init__(self, cell: str, message):
        super().__init__(message)
        self.cell = cell


def _pair(value: Any, plain_is_village: bool) -> tuple[str, str]:
    """(township, village) from a cell holding "乡镇/村"; a plain cell is one or the other."""
    text = unicodedata.normalize("NFKC", text_value(value, max_length=300))
    for separator in AREA_SEPARATORS:
        if separator in text:
            town, _, village = text.partition(separator)
            return town.strip(), village.strip()
    return ("", text.strip()) if plain_is_village else (text.strip(), "")
