"""What an import would do, as plain data: the ImportPlan (every project and milestone row with its
action, new, changed or unchanged, and every Problem as sheet, row, column, message), the Lookups
the rows are compared against, and the SheetReader that reads mapped cells and collects problems.

Projects sheets are read by projects.import_rows, milestones sheets by projects.import_milestones,
both applying the rules projects.services enforces, so that an import passes whole or is refused
whole with every problem at once. No database here: Lookups carry what is stored as plain data.

Cells: a blank cell in a mapped column clears an optional value; a column that is not mapped
leaves the stored value alone. Actual dates and milestone progress are facts: a blank cell leaves
them as they are. Nothing is ever deleted by an import.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from core.i18n import _l
from core.sheets.cells import CellError
from core.sheets.choices import ChoiceIndex
from core.sheets.tables import Sheet, column_letter
from projects.imports.columns import (
    COLUMNS,
    CONTRACTS,
    MILESTONES,
    PROJECTS,
    ROW_KEYS,
    SAME_FIELD,
    TARGETS,
    column_by_key,
)
from projects.imports.values import AreaFinder
from projects.services import ProjectInput

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
# Moves made after the milestones are written, so that milestones can be finished first.
LATE_STATUSES = frozenset({"completed", "accepted", "cancelled"})
CLOSED_PLAN = frozenset({"cancelled", "accepted"})
NO_PROGRESS = frozenset({"proposed", "cancelled", "accepted"})
MISSING = object()  # a cell of a column that is not mapped


@dataclass(frozen=True)
class UnknownValue:
    """A value no choice reader knew, which the value-mapping step asks about: the kind of column
    ("category", "status", "area"), its key (core.sheets.choices.choice_key), the text as written,
    and for an area the township's code it was named in ("" for none) and whether it is a township."""

    kind: str
    key: str
    text: str
    scope: str = ""
    top_level: bool = False

    @property
    def remembered_key(self) -> str:
        """What a mapping of this value is remembered under (import_values)."""
        return f"{self.scope}/{self.key}" if self.scope else self.key


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be imported: sheet title, row number as the spreadsheet shows it, the
    column's header as the spreadsheet shows it, and a translatable message; `unknown` when it is a
    value that can be mapped to a known one."""

    sheet: str
    row: int
    column: str
    message: Any
    unknown: Optional[UnknownValue] = None


@dataclass(frozen=True)
class SheetMapping:
    """What a sheet holds (projects or milestones) and the field of each mapped column (0-based)."""

    kind: str
    columns: dict[int, str]


@dataclass(frozen=True)
class ExistingMilestone:
    """A stored milestone, as the import compares it."""

    id: int
    name: str
    planned_date: date
    planned_cost_fen: int
    progress_pct: int


@dataclass(frozen=True)
class ExistingTarget:
    """A stored performance indicator, as the import compares it."""

    id: int
    category: str
    unit: str
    comparison: str
    target_value: Decimal
    actual_value: Optional[Decimal]
    actual_on: Optional[date]


@dataclass
class ExistingProject:
    """A stored project: id, status, its fields as ProjectInput.values() gives them, its milestones,
    its library entry (projects.library) and its indicators by (tier, name)."""

    id: int
    status: str
    values: dict[str, Any]
    milestones: dict[int, ExistingMilestone] = field(default_factory=dict)
    library: dict[str, Any] = field(default_factory=dict)
    targets: dict[tuple[str, str], ExistingTarget] = field(default_factory=dict)


@dataclass
class Lookups:
    """What the database holds, read once per import: areas, choices, projects by code."""

    areas: AreaFinder
    categories: ChoiceIndex
    statuses: ChoiceIndex
    projects: dict[str, ExistingProject]
    natures: ChoiceIndex
    tiers: ChoiceIndex
    target_categories: ChoiceIndex


@dataclass
class ProjectRow:
    """One project row: its input, what happens to it, and the status moves it asks for."""

    sheet: str
    row: int
    data: ProjectInput
    action: str = NEW
    existing_id: Optional[int] = None
    fields_changed: bool = False
    early_status: Optional[str] = None  # moved to before the milestones are written
    late_status: Optional[str] = None  # moved to after them
    reason: str = ""
    status_column: str = ""
    library: dict[str, Any] = field(default_factory=dict)  # its library entry as it will be stored
    library_changed: bool = False

    @property
    def code(self) -> str:
        """The project's code."""
        return self.data.code

    @property
    def final_status(self) -> str:
        """The status the import leaves it in."""
        return self.late_status or self.early_status or self.data.status


@dataclass
class MilestoneRow:
    """One milestone row, keyed by project code and sequence."""

    sheet: str
    row: int
    project_code: str
    sequence: int
    name: str
    planned_date: Optional[date]
    planned_cost_fen: Optional[int]
    progress_pct: Optional[int]
    reason: str = ""
    action: str = NEW
    existing_id: Optional[int] = None
    plan_changed: bool = False
    progress_changed: bool = False

    def planned(self) -> tuple[date, int]:
        """Its planned date and cost, in a plan without problems: a new milestone's are required (its
        row is refused without them), a stored one's are filled in from the database when not given."""
        if self.planned_date is None or self.planned_cost_fen is None:
            raise ValueError(f"{self.sheet} row {self.row}: no planned date or cost (the plan has problems)")
        return self.planned_date, self.planned_cost_fen

    def reported_progress(self) -> int:
        """The % complete the row reports, when `progress_changed` (a row without one never is)."""
        if self.progress_pct is None:
            raise ValueError(f"{self.sheet} row {self.row}: no progress is reported")
        return self.progress_pct


@dataclass
class TargetRow:
    """One performance indicator row, keyed by project code, tier and name."""

    sheet: str
    row: int
    project_code: str
    tier: str
    category: str
    name: str
    comparison: str
    target_value: Decimal
    unit: str
    actual_value: Optional[Decimal]
    actual_on: Optional[date]
    action: str = NEW
    existing_id: Optional[int] = None


@dataclass
class ContractRow:
    """One contract on a project, from a contracts sheet or from a project's row: what the cells say
    (subject, method and credit code as written: contracting reads them), `headers` the column of
    each field as the sheet shows it, `given` the fields whose column is in the sheet. Contracting
    checks it against what is stored (projects.imports.handlers) and sets its action."""

    sheet: str
    row: int
    project_code: str
    contract_no: str
    contractor: str
    uscc: str
    subject: str
    method: str
    signed_on: Optional[date]
    value_fen: Optional[int]
    retention_bp: Optional[int]
    defects_months: Optional[int]
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    given: frozenset[str] = frozenset()
    action: str = NEW

    def header(self, key: str) -> str:
        """The column of `key` as the sheet shows it."""
        return self.headers.get(key, "")


@dataclass
class ImportPlan:
    """Everything an import would do, and every problem that stops it."""

    projects: list[ProjectRow] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    contracts: list[ContractRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file_name: str = ""
    sha256: str = ""
    codes_in_file: set[str] = field(default_factory=set)  # on a projects sheet, in good rows or bad

    @property
    def ok(self) -> bool:
        """True when nothing stops the import."""
        return not self.problems

    def counts(self) -> dict[str, dict[str, int]]:
        """{"projects": {new, changed, unchanged}, "milestones": {...}}, and "targets" and "contracts" when
        the file has rows of them."""
        result = {}
        kinds: list[tuple[str, list[Any]]] = [(PROJECTS, self.projects), (MILESTONES, self.milestones)]
        kinds += [(kind, rows) for kind, rows in ((TARGETS, self.targets), (CONTRACTS, self.contracts)) if rows]
        for kind, rows in kinds:
            result[kind] = {action: sum(1 for row in rows if row.action == action)
                            for action in (NEW, CHANGED, UNCHANGED)}
        return result

    @property
    def sheets(self) -> set[str]:
        """Titles of the sheets the plan read rows from or found problems in."""
        rows = [*self.projects, *self.milestones, *self.targets, *self.contracts, *self.problems]
        return {row.sheet for row in rows if row.sheet}

    def unknown_values(self) -> dict[UnknownValue, list[Problem]]:
        """Each value no choice reader knew, with the problems it causes, in the order first met."""
        found: dict[UnknownValue, list[Problem]] = {}
        for problem in self.problems:
            if problem.unknown is not None:
                found.setdefault(problem.unknown, []).append(problem)
        return found

    @property
    def changes_anything(self) -> bool:
        """True when applying the plan would write something."""
        rows: list[Any] = [*self.projects, *self.milestones, *self.targets, *self.contracts]
        return any(row.action != UNCHANGED for row in rows)


class SheetReader:
    """Reads the mapped cells of one sheet's rows, collecting each problem under its header."""

    def __init__(self, sheet: Sheet, mapping: SheetMapping, problems: list[Problem]):
        self.sheet, self.kind, self.problems = sheet, mapping.kind, problems
        self.fields = {key: index for index, key in mapping.columns.items()}
        self.cells: dict[str, Any] = {}
        self.row = sheet.header_row
        self.failed = False

    def header(self, key: str) -> str:
        """The column's header as the spreadsheet shows it (its letter when the header is empty);
        the template's header when the column is not in the sheet."""
        index = self.fields.get(key)
        if index is None:
            return column_by_key(self.kind, key).header_zh
        return self.sheet.headers[index] or column_letter(index)

    def start(self, number: int, values: list) -> None:
        """Move to a row."""
        self.row, self.failed = number, False
        self.cells = {key: values[index] for key, index in self.fields.items()}

    def has(self, key: str) -> bool:
        """True when the field's column is mapped."""
        return key in self.fields

    def problem(self, key: str, message, unknown: Optional[UnknownValue] = None) -> None:
        """Record a problem in this row's `key` column (`unknown`: a value that can be mapped)."""
        self.failed = True
        self.problems.append(Problem(self.sheet.title, self.row, self.header(key) if key else "", message, unknown))

    def read(self, key: str, reader, *args, required=None) -> Any:
        """The cell read by `reader`, MISSING when unmapped, None (and a problem) when unreadable;
        `required` is the message for a blank cell that must not be blank."""
        if key not in self.cells:
            return MISSING
        try:
            value = reader(self.cells[key], *args)
        except CellError as error:
            self.problem(key, error.message, unknown_value(error))
            return None
        if required is not None and value in (None, ""):
            self.problem(key, required)
        return value


def unknown_value(error: CellError) -> Optional[UnknownValue]:
    """The mappable value behind a cell's error (core.sheets.choices.UnknownChoice, values.UnknownArea)."""
    kind, key = getattr(error, "kind", None), getattr(error, "key", None)
    if not kind or not key:
        return None
    return UnknownValue(kind, key, getattr(error, "text", key), getattr(error, "scope", ""),
                        getattr(error, "top_level", False))


def check_mapping(sheet: Sheet, mapping: SheetMapping, problems: list[Problem]) -> bool:
    """Problems with the mapping itself (a field twice, a key column missing); False when the sheet
    cannot be read at all."""
    seen: dict[str, int] = {}
    for index, key in sorted(mapping.columns.items()):
        target = SAME_FIELD.get(key, key)
        if target in seen:
            problems.append(Problem(sheet.title, sheet.header_row, sheet.headers[index] or column_letter(index),
                                    _l("Two columns hold %(field)s: map only one of them.",
                                       field=column_by_key(mapping.kind, key).label)))
        seen.setdefault(target, index)
    keys = ROW_KEYS[mapping.kind]
    missing = [key for key in keys if key not in seen]
    for key in missing:
        problems.append(Problem(sheet.title, sheet.header_row, "",
                                _l("No column holds %(field)s.", field=column_by_key(mapping.kind, key).label)))
    return not missing


def missing_columns(sheet: Sheet, mapping: SheetMapping, needed: bool, problems: list[Problem]) -> None:
    """When new rows are in the sheet, a problem for each column they need that is not mapped."""
    if not needed:
        return
    mapped = {SAME_FIELD.get(key, key) for key in mapping.columns.values()}
    for column in COLUMNS[mapping.kind]:
        if column.required and column.key not in SAME_FIELD and column.key not in mapped:
            problems.append(Problem(sheet.title, sheet.header_row, "",
                                    _l("New rows need a column for %(field)s.", field=column.label)))
    if mapping.kind == PROJECTS and not {"township", "area"} & mapped:
        problems.append(Problem(sheet.title, sheet.header_row, "",
                                _l("New rows need a column for %(field)s.",
                                   field=column_by_key(PROJECTS, "township").label)))
