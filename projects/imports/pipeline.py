"""The planning office's spreadsheet import: read a file, plan the import, apply it whole or not at all.

    sheets = read_import_file(data, name)       # .xlsx or .csv, decided by content
    mapping = guess_import_mapping(sheets)      # or the mapping the user chose
    plan = plan_import(sheets, mapping)         # every row checked; plan.problems lists every problem
    apply_import(plan, actor)                   # in the caller's transaction (projects.import_write)

Rows are keyed by project code (and milestone sequence): a row equal to what is stored writes
nothing and leaves no audit event, so importing the same file twice changes nothing the second
time. The database is read once per import (areas, choices, the projects the file names), never
once per row. The rules themselves live in projects.import_plan and projects.import_rows.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit.services import deferred, record
from core.i18n import _l
from core.sheets.cells import fold, text_value
from core.sheets.choices import ChoiceIndex
from core.sheets.tables import Sheet, read_table, require_table
from extensions import db
from import_values.services import remembered
from projects import services
from projects.imports.columns import (
    COLUMNS,
    CONTRACTS,
    IGNORED_TITLES,
    MILESTONES,
    PROJECTS,
    TARGETS,
    guess_kind,
    guess_mapping,
)
from projects.imports.contract_rows import check_contract_projects, read_contract_sheet
from projects.imports.handlers import check_contracts, write_contracts
from projects.imports.milestones import check_completion, read_milestone_sheet
from projects.imports.plan import (
    ExistingMilestone,
    ExistingProject,
    ExistingTarget,
    ImportPlan,
    Lookups,
    Problem,
    SheetMapping,
    check_mapping,
)
from projects.imports.rows import read_project_sheet
from projects.imports.targets import TARGET_CATEGORY_NAMES, TIER_NAMES, read_target_sheet, write_targets
from projects.imports.values import AREA_KIND, AreaFinder, AreaRow
from projects.imports.write import PlanWriter
from projects.library.services import LIBRARY_FIELDS
from projects.models import CATEGORIES, NATURES, STATUSES, Area, Project
from projects.targets.models import CATEGORIES as TARGET_CATEGORIES
from projects.targets.models import TIERS, Target

CHUNK = 500  # codes per IN (...) query, well under every database's limit on bound parameters
HEADER_SEARCH_ROWS = 5  # rows below a title row where the real header may be
VALUE_KINDS = ("category", "status", AREA_KIND)  # the choice columns whose values can be mapped by hand

__all__ = [
    "ImportPlan",
    "ImportRefused",
    "Problem",
    "SheetMapping",
    "apply_import",
    "fully_recognised",
    "guess_import_mapping",
    "guess_mapping",
    "load_lookups",
    "plan_import",
    "read_import_file",
]


class ImportRefused(ValueError):
    """apply_import was given a plan with problems."""


def read_import_file(data: bytes, filename: str = "") -> list[Sheet]:
    """The file's sheets, each with its real header row: a title row above the header is skipped.
    SpreadsheetError for a file that is no table (core.sheets.tables.require_table)."""
    return require_table([_locate_header(sheet) for sheet in read_table(data, filename)])


def _locate_header(sheet: Sheet) -> Sheet:
    if guess_kind(sheet.title, sheet.headers) is not None:
        return sheet
    for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
        if guess_kind(sheet.title, ["" if value is None else str(value) for value in values]) is not None:
            return sheet.with_header_at(number)
    return sheet


def guess_import_mapping(sheets: Iterable[Sheet]) -> dict[str, SheetMapping]:
    """For each sheet that looks like projects or milestones: its kind and the recognised columns."""
    mapping = {}
    for sheet in sheets:
        kind = guess_kind(sheet.title, sheet.headers)
        if kind is not None:
            mapping[sheet.title] = SheetMapping(kind, guess_mapping(sheet.headers, kind))
    return mapping


def fully_recognised(sheets: Iterable[Sheet], mapping: dict[str, SheetMapping]) -> bool:
    """True when every sheet is an instructions sheet or one whose every header was recognised, so
    the user need not be asked which column is which."""
    for sheet in sheets:
        if fold(sheet.title) in IGNORED_TITLES:
            continue
        sheet_mapping = mapping.get(sheet.title)
        if sheet_mapping is None:
            return False
        if any(header and index not in sheet_mapping.columns for index, header in enumerate(sheet.headers)):
            return False
    return True


def area_rows() -> list[AreaRow]:
    """Every area, as the import needs it."""
    rows = db.session.execute(select(Area.id, Area.code, Area.name_zh, Area.name_en, Area.parent_id))
    return [AreaRow(*row) for row in rows]


def all_areas() -> list[Area]:
    """Every area with its township loaded, ordered by code (for the template's list of areas)."""
    return list(db.session.scalars(select(Area).options(selectinload(Area.parent)).order_by(Area.code)))


def area_labels() -> dict[int, str]:
    """{area id: "township · village"} in Chinese, to show where each previewed project is."""
    rows = area_rows()
    names = {row.id: row.name_zh for row in rows}
    return {row.id: f"{names[row.parent_id]} · {row.name_zh}" if row.parent_id else row.name_zh for row in rows}


LIBRARY_KEYS = (*LIBRARY_FIELDS, "library_year")
NATURE_NAMES = {"new": ("新建",), "rebuild": ("改建", "重建"), "expansion": ("扩建", "改扩建"),
                "repair": ("维修", "养护", "维修养护", "修缮")}


def _existing(project: Project, targets: list[Target]) -> ExistingProject:
    milestones = {m.sequence: ExistingMilestone(m.id, m.name, m.planned_date, m.planned_cost_fen, m.progress_pct)
                  for m in project.milestones}
    library = {key: getattr(project, key) for key in LIBRARY_KEYS}
    for key in ("beneficiaries", "benefit_linkage"):
        library[key] = library[key] or ""
    stated = {}
    for t in targets:
        stated.setdefault((t.tier, t.name), ExistingTarget(t.id, t.category, t.unit, t.comparison, t.target_value,
                                                           t.actual_value, t.actual_on))
    return ExistingProject(project.id, project.status, services.input_from_project(project).values(), milestones,
                           library, stated)


def _targets_of(projects: Iterable[Project]) -> dict[int, list[Target]]:
    ids = [project.id for project in projects]
    found: dict[int, list[Target]] = {}
    for chunk in _chunks(ids):
        for target in db.session.scalars(select(Target).where(Target.project_id.in_(chunk))
                                          .order_by(Target.position, Target.id)):
            found.setdefault(target.project_id, []).append(target)
    return found


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_projects(codes: Iterable[str]) -> dict[str, Project]:
    """The stored projects with these codes (and their milestones), a few queries for any number."""
    found: dict[str, Project] = {}
    for chunk in _chunks(sorted(set(codes))):
        query = select(Project).where(Project.code.in_(chunk)).options(selectinload(Project.milestones))
        found.update((project.code, project) for project in db.session.scalars(query))
    return found


def load_lookups(codes: Iterable[str], mapped: Optional[Mapping[str, Mapping[str, str]]] = None) -> Lookups:
    """What the import compares against: areas, categories and statuses (codes, labels, synonyms and
    the values remembered for them, with `mapped` {kind: {key: code}} on top), the named projects."""
    projects = load_projects(codes)
    targets = _targets_of(projects.values())
    known = remembered(VALUE_KINDS)
    for kind, values in (mapped or {}).items():
        known.setdefault(kind, {}).update(values)
    return Lookups(areas=AreaFinder(area_rows(), known[AREA_KIND]),
                   categories=ChoiceIndex.build("category", CATEGORIES, what=_l("category"),
                                                remembered=known["category"], contains=True),
                   statuses=ChoiceIndex.build("status", STATUSES, what=_l("status"), remembered=known["status"]),
                   projects={code: _existing(project, targets.get(project.id, []))
                             for code, project in projects.items()},
                   natures=ChoiceIndex.build("nature", NATURES, what=_l("nature of construction"), names=NATURE_NAMES,
                                             synonyms={}),
                   tiers=ChoiceIndex.build("tier", TIERS, what=_l("indicator tier"), names=TIER_NAMES, synonyms={}),
                   target_categories=ChoiceIndex.build("target_category", TARGET_CATEGORIES,
                                                       what=_l("indicator category"), names=TARGET_CATEGORY_NAMES,
                                                       synonyms={}))


def _codes(sheets: list[Sheet], mapping: dict[str, SheetMapping]) -> set[str]:
    """Every project code the file names, read leniently (the plan reports bad ones)."""
    codes = set()
    for sheet in sheets:
        sheet_mapping = mapping.get(sheet.title)
        if sheet_mapping is None or sheet_mapping.kind not in COLUMNS:
            continue
        key = "code" if sheet_mapping.kind == PROJECTS else "project_code"
        for index, field in sheet_mapping.columns.items():
            if field == key:
                for _number, values in sheet.rows:
                    try:
                        codes.add(text_value(values[index], 32))
                    except ValueError:
                        continue
    return codes - {""}


def build_plan(sheets: list[Sheet], mapping: dict[str, SheetMapping], lookups: Lookups) -> ImportPlan:
    """Read, check and compare every mapped sheet against `lookups` (plain data, no database);
    the plan lists every problem found. Projects sheets first, so milestones can find their project."""
    plan = ImportPlan()
    used = [(sheet, mapping[sheet.title]) for sheet in sheets
            if sheet.title in mapping and mapping[sheet.title].kind in COLUMNS]
    if not used:
        plan.problems.append(Problem("", 0, "", _l("Nothing to import: no sheet has a project code column.")))
        return plan
    for sheet, sheet_mapping in used:
        if sheet_mapping.kind == PROJECTS and check_mapping(sheet, sheet_mapping, plan.problems):
            read_project_sheet(sheet, sheet_mapping, lookups, plan)
    project_rows = {row.code: row for row in plan.projects}
    for sheet, sheet_mapping in used:
        if sheet_mapping.kind == MILESTONES and check_mapping(sheet, sheet_mapping, plan.problems):
            read_milestone_sheet(sheet, sheet_mapping, lookups, project_rows, plan)
    check_completion(plan, lookups)
    for sheet, sheet_mapping in used:
        if sheet_mapping.kind == TARGETS and check_mapping(sheet, sheet_mapping, plan.problems):
            read_target_sheet(sheet, sheet_mapping, lookups, project_rows, plan)
        elif sheet_mapping.kind == CONTRACTS and check_mapping(sheet, sheet_mapping, plan.problems):
            read_contract_sheet(sheet, sheet_mapping, plan)
    check_contract_projects(plan, lookups, project_rows)
    return plan


def plan_import(sheets: list[Sheet], mapping: dict[str, SheetMapping], *, file_name: str = "",
                sha256: str = "", mapped: Optional[Mapping[str, Mapping[str, str]]] = None) -> ImportPlan:
    """Read and check every mapped row against the database (and the values `mapped` by hand now,
    {kind: {key: code}}, beside those remembered); nothing is written."""
    plan = build_plan(sheets, mapping, load_lookups(_codes(sheets, mapping), mapped))
    check_contracts(plan)  # against the contractors and contracts stored (contracting's handler)
    plan.file_name, plan.sha256 = file_name, sha256
    return plan


def apply_import(plan: ImportPlan, actor=None, today: Optional[date] = None) -> None:
    """Write the plan in the caller's transaction (the caller commits): new projects in bulk, stored
    ones through projects.services (see projects.import_write), every audit event in one insert.

    Unchanged rows write nothing; a plan that changes nothing writes nothing at all, not even the
    summary audit event. Raises ImportRefused for a plan with problems, and PlanningError if the
    stored data changed since the plan was made (the caller rolls back).
    """
    if plan.problems:
        raise ImportRefused(f"{len(plan.problems)} problems")
    if not plan.changes_anything:
        return
    day = today or date.today()
    codes = ({row.code for row in plan.projects} | {row.project_code for row in plan.milestones}
             | {row.project_code for row in plan.targets} | {row.project_code for row in plan.contracts})
    counts = {f"{kind}_{action}": n for kind, by_action in plan.counts().items() for action, n in by_action.items()}
    with deferred():  # every audit event of the import appended to the chain at once, in order, at the end
        stored = load_projects(codes)
        writer = PlanWriter(actor, day, plan.file_name)
        writer.write(plan, stored)
        project_ids = {code: project.id for code, project in stored.items()} | writer.new_ids()
        write_targets(plan.targets, project_ids, actor, day)
        write_contracts(plan.contracts, project_ids, actor, day)
        record("project.import", user=actor, object_type="project",
               after={"file": plan.file_name[:200], "sha256": plan.sha256, **counts})
