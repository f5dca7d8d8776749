"""Reading a milestones sheet into MilestoneRows, keyed by project code and sequence, and the checks
that need both sheets: a milestone's project must be in the file or stored, its project's status
must allow the change, and a project moved to completed needs every milestone finished.
Plain Python, no database.
"""
from __future__ import annotations

from core.i18n import _l
from core.sheets.cells import amount_value, date_value, text_value, whole_number
from core.sheets.tables import Sheet
from projects import lifecycle
from projects.imports.plan import (
    CHANGED,
    CLOSED_PLAN,
    MISSING,
    NEW,
    NO_PROGRESS,
    UNCHANGED,
    ImportPlan,
    Lookups,
    MilestoneRow,
    Problem,
    ProjectRow,
    SheetMapping,
    SheetReader,
    missing_columns,
)


def read_milestone_sheet(sheet: Sheet, mapping: SheetMapping, lookups: Lookups,
                         project_rows: dict[str, ProjectRow], plan: ImportPlan) -> None:
    """Add a MilestoneRow to `plan` for each good row of a milestones sheet, a Problem for each bad cell."""
    reader = SheetReader(sheet, mapping, plan.problems)
    unit = "wan" if "planned_cost_wan" in mapping.columns.values() else "yuan"
    seen: dict[tuple[str, int], int] = {}
    any_new = False
    for number, values in sheet.rows:
        reader.start(number, values)
        row = _read_row(reader, sheet.title, number, unit)
        key = (row.project_code, row.sequence)
        if row.project_code and row.sequence and key in seen:
            reader.problem("sequence", _l("Milestone %(n)d of this project is also on row %(row)d.",
                                          n=row.sequence, row=seen[key]))
        seen.setdefault(key, number)
        if reader.failed:
            continue
        any_new |= _compare_milestone(row, reader, lookups, project_rows, plan.codes_in_file)
        if not reader.failed:
            plan.milestones.append(row)
    missing_columns(sheet, mapping, any_new, plan.problems)


def _read_row(reader: SheetReader, sheet_title: str, number: int, unit: str) -> MilestoneRow:
    """The row's cells; a column that is not mapped reads as MISSING, filled in from what is stored."""
    cost_key = "planned_cost_wan" if unit == "wan" else "planned_cost"
    code = reader.read("project_code", text_value, 32, required=_l("Enter the project code."))
    sequence = reader.read("sequence", whole_number, 1, 100_000, required=_l("Enter the milestone's sequence number."))
    row = MilestoneRow(sheet_title, number, code or "", sequence or 0,
                       name=reader.read("name", text_value, 200, required=_l("Enter the milestone name.")),
                       planned_date=reader.read("planned_date", date_value, required=_l("Enter the planned date.")),
                       planned_cost_fen=reader.read(cost_key, amount_value, unit, required=_l("Enter an amount.")),
                       progress_pct=reader.read("progress_pct", whole_number, 0, 100))
    reason = reader.read("change_reason", text_value, 1000)
    row.reason = "" if reason in (MISSING, None) else reason
    return row


def _status_during_milestones(code: str, lookups: Lookups, project_rows: dict[str, ProjectRow]) -> str:
    """The project's status when the import writes its milestones."""
    project_row = project_rows.get(code)
    if project_row is not None and project_row.action == NEW:
        return project_row.data.status
    status = lookups.projects[code].status
    return project_row.early_status if project_row and project_row.early_status else status


def _compare_milestone(row: MilestoneRow, reader: SheetReader, lookups: Lookups,
                       project_rows: dict[str, ProjectRow], codes_in_file: set[str]) -> bool:
    """Fill in what is unchanged, decide the action, check the project's state; True when new."""
    existing_project = lookups.projects.get(row.project_code)
    if existing_project is None and row.project_code not in project_rows:
        if row.project_code in codes_in_file:
            reader.failed = True  # its project's row has problems, reported there
        else:
            reader.problem("project_code", _l("No project has the code %(code)s, in this file or stored.",
                                              code=row.project_code))
        return False
    stored = existing_project.milestones.get(row.sequence) if existing_project else None
    for key in ("name", "planned_date", "planned_cost_fen", "progress_pct"):
        if getattr(row, key) is MISSING:
            setattr(row, key, getattr(stored, key) if stored else (0 if key == "progress_pct" else None))
    status = _status_during_milestones(row.project_code, lookups, project_rows)
    if stored is None:
        row.action, row.plan_changed = NEW, True
        row.progress_changed = bool(row.progress_pct)
    else:
        row.existing_id = stored.id
        row.plan_changed = (row.name, row.planned_date, row.planned_cost_fen) != (
            stored.name, stored.planned_date, stored.planned_cost_fen)
        row.progress_changed = row.progress_pct is not None and row.progress_pct != stored.progress_pct
        row.action = CHANGED if row.plan_changed or row.progress_changed else UNCHANGED
        moved = (row.planned_date, row.planned_cost_fen) != (stored.planned_date, stored.planned_cost_fen)
        project_row = project_rows.get(row.project_code)
        row.reason = row.reason or (project_row.reason if project_row else "")
        if moved and lifecycle.plan_is_controlled(status) and not row.reason:
            reader.problem("change_reason" if reader.has("change_reason") else "planned_date",
                           _l("The project is approved: give a reason for changing a milestone's date or cost."))
    if row.plan_changed and status in CLOSED_PLAN:
        reader.problem("name", _l("The plan of a cancelled or accepted project cannot change."))
    if row.progress_changed and status in NO_PROGRESS:
        reader.problem("progress_pct", _l("Progress can only be recorded on an approved project that is not closed."))
    elif (stored is not None and row.progress_changed and row.progress_pct is not None
          and row.progress_pct < stored.progress_pct and not row.reason):
        reader.problem("change_reason" if reader.has("change_reason") else "progress_pct",
                       _l("Progress falls from %(before)d%% to %(after)d%%: give the reason for the change.",
                          before=stored.progress_pct, after=row.progress_pct))
    return stored is None


def check_completion(plan: ImportPlan, lookups: Lookups) -> None:
    """A project moved to completed needs every milestone finished, counting the file's progress."""
    progress: dict[str, dict[int, int]] = {}
    for code, existing in lookups.projects.items():
        progress[code] = {sequence: m.progress_pct for sequence, m in existing.milestones.items()}
    for row in plan.milestones:
        if row.progress_pct is not None:
            progress.setdefault(row.project_code, {})[row.sequence] = row.progress_pct
        else:
            progress.setdefault(row.project_code, {}).setdefault(row.sequence, 0)
    for row in plan.projects:
        if row.late_status and "completed" in lifecycle.path(row.data.status, row.late_status):
            milestones = progress.get(row.code, {})
            unfinished = sum(1 for pct in milestones.values() if pct < 100)
            if unfinished:
                plan.problems.append(Problem(row.sheet, row.row, row.status_column,
                                             _l("%(n)d milestones are not finished yet.", n=unfinished)))
            elif not milestones:
                plan.problems.append(Problem(row.sheet, row.row, row.status_column, _l(
                    "A project without milestones cannot be completed: plan them first.")))
