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
from sqlalchemy import func, select

from core.i18n import _l
from disclosure.models import Notice
from extensions import db
from funds.models import Payment
from projects.models import Project

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
    crossed: Optional[date] = None  # the day the share was reached, when known already (else from `payments`)


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
        crossed = fact.crossed or crossed_on(fact.payments, fact.allocated_fen, pct)
        triggers = {"spent_share": crossed, "completion": fact.actual_end}
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


def crossing_days(pct: int, projects) -> dict[int, date]:
    """{project id: the day its payments first reached `pct`% of its allocation} for the projects of
    the `projects` select (of Project.id) that have reached it, in one statement: each project's
    payments summed per day, a running total per project (a window), the first day at or above.

    The same day as `crossed_on` over the payments one by one: within a day the running total can
    only cross on a payment, never fall back below after the day's last one."""
    per_day = (select(Payment.project_id.label("project_id"), Payment.paid_on.label("day"),
                      func.sum(Payment.amount_fen).label("amount"))
               .where(Payment.project_id.in_(projects)).group_by(Payment.project_id, Payment.paid_on).subquery())
    running = select(per_day.c.project_id, per_day.c.day, func.sum(per_day.c.amount).over(
        partition_by=per_day.c.project_id, order_by=per_day.c.day).label("total")).subquery()
    query = (select(running.c.project_id, func.min(running.c.day))
             .join(Project, Project.id == running.c.project_id)
             .where(Project.allocated_fen > 0, running.c.total * 100 >= pct * Project.allocated_fen)
             .group_by(running.c.project_id))
    return {row[0]: row[1] for row in db.session.execute(query)}


def gather(today: Optional[date] = None, scope=None) -> list[DueNotice]:
    """The notices due in the county (or under `scope`, a condition on Project) as of `today`.

    A fixed number of statements whatever the county's size (the crossing days in one, the notices
    in one): reading each project's payments in turn sent 4,000 statements at county scale."""
    pct, days = settings()
    wanted = [Project.allocated_fen > 0, Project.status != "cancelled"]
    if scope is not None:
        wanted.append(scope)
    projects = db.session.execute(select(Project.id, Project.code, Project.name, Project.allocated_fen,
                                         Project.status, Project.actual_end).where(*wanted)).all()
    crossing = select(Project.id).where(*wanted, Project.spent_fen * 100 >= pct * Project.allocated_fen)
    crossed = crossing_days(pct, crossing)
    facts = [ProjectMoneyFacts(row.id, row.code, row.name, row.allocated_fen, (),
                               row.actual_end if row.status in ("completed", "accepted") else None,
                               crossed.get(row.id)) for row in projects]
    posted: dict[int, list[tuple[str, date]]] = {}
    for project_id, kind, start in db.session.execute(
            select(Notice.project_id, Notice.kind, Notice.start_date).where(
                Notice.project_id.in_(select(Project.id).where(*wanted)))):
        posted.setdefault(project_id, []).append((kind, start))
    return due_notices(facts, posted, pct, days, today or date.today())


def county_due(today: date) -> list[DueNotice]:
    """gather() for the whole county, kept per data version by the reports' cache when it is there
    (and computed by their warmer after a change): the crossing days sum every payment (1 s at county
    scale, 12 s at ten times that)."""
    cached = current_app.extensions.get("version_cache")
    if cached is None:
        return gather(today)
    return cached(("notice_due", today) + settings(), lambda: gather(today))
