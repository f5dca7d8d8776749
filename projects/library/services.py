"""Library rules: the entry's required fields, proposing, the township's review, the county's approval.

Who does what: an account scoped to a township (projects.scope) proposes projects in its villages and
reviews them; only a county account (no area) approves into the library (the status move proposed ->
approved, checked in projects.services.change_status through `approval_problem`). Callers commit.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Optional

from audit.services import record
from core.i18n import _l
from extensions import db
from projects.models import NATURES, Area, Project
from projects.scope import area_in_scope, scope_area_id
from projects.services import PlanningError, ProjectInput, check_project_input, create_project, lock_project

DECISIONS = ("agree", "return")


@dataclass
class LibraryEntry:
    """What the library asks of a project beyond its plan (the plan's own fields are ProjectInput's)."""

    nature: Optional[str] = None
    beneficiaries: str = ""
    beneficiary_count: Optional[int] = None
    beneficiary_poverty_count: Optional[int] = None
    beneficiary_monitored_count: Optional[int] = None
    benefit_linkage: str = ""

    def values(self) -> dict[str, Any]:
        """The stored fields, text trimmed."""
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        for key in ("beneficiaries", "benefit_linkage"):
            data[key] = (data[key] or "").strip()
        return data


LIBRARY_FIELDS = tuple(item.name for item in fields(LibraryEntry))


def entry_problems(entry: LibraryEntry, plan: ProjectInput, area: Optional[Area]) -> dict[str, Any]:
    """Every problem with a proposal's library entry and the plan fields the library requires."""
    values, errors = entry.values(), {}
    if entry.nature not in NATURES:
        errors["nature"] = _l("Choose the nature of construction.")
    if area is None or area.parent_id is None:
        errors["area_id"] = _l("A proposal is located in a village or community: choose one.")
    if not values["beneficiaries"]:
        errors["beneficiaries"] = _l("Say who benefits.")
    counts = [values[key] for key in ("beneficiary_count", "beneficiary_poverty_count", "beneficiary_monitored_count")]
    if counts[0] is None:
        errors["beneficiary_count"] = _l("Enter how many people benefit.")
    if any(count is not None and count < 0 for count in counts):
        errors["beneficiary_count"] = _l("A number of people cannot be negative.")
    elif counts[0] is not None and sum(count or 0 for count in counts[1:]) > counts[0]:
        errors["beneficiary_poverty_count"] = _l(
            "Poverty-alleviated and monitored people are among the beneficiaries: they cannot outnumber them.")
    if not values["benefit_linkage"]:
        errors["benefit_linkage"] = _l("Describe the benefit-linkage mechanism.")
    if not (plan.description or "").strip():
        errors["description"] = _l("Describe the construction content and scale.")
    if not (plan.responsible_unit or "").strip():
        errors["responsible_unit"] = _l("Name the responsible unit.")
    if plan.planned_start is None or plan.planned_end is None:
        errors["planned_start"] = _l("Enter the planned start and end.")
    return errors


def _check_scope(actor, area: Optional[Area]) -> None:
    if not area_in_scope(actor, area):
        raise PlanningError({"area_id": _l("This area is outside your township.")})


def propose(plan: ProjectInput, entry: LibraryEntry, actor=None) -> Project:
    """A new proposal (status proposed, awaiting the township's review) with its library entry."""
    area = db.session.get(Area, plan.area_id) if plan.area_id is not None else None
    _check_scope(actor, area)
    plan.status = "proposed"
    errors = {**check_project_input(plan), **entry_problems(entry, plan, area)}
    if errors:
        raise PlanningError(errors)
    project = create_project(plan, actor=actor)
    for key, value in entry.values().items():
        setattr(project, key, value)
    project.review_state = "submitted"
    db.session.flush()
    record("library.propose", user=actor, object_type="project", object_id=project.id,
           after={**entry.values(), "review_state": "submitted"})
    return project


def update_entry(project: Project, entry: LibraryEntry, actor=None) -> None:
    """Change a project's library entry (a returned proposal is corrected this way, then resubmitted)."""
    lock_project(project)
    _check_scope(actor, project.area)
    plan = ProjectInput(code=project.code, name=project.name, category=project.category, area_id=project.area_id,
                        budget_fen=project.budget_fen, planned_start=project.planned_start,
                        planned_end=project.planned_end, responsible_unit=project.responsible_unit,
                        description=project.description)
    errors = entry_problems(entry, plan, project.area)
    if errors:
        raise PlanningError(errors)
    before = {key: getattr(project, key) for key in LIBRARY_FIELDS}
    after = entry.values()
    for key, value in after.items():
        setattr(project, key, value)
    db.session.flush()
    diff = [key for key in after if after[key] != before[key]]
    if diff:
        record("library.update", user=actor, object_type="project", object_id=project.id,
               before={key: before[key] for key in diff}, after={key: after[key] for key in diff})


def review(project: Project, decision: str, reason: str = "", actor=None) -> None:
    """The township's review of a proposal: agree, or return it with a reason. The project's row is
    locked first, so of two reviews sent together the second sees the first and is refused."""
    lock_project(project)
    _check_scope(actor, project.area)
    if project.status != "proposed" or project.review_state != "submitted":
        raise PlanningError({"decision": _l("Only a proposal awaiting review can be reviewed.")})
    if decision not in DECISIONS:
        raise PlanningError({"decision": _l("Agree or return the proposal.")})
    if decision == "return" and not reason.strip():
        raise PlanningError({"reason": _l("Say why the proposal is returned.")})
    project.review_state = "agreed" if decision == "agree" else "returned"
    project.review_note = reason.strip()
    db.session.flush()
    record("library.review", user=actor, object_type="project", object_id=project.id,
           before={"review_state": "submitted"}, after={"review_state": project.review_state,
                                                         "reason": project.review_note})


def resubmit(project: Project, actor=None) -> None:
    """Send a returned proposal, once corrected, back to the township for review."""
    lock_project(project)
    _check_scope(actor, project.area)
    if project.status != "proposed" or project.review_state != "returned":
        raise PlanningError({"decision": _l("Only a returned proposal can be submitted again.")})
    project.review_state = "submitted"
    db.session.flush()
    record("library.resubmit", user=actor, object_type="project", object_id=project.id,
           before={"review_state": "returned"}, after={"review_state": "submitted"})


def library_gate(project: Project, target: str, actor) -> Optional[dict[str, Any]]:
    """Why `actor` may not move `project` to `target` as far as the library is concerned, or None
    (installed as a projects.gates gate): only the county approves and accepts, and a proposal is
    approved only once its township agreed."""
    if target in ("approved", "accepted") and scope_area_id(actor) is not None:
        return {"status": _l("Only the county planning office approves and accepts projects.")}
    if target != "approved" or project.status != "proposed":
        return None
    if project.review_state == "submitted":
        return {"status": _l("The township has not reviewed this proposal yet.")}
    if project.review_state == "returned":
        return {"status": _l("The township returned this proposal: it must be corrected and agreed first.")}
    return None
