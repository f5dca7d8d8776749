"""Reading a projects sheet into ProjectRows: each cell read, each rule of projects.services checked
(as check_project_input does, but against lookups loaded once, not a query per row), each row
compared with the stored project of the same code. Plain Python, no database.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any, Optional

from core.i18n import _l
from core.sheets.cells import (
    CellError,
    amount_value,
    date_value,
    is_blank,
    quantity_value,
    text_value,
    whole_number,
)
from core.sheets.tables import Sheet
from core.text import fold_width
from projects import lifecycle
from projects.imports.contract_rows import read_contract_on_project
from projects.imports.plan import (
    CHANGED,
    LATE_STATUSES,
    MISSING,
    NEW,
    UNCHANGED,
    ImportPlan,
    Lookups,
    ProjectRow,
    SheetMapping,
    SheetReader,
    missing_columns,
    unknown_value,
)
from projects.imports.values import AreaError
from projects.models import STATUSES
from projects.positions import position_problems, six_places
from projects.services import (
    PROJECT_FIELDS,
    ProjectInput,
    county_box,
    entered_past_proposal_problems,
    new_status_problems,
)

TEXT_LIMITS = {"name": 200, "responsible_unit": 200, "contractor": 200, "description": 4000}
BLANK_KEEPS = ("actual_start", "actual_end")  # facts: a blank cell does not erase them
EMPTY_PROJECT: dict[str, Any] = dict.fromkeys(PROJECT_FIELDS) | {
    "scale_unit": None, "responsible_unit": "", "contractor": "", "description": ""}
EMPTY_LIBRARY: dict[str, Any] = {"nature": None, "beneficiaries": "", "beneficiary_count": None,
                                 "beneficiary_poverty_count": None, "beneficiary_monitored_count": None,
                                 "benefit_linkage": "", "library_year": None}
LIBRARY_TEXT_LIMITS = {"beneficiaries": 2000, "benefit_linkage": 4000}
MAX_PEOPLE = 100_000_000
_DEGREES = re.compile(r"^-?[0-9]{1,3}(\.[0-9]+)?$")


def read_project_sheet(sheet: Sheet, mapping: SheetMapping, lookups: Lookups, plan: ImportPlan) -> None:
    """Add a ProjectRow to `plan` for each good row of a projects sheet, a Problem for each bad cell."""
    reader = SheetReader(sheet, mapping, plan.problems)
    seen: dict[str, int] = {row.code: row.row for row in plan.projects}
    any_new = False
    for number, values in sheet.rows:
        reader.start(number, values)
        code = reader.read("code", text_value, 32, required=_l("Enter a project code."))
        if code and code in seen:
            reader.problem("code", _l("The code %(code)s is also on row %(row)d.", code=code, row=seen[code]))
            code = None  # still read the other cells, to report their problems too
        elif code:
            seen[code] = number
            plan.codes_in_file.add(code)
        existing = lookups.projects.get(code) if code else None
        values_read = _read_values(reader, lookups, existing.values if existing else EMPTY_PROJECT, code)
        library = _read_library(reader, lookups, existing.library if existing else EMPTY_LIBRARY)
        target = reader.read("status", lookups.statuses)
        reason = reader.read("change_reason", text_value, 1000)
        read_contract_on_project(reader, code or "", values_read.get("contractor") or "",
                                 "" if reason in (MISSING, None) else reason, plan)
        if reader.failed:
            continue
        row = ProjectRow(sheet.title, number, ProjectInput(**values_read, status="proposed"),
                         reason="" if reason is MISSING or reason is None else reason,
                         status_column=reader.header("status"), library=library)
        target = None if target is MISSING else target
        if existing is None:
            any_new = True
            _plan_new(row, reader, target)
        else:
            row.library_changed = library != existing.library
            _plan_update(row, reader, existing, target)
        if library["library_year"] is not None and row.final_status in ("proposed", "cancelled") and (
                existing is None or library["library_year"] != existing.library["library_year"]):
            reader.problem("library_year", _l("Only an approved project is in the library: leave its year empty."))
        if not reader.failed:
            plan.projects.append(row)
    missing_columns(sheet, mapping, any_new, plan.problems)


def _read_values(reader: SheetReader, lookups: Lookups, stored: dict[str, Any], code: Optional[str]) -> dict[str, Any]:
    """The row's project fields: read where the column is mapped, the stored (or empty) value elsewhere."""
    values = dict(stored, code=code or "")
    for key, limit in TEXT_LIMITS.items():
        required = _l("Enter the project name.") if key == "name" else None
        _put(values, key, reader.read(key, text_value, limit, required=required))
    _put(values, "category", reader.read("category", lookups.categories, required=_l("Enter the category.")))
    _read_area(reader, lookups, values)
    _read_scale(reader, values)
    _read_budget(reader, values)
    _read_position(reader, values)
    for key in ("planned_start", "planned_end", "actual_start", "actual_end"):
        value = reader.read(key, date_value)
        if value is not None or key not in BLANK_KEEPS:
            _put(values, key, value)
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if values[start] and values[end] and values[end] < values[start]:
            reader.problem(end if reader.has(end) else start, _l("The end date is before the start date."))
    return values


def _read_library(reader: SheetReader, lookups: Lookups, stored: dict[str, Any]) -> dict[str, Any]:
    """The row's library entry: read where the column is mapped, the stored (or empty) value elsewhere;
    the rules of projects.library on the numbers of people."""
    values = dict(stored)
    _put(values, "nature", reader.read("nature", lookups.natures))
    for key, limit in LIBRARY_TEXT_LIMITS.items():
        text = reader.read(key, text_value, limit)
        _put(values, key, "" if text is None else text)
    for key in ("beneficiary_count", "beneficiary_poverty_count", "beneficiary_monitored_count"):
        _put(values, key, reader.read(key, whole_number, 0, MAX_PEOPLE))
    _put(values, "library_year", reader.read("library_year", whole_number, 1990, 2100))
    among = (values["beneficiary_poverty_count"] or 0) + (values["beneficiary_monitored_count"] or 0)
    if values["beneficiary_count"] is not None and among > values["beneficiary_count"]:
        reader.problem("beneficiary_poverty_count" if reader.has("beneficiary_poverty_count") else "beneficiary_count",
                       _l("Poverty-alleviated and monitored people are among the beneficiaries: they cannot "
                          "outnumber them."))
    return values


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    if value is not MISSING:
        values[key] = value


def _read_area(reader: SheetReader, lookups: Lookups, values: dict[str, Any]) -> None:
    if not (reader.has("township") or reader.has("area")):
        return
    try:
        values["area_id"] = lookups.areas.find(reader.cells.get("township"), reader.cells.get("area"))
    except AreaError as error:
        cell = error.cell if reader.has(error.cell) else ("area" if reader.has("area") else "township")
        reader.problem(cell, error.message, unknown_value(error))


def _read_scale(reader: SheetReader, values: dict[str, Any]) -> None:
    quantity = reader.read("scale_quantity", quantity_value)
    unit = reader.read("scale_unit", text_value, 32)
    if quantity is None:
        return  # unreadable, already a problem
    text_unit = ""
    if quantity is not MISSING:
        values["scale_quantity"], text_unit = quantity
    if unit not in (MISSING, None, ""):
        if text_unit and text_unit != unit:
            reader.problem("scale_unit", _l("The scale says %(unit)s but the unit column says %(other)s.",
                                            unit=text_unit, other=unit))
        values["scale_unit"] = unit
    elif text_unit or unit == "":
        values["scale_unit"] = text_unit or None


def degrees_value(value: Any) -> Optional[Decimal]:
    """Decimal degrees, to the six places stored ("111.66", "111.66°", full-width digits); degrees, minutes
    and seconds are refused with the way to write them."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number.is_finite() and abs(number) < 1000:  # beyond: the county box names it
            return six_places(number)
        raise CellError(_l("Write decimal degrees, e.g. 111.660000 (not degrees, minutes and seconds)."))
    text = fold_width(str(value)).strip().rstrip("°").strip()
    if not _DEGREES.match(text):
        raise CellError(_l("Write decimal degrees, e.g. 111.660000 (not degrees, minutes and seconds)."))
    return six_places(Decimal(text))


def _read_position(reader: SheetReader, values: dict[str, Any]) -> None:
    """经度 and 纬度 (WGS84): a blank pair clears the position; the county's box and both-or-neither as the
    services check them, each problem on its own column (or the other one's when only one is mapped)."""
    if not (reader.has("longitude") or reader.has("latitude")):
        return
    failed = reader.failed
    longitude, latitude = reader.read("longitude", degrees_value), reader.read("latitude", degrees_value)
    if reader.failed and not failed:
        return  # an unreadable cell, already named
    _put(values, "longitude", longitude)
    _put(values, "latitude", latitude)
    for key, message in position_problems(values["longitude"], values["latitude"], county_box()).items():
        other = "latitude" if key == "longitude" else "longitude"
        reader.problem(key if reader.has(key) else other, message)


def _read_budget(reader: SheetReader, values: dict[str, Any]) -> None:
    for key, unit in (("budget", "yuan"), ("budget_wan", "wan")):
        fen = reader.read(key, amount_value, unit, required=_l("Enter the budget."))
        if fen is not MISSING and fen is not None:
            values["budget_fen"] = fen


def _plan_new(row: ProjectRow, reader: SheetReader, target: Optional[str]) -> None:
    """A new project starts as the services let it (projects.services.new_status_problems): proposed,
    or approved with the row's reason; a later status (an existing work: in progress, completed,
    accepted ...) is reached after its milestones are written, by the moves of its lifecycle, each
    recorded with the same reason."""
    status = target or "proposed"
    row.action = NEW
    initial = "proposed" if status == "proposed" else "approved"
    row.data = replace(row.data, status=initial)
    row.late_status = status if status != initial else None
    reason_problems = new_status_problems(initial, row.reason)
    for message in reason_problems.values():
        reader.problem("change_reason" if reader.has("change_reason") else "status", message)
    if status != "proposed" and not reason_problems:  # the gates of every move to it (projects.gates)
        gated = entered_past_proposal_problems(status, None)
        if gated:
            reader.problem("status", gated["status"])


def _plan_update(row: ProjectRow, reader: SheetReader, existing, target: Optional[str]) -> None:
    """Compare with the stored project; check the status move and the reason a change needs."""
    row.existing_id = existing.id
    row.data = replace(row.data, status=existing.status)
    new_values = row.data.values()
    changed = [key for key in PROJECT_FIELDS if new_values[key] != existing.values[key]]
    row.fields_changed = bool(changed)
    controlled = [key for key in lifecycle.CONTROLLED_FIELDS if key in changed]
    if controlled and lifecycle.plan_is_controlled(existing.status) and not row.reason:
        column = "change_reason" if reader.has("change_reason") else _budget_or(controlled[0], reader)
        reader.problem(column, _l("The project is approved: give a reason for changing its budget or planned dates."))
    if target and target != existing.status:
        if not lifecycle.can_move(existing.status, target):
            reader.problem("status", _l("A project cannot go from %(current)s to %(target)s.",
                                        current=STATUSES[existing.status], target=STATUSES[target]))
        elif lifecycle.reason_required(existing.status, target) and not row.reason:
            reader.problem("change_reason" if reader.has("change_reason") else "status",
                           _l("Give a reason for this status change."))
        elif target in LATE_STATUSES:
            row.late_status = target
        else:
            row.early_status = target
    row.action = CHANGED if row.fields_changed or row.library_changed or row.early_status or row.late_status \
        else UNCHANGED


def _budget_or(key: str, reader: SheetReader) -> str:
    if key == "budget_fen":
        return "budget_wan" if reader.has("budget_wan") else "budget"
    return key
