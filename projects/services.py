"""Planning services: create and change projects, plan milestones, record progress.

Used by the web forms, the spreadsheet import and the CLI alike, so every business rule is checked
here, whatever door the data came through. Callers commit or roll back.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from flask import current_app, has_app_context
from sqlalchemy import bindparam, func, select, update

from audit.services import record
from core import dates
from core.database import take_write_lock
from core.errors import Refused
from core.i18n import _l
from extensions import db
from projects import lifecycle
from projects.accrual import accrual_starts
from projects.gates import after_move, creation_problems, gate_problems
from projects.models import CATEGORIES, STATUSES, Area, Milestone, ProgressUpdate, Project, ProjectChange
from projects.money import project_money
from projects.positions import DEFAULT_COUNTY_BBOX, County, position_problems, rounded
from projects.progress import weighted_progress_bp
from projects.scope import area_in_scope, scope_area_id

PROJECT_FIELDS = ("code", "name", "category", "area_id", "scale_quantity", "scale_unit", "budget_fen",
                  "planned_start", "planned_end", "actual_start", "actual_end", "responsible_unit",
                  "contractor", "description", "longitude", "latitude")
# What the fund rules read of a project (funds.rules.evaluate.ProjectFacts): a change to one of these
# has finance check the project's money again, under finance's locks (projects.money).
RULE_FACTS = ("code", "name", "category", "description", "actual_end")
# The moves that may date or clear the actual end (status_move_dates): they lock the sources first.
ENDING_TARGETS = frozenset({"completed", "in_progress"})


class PlanningError(Refused):
    """Refused planning data: `errors` maps each field at fault to a translatable message."""


@dataclass
class ProjectInput:
    """A project's fields as parsed from a form, a spreadsheet row or the CLI (money in fen)."""

    code: str
    name: str
    category: str
    area_id: int
    budget_fen: int
    scale_quantity: Optional[Decimal] = None
    scale_unit: str = ""
    planned_start: Optional[date] = None
    planned_end: Optional[date] = None
    actual_start: Optional[date] = None
    actual_end: Optional[date] = None
    responsible_unit: str = ""
    contractor: str = ""
    description: str = ""
    longitude: Optional[Decimal] = None  # WGS84 degrees (projects.positions)
    latitude: Optional[Decimal] = None
    status: str = "proposed"
    extra: dict = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The stored fields, trimmed."""
        data = {key: getattr(self, key) for key in PROJECT_FIELDS}
        for key in ("code", "name", "scale_unit", "responsible_unit", "contractor", "description"):
            data[key] = (data[key] or "").strip()
        data["scale_unit"] = data["scale_unit"] or None
        data["longitude"], data["latitude"] = rounded(data["longitude"]), rounded(data["latitude"])
        return data


def check_project_input(data: ProjectInput, existing: Optional[Project] = None) -> dict[str, Any]:
    """Every problem with `data` as {field: message}; empty when it may be stored."""
    values = data.values()
    code_taken = False
    if values["code"] and len(values["code"]) <= 32:
        clash = db.session.scalar(select(Project.id).where(Project.code == values["code"]))
        code_taken = clash is not None and (existing is None or clash != existing.id)
    area_known = data.area_id is not None and db.session.get(Area, data.area_id) is not None
    return project_input_problems(data, values, code_taken=code_taken, area_known=area_known, new=existing is None)


def project_input_problems(data: ProjectInput, values: dict[str, Any], *, code_taken: bool, area_known: bool,
                           new: bool, today: Optional[date] = None) -> dict[str, Any]:
    """check_project_input's rules without the database: whether the code is another project's and
    whether the area exists are given (the bulk import looks them up once for every row)."""
    errors: dict[str, Any] = {}
    if not values["code"]:
        errors["code"] = _l("Enter a project code.")
    elif len(values["code"]) > 32:
        errors["code"] = _l("At most %(n)d characters.", n=32)
    elif code_taken:
        errors["code"] = _l("Another project already has this code.")
    if not values["name"]:
        errors["name"] = _l("Enter the project name.")
    if data.category not in CATEGORIES:
        errors["category"] = _l("Unknown category.")
    if new and data.status not in STATUSES:
        errors["status"] = _l("Unknown status.")
    if not area_known:
        errors["area_id"] = _l("Unknown area.")
    if data.budget_fen is None or data.budget_fen < 0:
        errors["budget_fen"] = _l("The budget cannot be negative.")
    if data.scale_quantity is not None and data.scale_quantity < 0:
        errors["scale_quantity"] = _l("The scale cannot be negative.")
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if values[start] and values[end] and values[end] < values[start]:
            errors[end] = _l("The end date is before the start date.")
    errors.update(position_problems(values["longitude"], values["latitude"], county_box()))
    errors.update(date_problems({key: values[key] for key in ("planned_start", "planned_end")}, dates.PLAN, today))
    errors.update(date_problems({key: values[key] for key in ("actual_start", "actual_end")}, dates.PAST, today))
    return errors


def county_box() -> County:
    """The county's bounding box (LIANDONG_COUNTY_BBOX), the demo county's outside an application."""
    return County.parse(current_app.config.get("COUNTY_BBOX") or DEFAULT_COUNTY_BBOX if has_app_context()
                        else DEFAULT_COUNTY_BBOX)


def date_problems(days: dict[str, Optional[date]], kind: str, today: Optional[date] = None) -> dict[str, Any]:
    """{field: why} for each of `days` outside the configured date window (core.dates) seen from `today`."""
    window, today = dates.window(), today or date.today()
    return {key: problem for key, day in days.items()
            if (problem := window.problem(day, today=today, kind=kind)) is not None}


def snapshot_values(values: dict[str, Any], status: str) -> dict[str, Any]:
    """What the audit trail records of a project: its stored fields and status."""
    return {**{key: values[key] for key in PROJECT_FIELDS}, "status": status}


def _snapshot(project: Project) -> dict[str, Any]:
    return {key: getattr(project, key) for key in PROJECT_FIELDS + ("status",)}


def new_status_problems(status: str, reason: str) -> dict[str, Any]:
    """Why a new project cannot start in `status` with `reason`: only as proposed, or as approved
    with the reason it was approved before it was entered (projects.lifecycle)."""
    if status not in lifecycle.INITIAL_STATUSES:
        return {"status": _l("A new project starts as proposed, or as approved with a reason; it then moves "
                             "along its lifecycle (%(status)s is reached that way).",
                             status=STATUSES.get(status, status))}
    if lifecycle.initial_needs_reason(status) and not (reason or "").strip():
        return {"reason": _l("A project entered as already approved needs the reason, e.g. its approval "
                             "document.")}
    return {}


def initial_change(project_id: int, status: str, reason: str, user_id: Optional[int]) -> Optional[dict[str, Any]]:
    """The change record of a project entered as already approved (None when entered as proposed)."""
    if not lifecycle.initial_needs_reason(status):
        return None
    return {"project_id": project_id, "field": "status", "old_value": None, "new_value": status,
            "reason": reason.strip(), "user_id": user_id}


def create_project(data: ProjectInput, actor=None, reason: str = "") -> Project:
    """Store a new project, proposed or (with `reason`) approved; raises PlanningError with every
    problem found (an account scoped to a township stores proposals of its own area only)."""
    errors = {**check_project_input(data), **new_status_problems(data.status, reason)}
    if not errors.get("area_id") and not area_in_scope(actor, db.session.get(Area, data.area_id)):
        errors["area_id"] = _l("This area is outside your township.")
    if data.status != "proposed" and scope_area_id(actor) is not None:
        errors["status"] = _l("Only the county planning office approves and accepts projects.")
    elif data.status in lifecycle.TRANSITIONS and "status" not in errors:
        errors.update(entered_past_proposal_problems(data.status, actor))
    if errors:
        raise PlanningError(errors)
    project = Project(**data.values(), status=data.status, allocated_fen=0, spent_fen=0)
    db.session.add(project)
    db.session.flush()
    change = initial_change(project.id, data.status, reason, getattr(actor, "id", None))
    if change is not None:
        db.session.add(ProjectChange(**change))
    record("project.create", user=actor, object_type="project", object_id=project.id,
           after=creation_record(_snapshot(project), data.status, reason))
    return project


def entered_past_proposal_problems(status: str, actor) -> dict[str, Any]:
    """Why a new project cannot be entered at `status` (beyond proposed): the gates every move to it
    holds (projects.gates.creation_problems), with what to do instead on the status field."""
    problems = creation_problems(status, actor)
    if problems:
        problems["status"] = _l("A new project is entered as proposed: it is approved once its targets are "
                                "stated and its pre-approval notice has run.")
    return problems


def creation_record(snapshot: dict[str, Any], status: str, reason: str) -> dict[str, Any]:
    """What the audit event of a new project records: its fields, and why it starts approved."""
    return {**snapshot, "reason": reason.strip()} if lifecycle.initial_needs_reason(status) else snapshot


def update_project(project: Project, data: ProjectInput, actor=None, reason: str = "",
                   expected_version: Optional[int] = None) -> list[ProjectChange]:
    """Change a project's fields. After approval a budget or planned-date change needs `reason`
    and leaves a change record per field. `expected_version` refuses a save based on stale data."""
    if expected_version is not None and expected_version != project.version:
        raise PlanningError({"version": _l("This project was changed by someone else while you were editing. "
                                           "Reload it and make your change again.")})
    errors = check_project_input(data, existing=project)
    if not (area_in_scope(actor, project.area) and area_in_scope(actor, db.session.get(Area, data.area_id))):
        errors["area_id"] = _l("This area is outside your township.")
    values = data.values()
    controlled = [key for key in lifecycle.CONTROLLED_FIELDS if values[key] != getattr(project, key)]
    if controlled and lifecycle.plan_is_controlled(project.status) and not reason.strip():
        errors["reason"] = _l("The project is approved: give a reason for changing its budget or planned dates.")
    if errors:
        raise PlanningError(errors)
    before = _snapshot(project)
    rules_read = any(values[key] != getattr(project, key) for key in RULE_FACTS)
    if rules_read:
        project_money().lock_for_project_change(project.id)
    changes = []
    if lifecycle.plan_is_controlled(project.status):
        changes = [ProjectChange(project_id=project.id, field=key, old_value=_text(getattr(project, key)),
                                 new_value=_text(values[key]), reason=reason.strip(),
                                 user_id=getattr(actor, "id", None)) for key in controlled]
        db.session.add_all(changes)
    for key, value in values.items():
        setattr(project, key, value)
    db.session.flush()
    if before["planned_start"] != project.planned_start:
        refresh_accrual(project.id)
    if rules_read:
        project_money().project_changed(project.id)
    after = _snapshot(project)
    diff = {key for key in after if after[key] != before[key]}
    if diff:
        record("project.update", user=actor, object_type="project", object_id=project.id,
               before={k: before[k] for k in diff}, after={**{k: after[k] for k in diff}, "reason": reason.strip()})
    return changes


def _text(value) -> Optional[str]:
    return None if value is None else str(value)


def check_status_move(current: str, target: str, reason: str, unfinished: Callable[[], int],
                      planned: Optional[Callable[[], int]] = None) -> None:
    """Raise PlanningError unless a project may move from `current` to `target` with `reason`;
    `unfinished()` counts its milestones below 100% and `planned()` all of them, asked only for a
    move to completed (which needs a plan, all of it done)."""
    if not lifecycle.can_move(current, target):
        raise PlanningError({"status": _l("A project cannot go from %(current)s to %(target)s.",
                                          current=STATUSES.get(current, current), target=STATUSES.get(target, target))})
    if lifecycle.reason_required(current, target) and not reason.strip():
        raise PlanningError({"reason": _l("Give a reason for this status change.")})
    if target == "completed":
        count = unfinished()
        if count:
            raise PlanningError({"status": _l("%(n)d milestones are not finished yet.", n=count)})
        if planned is not None and not planned():
            raise PlanningError({"status": _l("A project without milestones cannot be completed: plan them "
                                              "first.")})


def status_move_dates(current: str, target: str, actual_start: Optional[date], actual_end: Optional[date],
                      day: date) -> tuple[Optional[date], Optional[date]]:
    """The actual start and end after a move: dated when missing, the end cleared on reopening."""
    if target == "in_progress" and actual_start is None:
        actual_start = day
    if target == "completed" and actual_end is None:
        actual_end = max(day, actual_start or day)
    if current == "completed" and target == "in_progress":
        actual_end = None  # reopened: it will be dated again when it is completed again
    return actual_start, actual_end


def check_move(project: Project, target: str, reason: str, actor=None) -> None:
    """check_status_move for a stored project (its milestones counted when it matters), then the gates
    other rules hold on the move (projects.gates: the library's review, the notices' periods)."""
    check_status_move(project.status, target, reason, lambda: _milestone_count(project.id, unfinished=True),
                      lambda: _milestone_count(project.id))
    problems = gate_problems(project, target, actor)
    if problems:
        raise PlanningError(problems)


def lock_project(project: Project) -> None:
    """Hold the project's row until the transaction ends (SQLite: the writer lock), so that what a move
    or a review checks (its status, its review, the notices' objections) stays as read until it
    commits; everything the session read before is expired, to be read again.

    Lock order (core.database): money takes source, allocation, contract, then project; so a step
    that locks the project first must never lock a source after it, and one that will (a move that
    dates the actual end, in change_status) takes the project's sources first."""
    take_write_lock(db.session)
    db.session.flush()
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    # Whatever was read before the lock (the page's own check of the move loaded the notices and their
    # objections) may be stale: read it all again from here on.
    db.session.expire_all()


def change_status(project: Project, target: str, actor=None, reason: str = "",
                  on_date: Optional[date] = None) -> None:
    """Move a project along its lifecycle, recording the change; dates the start and end when missing.

    The project's row is locked before anything is checked, so a move and what its gates read (an
    objection received, a review) never interleave; a move that may date or clear the actual end,
    which the fund rules read, first takes the locks of the project's sources (house lock order)."""
    if target in ENDING_TARGETS:
        project_money().lock_for_project_change(project.id)
    lock_project(project)
    current = project.status
    check_move(project, target, reason, actor)
    day = on_date or date.today()
    if current == "proposed" and target == "approved":
        project.library_year = day.year
    actual_start, actual_end = status_move_dates(current, target, project.actual_start, project.actual_end, day)
    ended = actual_end != project.actual_end  # the fund rules read the actual end (spending after it)
    if actual_start != project.actual_start:
        project.actual_start = actual_start
    if ended:
        project.actual_end = actual_end
    project.status = target
    db.session.add(ProjectChange(project_id=project.id, field="status", old_value=current, new_value=target,
                                 reason=reason.strip() or "-", user_id=getattr(actor, "id", None)))
    db.session.flush()
    if ended:
        project_money().project_changed(project.id)
    after_move(project, current, target, actor)
    record("project.status", user=actor, object_type="project", object_id=project.id,
           before={"status": current}, after={"status": target, "reason": reason.strip()})


def _milestone_count(project_id: int, unfinished: bool = False) -> int:
    """How many milestones the project has (below 100% only, with `unfinished`)."""
    conditions = [Milestone.project_id == project_id] + ([Milestone.progress_pct < 100] if unfinished else [])
    return int(db.session.scalar(select(func.count(Milestone.id)).where(*conditions)) or 0)


def refresh_accrual(project_id: int) -> None:
    """Recompute when each of the project's milestones starts to accrue (projects.accrual), after a
    planned date, a milestone or the project's planned start changed; only the rows that move."""
    planned_start = db.session.scalar(select(Project.planned_start).where(Project.id == project_id))
    rows = db.session.execute(select(Milestone.id, Milestone.planned_date, Milestone.accrues_from)
                              .where(Milestone.project_id == project_id)).all()
    starts = accrual_starts(((row.id, row.planned_date) for row in rows), planned_start)
    moved = [{"milestone_id": row.id, "start": starts[row.id]} for row in rows if row.accrues_from != starts[row.id]]
    if moved:
        table = Milestone.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("milestone_id"))
                           .values(accrues_from=bindparam("start")), moved)


def refresh_progress(project_id: int) -> None:
    """Recompute the project's stored cost-weighted progress from its milestones."""
    pairs = db.session.execute(select(Milestone.planned_cost_fen, Milestone.progress_pct)
                               .where(Milestone.project_id == project_id)).all()
    db.session.execute(update(Project).where(Project.id == project_id)
                       .values(progress_bp=weighted_progress_bp(pairs)).execution_options(synchronize_session="fetch"))


CLOSED_PLAN_STATUSES = ("cancelled", "accepted")  # where the milestones' plan no longer changes


def can_change_plan(project_status: str) -> bool:
    """True when milestones may be planned or re-planned (the page offers those forms only then)."""
    return project_status not in CLOSED_PLAN_STATUSES


def milestone_problems(project_status: str, name: str, planned_date: Optional[date],
                       planned_cost_fen: Optional[int], today: Optional[date] = None) -> dict[str, Any]:
    """Every problem with a milestone's plan, for a project in `project_status`."""
    errors: dict[str, Any] = date_problems({"planned_date": planned_date}, dates.PLAN, today)
    if not (name or "").strip():
        errors["name"] = _l("Enter the milestone name.")
    if planned_date is None:
        errors["planned_date"] = _l("Enter the planned date.")
    if planned_cost_fen is None or planned_cost_fen < 0:
        errors["planned_cost_fen"] = _l("The planned cost cannot be negative.")
    if not can_change_plan(project_status):
        errors["project"] = _l("The plan of a cancelled or accepted project cannot change.")
    return errors


def _check_milestone(project: Project, name: str, planned_date: Optional[date],
                     planned_cost_fen: Optional[int]) -> None:
    errors = milestone_problems(project.status, name, planned_date, planned_cost_fen)
    if errors:
        raise PlanningError(errors)


NO_PROGRESS_STATUSES = ("proposed", "cancelled", "accepted")  # where a progress report is refused


def can_record_progress(project_status: str) -> bool:
    """True when progress may be reported on the project's milestones (the page shows the form only then)."""
    return project_status not in NO_PROGRESS_STATUSES


def progress_problems(project_status: str, progress_pct: Optional[int], reported_on: Optional[date],
                      today: Optional[date] = None, *, previous_pct: Optional[int] = None,
                      reason: str = "") -> dict[str, Any]:
    """Every problem with a progress report on a milestone of a project in `project_status`: work is
    reported when it has been done (never dated in the future), and progress that falls (from
    `previous_pct`) says why in `reason`."""
    errors: dict[str, Any] = date_problems({"reported_on": reported_on}, dates.PAST, today)
    if progress_pct is None or not 0 <= progress_pct <= 100:
        errors["progress_pct"] = _l("Progress is a whole number from 0 to 100.")
    elif previous_pct is not None and progress_pct < previous_pct and not (reason or "").strip():
        errors["note"] = _l("Progress falls from %(before)d%% to %(after)d%%: say why in the note.",
                            before=previous_pct, after=progress_pct)
    if reported_on is None:
        errors["reported_on"] = _l("Enter the date of the report.")
    if not can_record_progress(project_status):
        errors["progress_pct"] = _l("Progress can only be recorded on an approved project that is not closed.")
    return errors


def add_milestone(project: Project, *, name: str, planned_date: date, planned_cost_fen: int, actor=None,
                  sequence: Optional[int] = None) -> Milestone:
    """Plan a new milestone, numbered after the last one unless `sequence` is given."""
    _check_milestone(project, name, planned_date, planned_cost_fen)
    if sequence is None:
        sequence = int(db.session.scalar(select(func.max(Milestone.sequence))
                                         .where(Milestone.project_id == project.id)) or 0) + 1
    milestone = Milestone(project_id=project.id, sequence=sequence, name=name.strip(), planned_date=planned_date,
                          planned_cost_fen=planned_cost_fen, progress_pct=0)
    db.session.add(milestone)
    db.session.flush()
    refresh_progress(project.id)
    refresh_accrual(project.id)
    record("milestone.create", user=actor, object_type="milestone", object_id=milestone.id,
           after={"project": project.code, "sequence": sequence, "name": milestone.name,
                  "planned_date": planned_date, "planned_cost_fen": planned_cost_fen})
    return milestone


def update_milestone(milestone: Milestone, *, name: str, planned_date: date, planned_cost_fen: int,
                     actor=None, reason: str = "") -> None:
    """Re-plan a milestone; after approval a date or cost change needs a reason, like the project's."""
    project = milestone.project
    _check_milestone(project, name, planned_date, planned_cost_fen)
    before = {"name": milestone.name, "planned_date": milestone.planned_date,
              "planned_cost_fen": milestone.planned_cost_fen}
    after = {"name": name.strip(), "planned_date": planned_date, "planned_cost_fen": planned_cost_fen}
    moved = [key for key in ("planned_date", "planned_cost_fen") if before[key] != after[key]]
    if moved and lifecycle.plan_is_controlled(project.status) and not reason.strip():
        raise PlanningError({"reason": _l(
            "The project is approved: give a reason for changing a milestone's date or cost.")})
    for key in moved:
        db.session.add(ProjectChange(project_id=project.id, field=f"milestone {milestone.sequence} {key}",
                                     old_value=_text(before[key]), new_value=_text(after[key]),
                                     reason=reason.strip(), user_id=getattr(actor, "id", None)))
    milestone.name, milestone.planned_date, milestone.planned_cost_fen = after["name"], planned_date, planned_cost_fen
    db.session.flush()
    refresh_progress(project.id)
    if "planned_date" in moved:
        refresh_accrual(project.id)
    if before != after:
        record("milestone.update", user=actor, object_type="milestone", object_id=milestone.id,
               before=before, after={**after, "reason": reason.strip()})


def record_progress(milestone: Milestone, *, progress_pct: int, reported_on: date, note: str = "",
                    actor=None) -> ProgressUpdate:
    """Report a milestone's % complete on a day (not a future one); at 100% the day becomes its actual
    date. Lowering the progress needs a `note` saying why."""
    _lock_milestone(milestone)
    errors = progress_problems(milestone.project.status, progress_pct, reported_on,
                               previous_pct=milestone.progress_pct, reason=note)
    if errors:
        raise PlanningError(errors)
    before = {"progress_pct": milestone.progress_pct, "actual_date": milestone.actual_date}
    milestone.progress_pct = progress_pct
    milestone.actual_date = reported_on if progress_pct == 100 else None
    update_row = ProgressUpdate(milestone_id=milestone.id, progress_pct=progress_pct, reported_on=reported_on,
                                note=(note or "").strip(), user_id=getattr(actor, "id", None))
    db.session.add(update_row)
    db.session.flush()
    refresh_progress(milestone.project_id)
    record("milestone.progress", user=actor, object_type="milestone", object_id=milestone.id, before=before,
           after={"progress_pct": progress_pct, "actual_date": milestone.actual_date, "note": update_row.note})
    return update_row


def _lock_milestone(milestone: Milestone) -> None:
    """Hold the milestone's row until the transaction ends and read its progress afresh, so that the
    "progress falls" check sees what a report committed meanwhile (SQLite: the writer lock)."""
    take_write_lock(db.session)
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Milestone.id).where(Milestone.id == milestone.id).with_for_update())
        db.session.refresh(milestone, ["progress_pct", "actual_date"])


def input_from_project(project: Project) -> ProjectInput:
    """A ProjectInput holding a stored project's current values (to edit a few of them)."""
    return ProjectInput(**{key: getattr(project, key) for key in PROJECT_FIELDS}, status=project.status)


__all__ = [
    "PlanningError",
    "ProjectInput",
    "add_milestone",
    "can_change_plan",
    "can_record_progress",
    "change_status",
    "check_move",
    "check_project_input",
    "check_status_move",
    "create_project",
    "creation_record",
    "entered_past_proposal_problems",
    "initial_change",
    "input_from_project",
    "lock_project",
    "milestone_problems",
    "new_status_problems",
    "progress_problems",
    "project_input_problems",
    "record_progress",
    "refresh_accrual",
    "refresh_progress",
    "snapshot_values",
    "status_move_dates",
    "update_milestone",
    "update_project",
]
