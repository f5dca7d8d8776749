"""Notice rules: the minimum period, what a notice discloses (frozen), objections and their handling,
and the gates a notice holds on approval and acceptance. Callers commit.

The minimum period (`NOTICE_MIN_DAYS`, 10 by default) and the supervision phone (`SUPERVISION_PHONE`)
are the county's settings. A notice runs from its start to its end date, both counted; it has run its
full period on the day after its end date.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from flask import current_app
from sqlalchemy import exists, select

from audit.services import record
from core import dates
from core.errors import Refused
from core.i18n import _l
from disclosure.models import NOTICE_KINDS, PLACES, Notice, Objection
from extensions import db
from projects.models import Project
from projects.money import project_money
from projects.scope import area_in_scope
from projects.services import lock_project
from projects.targets.services import snapshot_targets

# Which notice each gated move waits for.
GATED_MOVES = {("proposed", "approved"): "pre_approval", ("completed", "accepted"): "completion"}
# The project statuses in which each kind of notice may be posted.
KIND_STATUSES = {"pre_approval": ("proposed",), "completion": ("completed",),
                 "fund_use": ("approved", "in_progress", "suspended", "completed", "accepted")}

# Once a project has made the move a notice gates, an objection to that notice can no longer hold it:
# the statuses past each gate, and why an objection is then refused.
GATE_PASSED = {
    "pre_approval": (frozenset({"approved", "in_progress", "suspended", "completed", "accepted"}),
                     _l("The project has already been approved: an objection to its pre-approval notice can no "
                        "longer be recorded here. Pass it to the supervision office as a complaint.")),
    "completion": (frozenset({"accepted"}),
                   _l("The project has already been accepted: an objection to its completion notice can no "
                      "longer be recorded here. Pass it to the supervision office as a complaint.")),
}


class NoticeError(Refused):
    """A refused notice or objection."""


def disclosed(today: date):
    """The SQL condition "the project is disclosed on `today`": one of its notices has started. The public
    pages and the OC4IDS export show exactly these projects."""
    return exists().where(Notice.project_id == Project.id, Notice.start_date <= today)


def min_days() -> int:
    """The shortest period a notice may run, in days (the county's setting)."""
    return int(current_app.config.get("NOTICE_MIN_DAYS", 10))


def notice_problems(status: str, kind: str, place: str, start: Optional[date], end: Optional[date],
                    minimum: int, today: date) -> dict[str, Any]:
    """Every problem with a notice of `kind` for a project in `status` (pure)."""
    errors: dict[str, Any] = {}
    if kind not in NOTICE_KINDS:
        errors["kind"] = _l("Unknown kind of notice.")
    elif status not in KIND_STATUSES[kind]:
        errors["kind"] = _l("This kind of notice cannot be posted for a project in this status.")
    if place not in PLACES:
        errors["place"] = _l("Say where the notice is posted.")
    if start is None:
        errors["start_date"] = _l("Enter the first day of the notice.")
    if end is None:
        errors["end_date"] = _l("Enter the last day of the notice.")
    if start and end:
        if end < start:
            errors["end_date"] = _l("The end date is before the start date.")
        elif (end - start).days + 1 < minimum:
            errors["end_date"] = _l("A notice runs at least %(n)d days, both ends counted.", n=minimum)
    window = dates.window()
    for key, day in (("start_date", start), ("end_date", end)):
        problem = window.problem(day, today=today, kind=dates.PLAN)
        if problem is not None:
            errors[key] = problem
    return errors


def snapshot(project: Project) -> dict[str, Any]:
    """What a notice of `project` discloses, as plain values (no internal ids, no personal data)."""
    area = project.area
    if project.status == "proposed":  # nothing allocated before approval: the library entry's plan
        funding = [{"source": line.source_name, "amount_fen": line.planned_fen}
                   for line in project_money().planned_funding([project.id]).get(project.id, []) if line.planned_fen]
    else:
        funding = [{"source": line.source_name, "amount_fen": line.allocated_fen}
                   for line in project_money().funding_by_source(project.id)]
    scale = f"{project.scale_quantity} {project.scale_unit or ''}".strip() if project.scale_quantity is not None else ""
    return {
        "code": project.code, "name": project.name, "category": project.category, "nature": project.nature,
        "township": area.parent.name_zh if area.parent else area.name_zh,
        "village": area.name_zh if area.parent else "",
        "content": project.description, "scale": scale, "budget_fen": project.budget_fen, "funding": funding,
        "planned_start": project.planned_start.isoformat() if project.planned_start else None,
        "planned_end": project.planned_end.isoformat() if project.planned_end else None,
        "actual_start": project.actual_start.isoformat() if project.actual_start else None,
        "actual_end": project.actual_end.isoformat() if project.actual_end else None,
        "responsible_unit": project.responsible_unit, "contractor": project.contractor,
        "beneficiaries": project.beneficiaries, "beneficiary_count": project.beneficiary_count,
        "beneficiary_poverty_count": project.beneficiary_poverty_count,
        "beneficiary_monitored_count": project.beneficiary_monitored_count,
        "benefit_linkage": project.benefit_linkage,
        "targets": snapshot_targets(project.id),
        "supervision_phone": current_app.config.get("SUPERVISION_PHONE", ""),
    }


def post_notice(project: Project, *, kind: str, place: str, start_date: Optional[date], end_date: Optional[date],
                actor=None, today: Optional[date] = None) -> Notice:
    """Record a notice posted for `project`, freezing what it discloses."""
    if not area_in_scope(actor, project.area):
        raise NoticeError({"project": _l("This area is outside your township.")})
    errors = notice_problems(project.status, kind, place, start_date, end_date, min_days(), today or date.today())
    if errors:
        raise NoticeError(errors)
    assert start_date is not None and end_date is not None
    notice = Notice(project_id=project.id, kind=kind, place=place, start_date=start_date, end_date=end_date,
                    snapshot=snapshot(project), created_by_id=getattr(actor, "id", None))
    db.session.add(notice)
    db.session.flush()
    record("notice.create", user=actor, object_type="notice", object_id=notice.id,
           after={"project": project.code, "kind": kind, "place": place, "start_date": start_date,
                  "end_date": end_date})
    return notice


def receive_objection(notice: Notice, *, received_on: Optional[date], summary: str, actor=None,
                      today: Optional[date] = None) -> Objection:
    """Record an objection received about a notice. The project's row is locked first (as its status
    moves lock it), so an objection and an approval sent together queue: the objection either reaches
    the approval's gate or, once the project has passed that gate, is refused."""
    project = db.session.get_one(Project, notice.project_id)
    lock_project(project)
    errors: dict[str, Any] = {}
    passed = GATE_PASSED.get(notice.kind)
    if passed is not None and project.status in passed[0]:
        raise NoticeError({"received_on": passed[1]})
    if not (summary or "").strip():
        errors["summary"] = _l("Say what the objection is about.")
    if received_on is None:
        errors["received_on"] = _l("Enter the day the objection was received.")
    elif received_on < notice.start_date:
        errors["received_on"] = _l("The notice had not started on that day.")
    elif received_on > (today or date.today()):
        errors["received_on"] = _l("That day has not come yet.")
    if errors:
        raise NoticeError(errors)
    objection = Objection(notice_id=notice.id, received_on=received_on, summary=summary.strip(), handling="",
                          result="")
    db.session.add(objection)
    db.session.flush()
    record("objection.create", user=actor, object_type="notice", object_id=notice.id,
           after={"objection": objection.id, "received_on": received_on, "summary": objection.summary})
    return objection


def resolve_objection(objection: Objection, *, handling: str, result: str, resolved_on: Optional[date],
                      actor=None, today: Optional[date] = None) -> None:
    """Record how an objection was handled and its result; it then no longer holds the gate."""
    errors: dict[str, Any] = {}
    if objection.resolved_on is not None:
        errors["handling"] = _l("This objection is already resolved.")
    if not (handling or "").strip():
        errors["handling"] = _l("Say how the objection was handled.")
    if not (result or "").strip():
        errors["result"] = _l("Say what the result was.")
    if resolved_on is None or resolved_on < objection.received_on or resolved_on > (today or date.today()):
        errors["resolved_on"] = _l("Enter a day between receiving the objection and today.")
    if errors:
        raise NoticeError(errors)
    objection.handling, objection.result, objection.resolved_on = handling.strip(), result.strip(), resolved_on
    db.session.flush()
    record("objection.resolve", user=actor, object_type="notice", object_id=objection.notice_id,
           after={"objection": objection.id, "handling": objection.handling, "result": objection.result,
                  "resolved_on": resolved_on})


def gate_message(kind: str, notices: list[Notice], today: date) -> Optional[Any]:
    """Why no notice of `kind` among `notices` clears its gate on `today`, or None when one does (pure)."""
    label = NOTICE_KINDS[kind]
    candidates = [notice for notice in notices if notice.kind == kind]
    if not candidates:
        return _l("No %(kind)s has been posted.", kind=label)
    for notice in candidates:
        if notice.end_date < today and all(o.resolved_on is not None for o in notice.objections):
            return None
    latest = max(candidates, key=lambda notice: notice.end_date)
    if latest.end_date >= today:
        return _l("The %(kind)s runs until %(end)s: wait until it has run its full period.", kind=label,
                  end=latest.end_date.isoformat())
    open_ones = [o for o in latest.objections if o.resolved_on is None]
    return _l("An objection received on %(day)s to the %(kind)s is not resolved.", kind=label,
              day=open_ones[0].received_on.isoformat())


def notice_gate(project, target: str, actor) -> Optional[dict[str, Any]]:
    """The projects.gates gate: approval waits for the pre-approval notice, acceptance for the completion
    notice, each run in full with every objection resolved."""
    kind = GATED_MOVES.get((project.status, target))
    if kind is None:
        return None
    notices = list(db.session.scalars(select(Notice).where(Notice.project_id == project.id)))
    message = gate_message(kind, notices, date.today())
    return None if message is None else {"notice": message}
