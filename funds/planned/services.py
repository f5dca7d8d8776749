"""Planned funding rules. Callers commit.

How the plan stays consistent with the money: the plan is what the library entry promised, the
allocations are what the sources gave, and they are shown side by side (`planned_lines`). Two rules
tie them: the amounts planned never add up to more than the project's budget, and a source's plan is
never set below what it has already allocated to the project (the plan may be raised to meet an
allocation, never lowered under it). An allocation itself is not refused for exceeding the plan (money
comes by the higher level's documents); the project page shows the difference. Setting a plan takes
the source's lock first (funds.ledger.services.lock_source), so an allocation cannot slip between the
check and the write, then the project's (projects.services.lock_project, the ledger's order: source
before project), so two sources planned for one project at once are checked against the budget one
after the other (each source's lock alone would let both through: tests/test_planned_races.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from audit.services import record
from core.i18n import _l
from core.money import MAX_TOTAL_FEN, format_yuan
from extensions import db
from funds.ledger.services import FundsError, lock_source
from funds.models import Allocation, FundSource
from funds.planned.models import PlannedFunding
from projects.models import Project
from projects.money import PlannedLine
from projects.scope import area_in_scope
from projects.services import lock_project

PLANNABLE_STATUSES = ("proposed", "approved", "in_progress", "suspended")


def plan_problems(status: str, amount_fen: int, allocated_fen: int, other_planned_fen: int,
                  budget_fen: int) -> dict[str, Any]:
    """Every problem with planning `amount_fen` from a source (pure): 0 removes the source's plan."""
    if status not in PLANNABLE_STATUSES:
        return {"amount_fen": _l("The funding plan of a completed or closed project cannot change.")}
    if amount_fen < 0 or amount_fen > MAX_TOTAL_FEN:
        return {"amount_fen": _l("Enter an amount of zero or more.")}
    if amount_fen < allocated_fen:
        return {"amount_fen": _l("This source has already allocated %(amount)s yuan to the project: plan at "
                                 "least that.", amount=format_yuan(allocated_fen))}
    if other_planned_fen + amount_fen > budget_fen:
        return {"amount_fen": _l("The funding planned would come to %(total)s yuan, more than the budget of "
                                 "%(budget)s yuan.", total=format_yuan(other_planned_fen + amount_fen),
                                 budget=format_yuan(budget_fen))}
    return {}


def set_planned(project: Project, source_id: int, amount_fen: int, actor=None) -> None:
    """Plan `amount_fen` from the source for the project (0: the source is planned nothing)."""
    if not area_in_scope(actor, project.area):
        raise FundsError({"source_id": _l("This area is outside your township.")})
    source = db.session.get(FundSource, source_id)
    if source is None:
        raise FundsError({"source_id": _l("Choose a fund source.")})
    lock_source(source.id)
    lock_project(project)  # expires what was read: the status and budget below are read under the lock
    row = db.session.scalar(select(PlannedFunding).where(PlannedFunding.project_id == project.id,
                                                         PlannedFunding.source_id == source.id))
    allocated = db.session.scalar(select(Allocation.amount_fen).where(Allocation.project_id == project.id,
                                                                      Allocation.source_id == source.id)) or 0
    others = db.session.scalar(select(func.sum(PlannedFunding.amount_fen)).where(
        PlannedFunding.project_id == project.id, PlannedFunding.source_id != source.id))
    errors = plan_problems(project.status, amount_fen, int(allocated), int(others or 0), project.budget_fen)
    if errors:
        raise FundsError(errors)
    before = row.amount_fen if row is not None else 0
    if amount_fen == before:
        return
    if row is None:
        db.session.add(PlannedFunding(project_id=project.id, source_id=source.id, amount_fen=amount_fen))
    elif amount_fen == 0:
        db.session.delete(row)
    else:
        row.amount_fen = amount_fen
    db.session.flush()
    record("planned_funding.set", user=actor, object_type="project", object_id=project.id,
           before={"source": source.code, "amount_fen": before},
           after={"source": source.code, "amount_fen": amount_fen})


def planned_lines(project_ids: Sequence[int]) -> dict[int, list[PlannedLine]]:
    """Per project, each source planned or allocated: planned and allocated amounts, by source code."""
    lines: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"planned": 0, "allocated": 0})
    ids = list(project_ids)
    for project_id, source_id, amount in db.session.execute(
            select(PlannedFunding.project_id, PlannedFunding.source_id, PlannedFunding.amount_fen)
            .where(PlannedFunding.project_id.in_(ids))):
        lines[(project_id, source_id)]["planned"] = amount
    for project_id, source_id, amount in db.session.execute(
            select(Allocation.project_id, Allocation.source_id, Allocation.amount_fen)
            .where(Allocation.project_id.in_(ids), Allocation.amount_fen > 0)):
        lines[(project_id, source_id)]["allocated"] = amount
    sources = {row.id: row for row in db.session.execute(
        select(FundSource.id, FundSource.code, FundSource.name)
        .where(FundSource.id.in_({source_id for _, source_id in lines})))}
    result: dict[int, list[PlannedLine]] = defaultdict(list)
    for (project_id, source_id), amounts in lines.items():
        source = sources[source_id]
        result[project_id].append(PlannedLine(source_id, source.code, source.name, amounts["planned"],
                                              amounts["allocated"]))
    return {project_id: sorted(found, key=lambda line: (-line.planned_fen, line.source_code))
            for project_id, found in result.items()}
