"""Reading a project sheet's areas (township and village): by code or name, as county sheets write them.

An area is found by its code or its Chinese or English name, compared as core.sheets.choices folds
text (full-width, case, spaces and punctuation do not count). A sheet may leave off or add the
administrative suffix (泷泊 for 泷泊镇, 上梧江乡 for 上梧江瑶族乡, 阳明社区居委会 for 阳明社区:
core.sheets.synonyms.AREA_SUFFIXES), and a value someone mapped by hand on an earlier import is
remembered (import_values, kind "area"; a village named inside a township under "<township
code>/<value>"). An unknown area is refused naming it and the areas allowed there. Plain functions:
no Flask app, no database.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from flask_babel import get_locale

from core.i18n import _l
from core.sheets.cells import CellError, text_value
from core.sheets.choices import AllowedValues, choice_key
from core.sheets.synonyms import AREA_SUFFIXES

AREA_SEPARATORS = ("/", "·", "|")
AREA_KIND = "area"
_SUFFIX_KEYS = sorted({choice_key(suffix) for suffix in AREA_SUFFIXES}, key=len, reverse=True)


@dataclass(frozen=True)
class AreaRow:
    """What the import needs to know of an area."""

    id: int
    code: str
    name_zh: str
    name_en: str
    parent_id: Optional[int]


class AreaName:
    """An area's name in the language of whoever reads it."""

    def __init__(self, area: AreaRow):
        self.zh, self.en = area.name_zh, area.name_en

    def __str__(self) -> str:
        locale = get_locale()
        return self.zh if locale is not None and str(locale).startswith("zh") else self.en


def base_key(key: str) -> str:
    """A folded name without its administrative suffix ("泷泊镇" -> "泷泊"), or "" when it has none."""
    for suffix in _SUFFIX_KEYS:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return ""


def remembered_key(key: str, scope: str = "") -> str:
    """What a mapped area value is remembered under: its key, behind its township's code when it is a
    village named inside one."""
    return f"{scope}/{key}" if scope else key


class AreaFinder:
    """Finds an area by its code or name, inside a township when one is given (module docstring)."""

    def __init__(self, areas: Iterable[AreaRow], remembered: Optional[Mapping[str, str]] = None):
        self.areas = list(areas)
        self.by_code = {area.code: area for area in self.areas}
        self.exact: dict[str, list[AreaRow]] = {}
        self.base: dict[str, list[AreaRow]] = {}
        for area in self.areas:
            keys = {choice_key(area.code), choice_key(area.name_zh), choice_key(area.name_en)} - {""}
            for key in keys:
                self.exact.setdefault(key, []).append(area)
            for key in {base_key(key) for key in keys} - {""} - keys:
                self.base.setdefault(key, []).append(area)
        self.remembered = {key: self.by_code[code] for key, code in (remembered or {}).items() if code in self.by_code}

    def _find(self, text: str, parent: Optional[AreaRow] = None, top_level: bool = False) -> AreaRow:
        key = choice_key(text)
        levels = (self.exact.get(key, []), self._remembered(key, parent), self.base.get(base_key(key) or key, []))
        for candidates in levels:
            if parent is not None:
                candidates = [area for area in candidates if area.parent_id == parent.id]
            elif top_level and any(area.parent_id is None for area in candidates):
                candidates = [area for area in candidates if area.parent_id is None]
            if len(candidates) > 1:
                raise CellError(_l("More than one area is called %(name)s: give the township too, or the code.",
                                   name=text))
            if candidates:
                return candidates[0]
        raise self._unknown(text, key, parent, top_level)

    def _remembered(self, key: str, parent: Optional[AreaRow]) -> list[AreaRow]:
        found = self.remembered.get(remembered_key(key, parent.code if parent else ""))
        return [found] if found is not None else []

    def _unknown(self, text: str, key: str, parent: Optional[AreaRow], top_level: bool) -> UnknownArea:
        scope = parent.code if parent else ""
        if parent is None:
            message = _l("Unknown area: %(name)s. Townships: %(allowed)s.", name=text,
                         allowed=AllowedValues(self.choices(top_level=True)))
        else:
            message = _l("Unknown area: %(name)s in %(township)s. Its villages and communities: %(allowed)s.",
                         name=text, township=AreaName(parent), allowed=AllowedValues(self.choices(scope)))
        return UnknownArea(text, key, scope, top_level, message)

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
                raise _blamed("township" if town_pair[0] else "area", error) from error
        if not village:
            assert parent is not None  # no village: there is a town (refused above otherwise), found above
            return parent.id
        try:
            return self._find(village, parent=parent).id
        except CellError as error:
            raise _blamed("area" if village_pair[1] else "township", error) from error

    def choices(self, scope: str = "", top_level: bool = False) -> dict[str, AreaName]:
        """{code: name} of the areas a value may be mapped to: a township's villages (`scope`, its
        code), the townships (`top_level`), or every area."""
        parent = self.by_code.get(scope)
        return {area.code: AreaName(area) for area in self.areas
                if (area.parent_id == parent.id if parent is not None
                    else area.parent_id is None or not top_level)}


class AreaError(CellError):
    """An area that cannot be found; `cell` is "township" or "area", the column to blame."""

    def __init__(self, cell: str, message):
        super().__init__(message)
        self.cell = cell


class UnknownArea(AreaError):
    """An area no name, code or remembered value names: what the value-mapping step asks about
    (`kind`, the text as written, its key, the code of the township it was named in, if any, and
    whether it stands for a township)."""

    kind = AREA_KIND

    def __init__(self, text: str, key: str, scope: str, top_level: bool, message, cell: str = ""):
        super().__init__(cell, message)
        self.text, self.key, self.scope, self.top_level = text, key, scope, top_level


def _blamed(cell: str, error: CellError) -> AreaError:
    """The error as an AreaError blaming `cell` (an unknown area keeps what the mapping step needs)."""
    if isinstance(error, UnknownArea):
        return UnknownArea(error.text, error.key, error.scope, error.top_level, error.message, cell)
    return AreaError(cell, error.message)


def _pair(value: Any, plain_is_village: bool) -> tuple[str, str]:
    """(township, village) from a cell holding "乡镇/村"; a plain cell is one or the other."""
    text = unicodedata.normalize("NFKC", text_value(value, max_length=300))
    for separator in AREA_SEPARATORS:
        if separator in text:
            town, _, village = text.partition(separator)
            return town.strip(), village.strip()
    return ("", text.strip()) if plain_is_village else (text.strip(), "")
