"""Fund-use notices (资金使用公示) that rules make due, and whether the county has posted them.

Two triggers, each with the days the county has to post the notice (settings, so data):
- **payments pass a share of the allocation**: on the day a project's payments first reach
  `FUND_USE_NOTICE_SPENT_PCT` (50 by default) of what its sources allocated, a fund-use notice is due
  within `FUND_USE_NOTICE_DAYS` (15);
- **completion**: on the project's actual end, a notice of how the money was used is due within the
  same days; a completion notice (竣工公示, which discloses the funding by source) serves as well.
A trigger is met by a notice of a serving kind starting on or after its day. `due_notices` is pure;
`gather` reads the facts; the notices page (/notices/due) lists what is due and the fund-rule checks
show it as the check `notice_due`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from flask import current_app
from sqlalchemy import select

from core.i18n import _l
from disclosure.models import Notice
from extensions import db
from projects.models import Project
from projects.money import project_money

TRIGGERS = {"spent_share": _l("Payments passed %(pct)d%% of the allocation"),
            "completion": _l("Project completed")}
SERVING_KINDS = {"spent_share": ("fund_use",), "completion": ("fund_use", "completion")}


@dataclass(frozen=True)
class ProjectMoneyFacts:
    """What the triggers read of a project: its allocation, its payments by day, its actual end."""

    project_id: int
    code: str
    name: str
    allocated_fen: int
    payments: Sequence[tuple[date, int]]  # (paid on, amount net of reversals), any order
    actual_end: Optional[date] = None


@dataclass(frozen=True)
class DueNotice:
    """A fund-use notice a trigger made due: since when, by when, and whether it is late."""

    project_id: int
    code: str
    name: str
    trigger: str
    triggered_on: date
    due_by: date
    overdue: bool

    @property
    def trigger_label(self) -> Any:
        """What made it due, in the reader's language."""
        return TRIGGERS[self.trigger]


def crossed_on(payments: Iterable[tuple[date, int]], allocated_fen: int, pct: int) -> Optional[date]:
    """The day the running total of payments first reached `pct`% of `allocated_fen` (None: not yet)."""
    if allocated_fen <= 0:
        return None
    total = 0
    for day, amount in sorted(payments):
        total += amount
        if total * 100 >= pct * allocated_fen:
            return day
    return None


def due_notices(facts: Iterable[ProjectMoneyFacts], posted: Mapping[int, Sequence[tuple[str, date]]],
                pct: int, days: int, today: date) -> list[DueNotice]:
    """Every trigger not yet met by a notice (`posted`: per project, (kind, start date) of its notices),
    oldest first."""
    due = []
    for fact in facts:
        triggers = {"spent_share": crossed_on(fact.payments, fact.allocated_fen, pct), "completion": fact.actual_end}
        for trigger, day in triggers.items():
            if day is None or day > today:
                continue
            if any(kind in SERVING_KINDS[trigger] and start >= day for kind, start in posted.get(fact.project_id, ())):
                continue
            due_by = day + timedelta(days=days)
            due.append(DueNotice(fact.project_id, fact.code, fact.name, trigger, day, due_by, today > due_by))
    return sorted(due, key=lambda notice: (notice.due_by, notice.code, notice.trigger))


def settings() -> tuple[int, int]:
    """(share of the allocation in %, days to post) from the county's settings."""
    config = current_app.config
    return int(config.get("FUND_USE_NOTICE_SPENT_PCT", 50)), int(config.get("FUND_USE_NOTICE_DAYS", 15))


def gather(today: Optional[date] = None, scope=None) -> list[DueNotice]:
    """The notices due in the county (or under `scope`, a condition on Project) as of `today`."""
    pct, days = settings()
    query = select(Project).where(Project.allocated_fen > 0, Project.status != "cancelled")
    projects = list(db.session.scalars(query if scope is None else query.where(scope)))
    facts = []
    money = project_money()
    for project in projects:
        crosses = project.spent_fen * 100 >= pct * project.allocated_fen
        payments = [(line.paid_on, line.amount_fen) for lines in money.payments_by_milestone(project.id).values()
                    for line in lines] if crosses else []
        facts.append(ProjectMoneyFacts(project.id, project.code, project.name, project.allocated_fen, payments,
                                       project.actual_end if project.status in ("completed", "accepted") else None))
    ids = [project.id for project in projects]
    posted: dict[int, list[tuple[str, date]]] = {}
    for project_id, kind, start in db.session.execute(
            select(Notice.project_id, Notice.kind, Notice.start_date).where(Notice.project_id.in_(ids))):
        posted.setdefault(project_id, []).append((kind, start))
    return due_notices(facts, posted, pct, days, today or date.today())
