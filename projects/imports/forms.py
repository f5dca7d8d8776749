"""Forms of the spreadsheet import: the upload, the column mapping (one select per column), the value
mapping (one select per unknown value), the confirm."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice  # pyright: ignore[reportAttributeAccessIssue]  # WTForms 3.3; stubs: 3.2
from wtforms.validators import Optional

from core.i18n import _l
from core.sheets.tables import Sheet, column_letter
from projects.imports.columns import COLUMNS, SHEET_KINDS, choices
from projects.imports.plan import SheetMapping, UnknownValue

IGNORE = ""


class UploadForm(FlaskForm):
    """The spreadsheet to import; its content, not its name, says whether it is .xlsx or CSV."""

    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file to import."))])


class ConfirmImportForm(FlaskForm):
    """Carries only the CSRF token: the import itself was checked on the preview."""


def field_choices() -> list[SelectChoice]:
    """Options of a column's select: ignore it, or a field of a projects or a milestones sheet."""
    options = [SelectChoice(IGNORE, _l("— ignore this column —"))]
    for kind in COLUMNS:
        group = str(SHEET_KINDS[kind])
        options += [SelectChoice(f"{kind}:{key}", label, optgroup=group) for key, label in choices(kind)]
    return options


def field_name(sheet_index: int, column_index: int) -> str:
    """The form field of a sheet's column."""
    return f"s{sheet_index}c{column_index}"


def mapping_form(sheets: list[Sheet], mapping: dict[str, SheetMapping]) -> FlaskForm:
    """A form with one select per column of every sheet, set to `mapping`."""

    class MappingForm(FlaskForm):
        """The column mapping of an upload."""

    options = field_choices()
    for sheet_index, sheet in enumerate(sheets):
        current = mapping.get(sheet.title)
        for column_index, header in enumerate(sheet.headers):
            key = current.columns.get(column_index) if current else None
            setattr(MappingForm, field_name(sheet_index, column_index),
                    SelectField(header or column_letter(column_index), choices=options,
                                default=f"{current.kind}:{key}" if current and key else IGNORE))
    return MappingForm()


def mapping_from_form(form: FlaskForm, sheets: list[Sheet]) -> tuple[dict[str, SheetMapping], list]:
    """The mapping the user chose, and an error for each sheet mixing projects and milestones fields."""
    mapping: dict[str, SheetMapping] = {}
    errors = []
    for sheet_index, sheet in enumerate(sheets):
        chosen = {}
        for column_index in range(len(sheet.headers)):
            value = form[field_name(sheet_index, column_index)].data or IGNORE
            if value != IGNORE:
                chosen[column_index] = tuple(value.split(":", 1))
        kinds = {kind for kind, _key in chosen.values()}
        if len(kinds) > 1:
            errors.append(_l("Sheet %(sheet)s: choose fields of projects or of milestones, not both.",
                             sheet=sheet.title))
        elif kinds:
            mapping[sheet.title] = SheetMapping(kinds.pop(), {index: key for index, (_kind, key) in chosen.items()})
    return mapping, errors


def mapping_to_json(mapping: dict[str, SheetMapping]) -> dict:
    """The mapping as JSON-safe data, to keep beside the upload."""
    return {title: {"kind": m.kind, "columns": {str(i): key for i, key in m.columns.items()}}
            for title, m in mapping.items()}


def mapping_from_json(data: dict) -> dict[str, SheetMapping]:
    """The mapping kept beside an upload."""
    return {title: SheetMapping(m["kind"], {int(i): key for i, key in m["columns"].items()})
            for title, m in (data or {}).items()}


def value_field(value: UnknownValue) -> str:
    """The value-mapping form's field of an unknown value: the same name whenever the page is drawn."""
    identity = f"{value.kind}\x1f{value.remembered_key}\x1f{value.top_level}"
    return "v" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


def values_form(options: Mapping[UnknownValue, Mapping[str, object]]) -> FlaskForm:
    """One select per unknown value: leave it, or the code it means (`options`: what each may mean)."""

    class ValueMappingForm(FlaskForm):
        """What each unknown value of an upload means."""

    for value, meanings in options.items():
        setattr(ValueMappingForm, value_field(value),
                SelectField(value.text, choices=[(IGNORE, _l("— leave it unmapped —"))]
                            + [(code, str(label)) for code, label in meanings.items()],
                            default=IGNORE, validators=[Optional()]))
    return ValueMappingForm()


def values_from_form(form: FlaskForm, values) -> dict[UnknownValue, str]:
    """{unknown value: code} of the values given a meaning on the form."""
    chosen = {value: form[value_field(value)].data or IGNORE for value in values}
    return {value: code for value, code in chosen.items() if code != IGNORE}
