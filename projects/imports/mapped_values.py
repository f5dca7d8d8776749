"""Values of the planning sheet mapped by hand: which columns' values may be mapped, what each value
may be mapped to, remembering the choices (import_values), and the command line's --map-value.

A category, status, township or village no reader knows (core.sheets.choices, projects.imports.values)
is a problem of the plan carrying an UnknownValue; the value-mapping page offers, for each, the codes
its column accepts (for a village named inside a township: that township's villages), and what is
chosen is remembered, so the next import of the same sheet reads it without asking.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import Flask

from core.i18n import _l
from core.sheets.cells import CellError
from core.sheets.choices import choice_key
from import_values.kinds import ValueKind, register
from import_values.services import remember
from projects.imports.columns import PROJECTS, field_for_header
from projects.imports.pipeline import area_labels, area_rows, load_lookups
from projects.imports.plan import UnknownValue
from projects.imports.values import AREA_KIND, AreaFinder
from projects.models import CATEGORIES, STATUSES

KIND_OF_FIELD = {"category": "category", "status": "status", "township": AREA_KIND, "area": AREA_KIND}


def area_choices() -> dict[str, str]:
    """{area code: "township · village"} in Chinese: what a township or village value may be mapped to."""
    labels = area_labels()
    return {row.code: labels[row.id] for row in sorted(area_rows(), key=lambda row: row.code)}


def register_value_kinds(app: Flask) -> None:
    """The project sheet's choice columns whose values can be mapped by hand and remembered."""
    register(app, ValueKind("category", _l("Project category"), lambda: CATEGORIES))
    register(app, ValueKind("status", _l("Project status"), lambda: STATUSES))
    register(app, ValueKind(AREA_KIND, _l("Township or village"), area_choices))


def value_options(unknowns: Iterable[UnknownValue]) -> dict[UnknownValue, dict[str, object]]:
    """{unknown value: {code: label}} of what each value may be mapped to."""
    values = list(unknowns)
    finder = AreaFinder(area_rows()) if any(value.kind == AREA_KIND for value in values) else None
    labels = area_choices() if finder is not None else {}
    options: dict[UnknownValue, dict[str, object]] = {}
    for value in values:
        if value.kind == AREA_KIND and finder is not None:
            options[value] = {code: labels[code] for code in finder.choices(value.scope, value.top_level)}
        else:
            options[value] = dict(CATEGORIES if value.kind == "category" else STATUSES)
    return options


def remember_values(chosen: Mapping[UnknownValue, str], actor=None) -> int:
    """Remember what each value means (in the caller's transaction); how many were remembered."""
    for value, code in chosen.items():
        shown = f"{value.scope}/{value.text}" if value.scope else value.text
        remember(value.kind, value.remembered_key, shown, code, actor=actor)
    return len(chosen)


class ValueMappingError(ValueError):
    """A --map-value option that cannot be used; the message says why."""


@dataclass(frozen=True)
class MappedValue:
    """A value mapped on the command line: the unknown value it stands for, and its code."""

    value: UnknownValue
    code: str


def parse_value_mapping(option: str) -> MappedValue:
    """COLUMN:VALUE=CODE, COLUMN being a field (category, status, township, area) or a header of the
    template, CODE a code, label or name the column accepts. A village mapped to a village of a
    township is remembered for that township, as the value-mapping page remembers it."""
    column, _, rest = option.partition(":")
    value, _, code = rest.rpartition("=")
    if not column.strip() or not choice_key(value) or not code.strip():
        raise ValueMappingError(f"use COLUMN:VALUE=CODE, not {option!r}")
    field = column.strip() if column.strip() in KIND_OF_FIELD else field_for_header(column, PROJECTS)
    if field not in KIND_OF_FIELD:
        raise ValueMappingError(f"{column!r} is not a column whose values can be mapped "
                                "(category, status, township, area)")
    kind = KIND_OF_FIELD[field]
    lookups = load_lookups(())
    if kind != AREA_KIND:
        index = lookups.categories if kind == "category" else lookups.statuses
        target = index.find(code.strip())
        if target is None:
            raise ValueMappingError(f"{code!r} is not a {kind} (use one of {', '.join(index.labels)})")
        return MappedValue(UnknownValue(kind, choice_key(value), value.strip()), target)
    try:
        area = next(row for row in lookups.areas.areas if row.id == lookups.areas.find(None, code))
    except CellError as error:
        raise ValueMappingError(f"{code!r}: {error.message}") from error
    parent = next((row for row in lookups.areas.areas if row.id == area.parent_id), None)
    scope = parent.code if parent is not None and field == "area" else ""
    return MappedValue(UnknownValue(kind, choice_key(value), value.strip(), scope, field == "township"), area.code)


def mapped_lookup(mapped: Iterable[MappedValue]) -> dict[str, dict[str, str]]:
    """{kind: {remembered key: code}} of values mapped now, as plan_import takes them."""
    found: dict[str, dict[str, str]] = {}
    for item in mapped:
        found.setdefault(item.value.kind, {})[item.value.remembered_key] = item.code
    return found
