"""Reading a project sheet's cells: the generic readers (core.sheets.cells), and areas (township/village).

Each reader takes what the spreadsheet gave (text, int, float, date, or None for an empty cell) and
returns the value, or raises CellError with a translatable message. Numbers from numeric cells are
made exact with Decimal(str(value)); no float arithmetic ever touches an amount. Plain functions:
no Flask app, no database.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional

from core.i18n import _l
from core.sheets.cells import CellError, fold, text_value

AREA_SEPARATORS = ("/", "·", "|")


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
            assert parent is not None  # no village: there is a town (refused above otherwise), found above
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
