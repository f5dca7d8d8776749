"""Writing an import plan: new projects in bulk, stored projects through projects.services.

A project the database does not hold yet is written in bulk with its milestones, progress reports
and late status move: each is checked by the rules projects.services applies (the same functions,
the same messages), then projects, milestones, progress reports and status change records are
inserted with one executemany per table (core.bulk.insert_with_ids gives their ids back, on SQLite
and PostgreSQL alike). The rows are stored as the services would leave them after creating the
project, adding each milestone, recording its progress and moving its status: the same values,
the same version, the same change records, the same audit events.

A stored project, and its milestones, go through the services one at a time, as the web forms do;
bulk rows waiting to be inserted are written before each such call, so every table gets its rows
in the plan's order whichever path wrote them.

Audit events are collected in the plan's order and appended to the hash chain in one insert at the
end (audit.services.deferred): one event per project created or changed, per milestone created or
changed, per progress report and per status move, exactly as before.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from sqlalchemy import insert, select

from audit.services import collect, new_event
from core.bulk import insert_with_ids
from extensions import db
from projects import lifecycle, services
from projects.accrual import accrual_starts
from projects.gates import after_move, heard
from projects.imports.plan import UNCHANGED, MilestoneRow, ProjectRow
from projects.models import Area, Milestone, ProgressUpdate, Project, ProjectChange
from projects.progress import weighted_progress_bp
from projects.services import PlanningError


@dataclass
class NewProject:
    """A project the import creates, with what is written for it."""

    row: ProjectRow
    values: dict[str, Any]  # its stored fields, as ProjectInput.values() gives them
    milestones: list[MilestoneRow] = field(default_factory=list)  # its new milestones, in the plan's order
    event: dict[str, Any] = field(default_factory=dict)  # its project.create audit event
    library_event: Optional[dict[str, Any]] = None  # its library.update audit event, when the row gives an entry
    id: Optional[int] = None

    @property
    def status(self) -> str:
        """Its status while its milestones are written (before a late move)."""
        return self.row.data.status

    @property
    def moves(self) -> list[str]:
        """The statuses it moves through after its milestones, to the one its row asks for."""
        return lifecycle.path(self.status, self.row.late_status) if self.row.late_status else []

    def progress(self, milestone: MilestoneRow) -> int:
        """A new milestone's % complete once written."""
        return milestone.reported_progress() if milestone.progress_changed else 0

    def accrues_from(self, milestone: MilestoneRow):
        """When a new milestone starts to accrue (services.refresh_accrual's rule), among the others of
        the project: they are inserted in this order, so their ids ascend in it and break ties of dates."""
        starts = accrual_starts(((position, row.planned_date) for position, row in enumerate(self.milestones)
                                 if row.planned_date is not None), self.values["planned_start"])
        return starts[next(position for position, row in enumerate(self.milestones) if row is milestone)]


class PlanWriter:
    """Writes one plan in the caller's transaction; audit events go to the enclosing deferred() block."""

    def __init__(self, actor, day: date, file_name: str):
        self.actor, self.day = actor, day
        self.user_id = getattr(actor, "id", None)
        self.note = f"import {file_name}"[:200].strip()
        self.new: dict[str, NewProject] = {}
        # Bulk rows not inserted yet: milestones (row, milestone.create event, milestone.progress event
        # or None) and status change records.
        self.pending_milestones: list[tuple[dict, dict, Optional[dict]]] = []
        self.pending_changes: list[dict] = []

    # --- the plan, in the order the per-row path wrote it ------------------------------------

    def write(self, plan, stored: dict[str, Project]) -> None:
        """Write `plan`; `stored` holds the projects it names that the database holds now (with their
        milestones), as projects.importing.load_projects gives them."""
        # Held until the end: the services look each area up by id, which then costs no query.
        areas = db.session.scalars(select(Area)).all()
        area_ids = {area.id for area in areas}
        new_milestones: dict[str, list[MilestoneRow]] = {}
        for milestone_row in plan.milestones:
            if milestone_row.project_code not in stored and milestone_row.existing_id is None:
                new_milestones.setdefault(milestone_row.project_code, []).append(milestone_row)
        for row in plan.projects:
            if row.code in stored:
                self._insert_projects()  # the new projects before it stand as the services would have left them
                stored[row.code] = self._write_stored_project(row, stored[row.code])
            else:
                self._prepare_new_project(row, area_ids, new_milestones.get(row.code, []))
        self._insert_projects()
        for milestone_row in plan.milestones:
            new = self.new.get(milestone_row.project_code)
            if new is not None and milestone_row.existing_id is None:
                self._prepare_milestone(new, milestone_row)
            elif milestone_row.action != UNCHANGED:
                self._flush_milestones()
                self._write_stored_milestone(milestone_row, stored.get(milestone_row.project_code))
        self._flush_milestones()
        for row in plan.projects:
            if not row.late_status:
                continue
            if row.code in self.new:
                self._prepare_late_status(self.new[row.code], row.late_status)
            else:
                self._flush_changes()
                services.change_status(stored[row.code], row.late_status, self.actor, reason=row.reason,
                                       on_date=self.day)
        self._flush_changes()
        del areas

    def new_ids(self) -> dict[str, int]:
        """{code: id} of the projects written new."""
        return {code: new.id for code, new in self.new.items() if new.id is not None}

    # --- stored projects: the services, one at a time --------------------------------------------

    def _write_stored_project(self, row: ProjectRow, project: Project) -> Project:
        if row.fields_changed:
            services.update_project(project, row.data, self.actor, reason=row.reason)
        if row.library_changed:
            before = {key: getattr(project, key) for key in row.library}
            changed = [key for key, value in row.library.items() if value != before[key]]
            for key in changed:
                setattr(project, key, row.library[key])
            db.session.flush()
            collect(new_event("library.update", user=self.actor, object_type="project", object_id=project.id,
                              before={key: before[key] for key in changed},
                              after={key: row.library[key] for key in changed}))
        if row.early_status:
            services.change_status(project, row.early_status, self.actor, reason=row.reason, on_date=self.day)
        return project

    def _write_stored_milestone(self, row: MilestoneRow, project: Optional[Project]) -> None:
        if row.existing_id is None:
            assert project is not None  # a new milestone of a project not new in the file: the plan found it stored
            planned_date, planned_cost_fen = row.planned()
            milestone = services.add_milestone(project, name=row.name, planned_date=planned_date,
                                               planned_cost_fen=planned_cost_fen, actor=self.actor,
                                               sequence=row.sequence)
        else:
            milestone = db.session.get_one(Milestone, row.existing_id)
            if row.plan_changed:
                planned_date, planned_cost_fen = row.planned()
                services.update_milestone(milestone, name=row.name, planned_date=planned_date,
                                          planned_cost_fen=planned_cost_fen, actor=self.actor, reason=row.reason)
        if row.progress_changed:
            services.record_progress(milestone, progress_pct=row.reported_progress(), reported_on=self.day,
                                     note=self.note, actor=self.actor)

    # --- new projects: checked like the services check them, inserted in bulk ----------------------

    def _prepare_new_project(self, row: ProjectRow, area_ids: set[int], milestones: list[MilestoneRow]) -> None:
        """services.create_project's checks and audit event; the row is inserted with the others (with
        `milestones`, its new milestones in the plan's order, known)."""
        values = row.data.values()
        errors = {**services.project_input_problems(row.data, values, code_taken=False,
                                                    area_known=values["area_id"] in area_ids, new=True),
                  **services.new_status_problems(row.data.status, row.reason)}
        if not errors:  # entered at a later status: the gates of every move to it (projects.gates)
            errors = services.entered_past_proposal_problems(row.late_status or row.data.status, self.actor)
        if errors:
            raise PlanningError(errors)
        new = NewProject(row, values, list(milestones))
        new.event = new_event("project.create", user=self.actor, object_type="project",
                              after=services.creation_record(services.snapshot_values(values, row.data.status),
                                                             row.data.status, row.reason))
        collect(new.event)
        given = {key: value for key, value in row.library.items() if value not in (None, "")}
        if given:
            new.library_event = new_event("library.update", user=self.actor, object_type="project", after=given)
            collect(new.library_event)
        self.new[row.code] = new

    def _insert_projects(self) -> None:
        """Insert the new projects not inserted yet, each as it will stand once its milestones and status
        moves are written, with the change record of one that starts approved (as create_project
        writes it: before whatever the plan does next)."""
        waiting = [new for new in self.new.values() if new.id is None]
        if not waiting:
            return
        ids = insert_with_ids(Project.__table__, [self._final_values(new) for new in waiting], ("code",))
        for new, project_id in zip(waiting, ids):
            new.id = project_id
            new.event["object_id"] = str(project_id)
            if new.library_event is not None:
                new.library_event["object_id"] = str(project_id)
            change = services.initial_change(project_id, new.status, new.row.reason, self.user_id)
            if change is not None:
                self.pending_changes.append(change)
        self._flush_changes()

    def _final_values(self, new: NewProject) -> dict[str, Any]:
        """The project's row: its fields, status, dates, progress and version once fully written."""
        status, version = new.status, 1
        actual_start, actual_end = new.values["actual_start"], new.values["actual_end"]
        for target in new.moves:  # checked in _prepare_late_status
            # As change_status leaves it: dated as each move dates it, its version bumped once by each.
            actual_start, actual_end = services.status_move_dates(status, target, actual_start, actual_end, self.day)
            status, version = target, version + 1
        progress_bp = None
        if new.milestones:
            progress_bp = weighted_progress_bp((m.planned()[1], new.progress(m)) for m in new.milestones)
        return {**new.values, **new.row.library, "actual_start": actual_start, "actual_end": actual_end,
                "status": status, "allocated_fen": 0, "spent_fen": 0, "progress_bp": progress_bp, "version": version}

    def _prepare_milestone(self, new: NewProject, row: MilestoneRow) -> None:
        """services.add_milestone, then services.record_progress when the row gives progress."""
        errors = services.milestone_problems(new.status, row.name, row.planned_date, row.planned_cost_fen)
        if errors:
            raise PlanningError(errors)
        name = row.name.strip()
        created = new_event("milestone.create", user=self.actor, object_type="milestone",
                            after={"project": new.row.code, "sequence": row.sequence, "name": name,
                                   "planned_date": row.planned_date, "planned_cost_fen": row.planned_cost_fen})
        collect(created)
        progress_pct, actual_date, progressed = 0, None, None
        if row.progress_changed:
            errors = services.progress_problems(new.status, row.progress_pct, self.day)
            if errors:
                raise PlanningError(errors)
            progress_pct = row.progress_pct
            actual_date = self.day if progress_pct == 100 else None
            progressed = new_event("milestone.progress", user=self.actor, object_type="milestone",
                                   before={"progress_pct": 0, "actual_date": None},
                                   after={"progress_pct": progress_pct, "actual_date": actual_date, "note": self.note})
            collect(progressed)
        values = {"project_id": new.id, "sequence": row.sequence, "name": name, "planned_date": row.planned_date,
                  "planned_cost_fen": row.planned_cost_fen, "progress_pct": progress_pct, "actual_date": actual_date,
                  "note": "", "accrues_from": new.accrues_from(row)}
        self.pending_milestones.append((values, created, progressed))

    def _flush_milestones(self) -> None:
        """Insert the waiting milestones, then the progress reports of those that have one."""
        if not self.pending_milestones:
            return
        ids = insert_with_ids(Milestone.__table__, [values for values, _, _ in self.pending_milestones],
                              ("project_id", "sequence"))
        updates = []
        for (values, created, progressed), milestone_id in zip(self.pending_milestones, ids):
            created["object_id"] = str(milestone_id)
            if progressed is not None:
                progressed["object_id"] = str(milestone_id)
                updates.append({"milestone_id": milestone_id, "progress_pct": values["progress_pct"],
                                "reported_on": self.day, "note": self.note, "user_id": self.user_id})
        self.pending_milestones = []
        if updates:
            db.session.execute(insert(ProgressUpdate.__table__), updates)

    def _prepare_late_status(self, new: NewProject, target: str) -> None:
        """services.change_status along the lifecycle to `target`, move by move, for a project created
        here: its milestones are those of the file."""
        current, reason = new.status, new.row.reason
        for following in new.moves:
            services.check_status_move(current, following, reason,
                                       lambda: sum(1 for m in new.milestones if new.progress(m) < 100),
                                       lambda: len(new.milestones))
            self.pending_changes.append({"project_id": new.id, "field": "status", "old_value": current,
                                         "new_value": following, "reason": reason.strip() or "-",
                                         "user_id": self.user_id})
            if heard(following):  # what change_status tells after the move (assets: the draft on acceptance)
                after_move(db.session.get_one(Project, new.id), current, following, self.actor)
            collect(new_event("project.status", user=self.actor, object_type="project", object_id=new.id,
                              before={"status": current}, after={"status": following, "reason": reason.strip()}))
            current = following

    def _flush_changes(self) -> None:
        if self.pending_changes:
            db.session.execute(insert(ProjectChange.__table__), self.pending_changes)
            self.pending_changes = []
