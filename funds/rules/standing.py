"""The standing breaches kept in step: each change re-evaluates only the allocations it touched.

A payment, a reversal or an allocation knows its (source, project) pair; a change to a project (its
name, category, description, completion) knows the project; a change to a source's channel knows
the source; a rule, the sources it binds. Each calls `recheck(scope)` in its own transaction, which
gathers the facts of the allocations in that scope (funds.rules.checks, the same reads as a full
run, narrowed) and replaces their rows of `standing_breach`. Readers then list the breaches of a
day from that table (`breaches_on`), a page at a time if they like, instead of evaluating every rule
on every allocation of the county. `rebuild()` does the whole county (after a bulk load, or once
after upgrading: until then the readers fall back to a full run).

Locks: a recheck runs where its caller holds the locks of what it reads, in the ledger's order
source -> allocation -> project (funds.ledger.services). A ledger operation holds its source's
lock already; a project change takes the locks of the sources funding the project first
(`lock_sources_of_project`), a rule change those of the sources it binds (`lock_sources`). So two
transactions never recheck the same allocation at once, and never wait for each other in a circle.

Correctness is provable: `full_recomputation_differs()` compares the table with what a full run
writes; the tests run it after every test, and a Hypothesis test after random sequences of changes.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from sqlalchemy import case, delete, func, insert, or_, select

from core.database import take_write_lock
from extensions import db
from funds.models import Allocation, FundRule, FundSource
from funds.rules.checks import CheckRun, Pair, RuleProblem, Scope, gather_facts, load_rules
from funds.rules.evaluate import KIND_ORDER, Breach, Rule, Standing, standing
from funds.rules.models import StandingBreach
from funds.rules.schedule import KIND as SCHEDULE_KIND
from funds.rules.schedule import schedule_breaches
from projects.models import CATEGORIES

BUILT = "standing_breach"  # the name of the kept figures in kept_state
COUNTY = Scope()  # every source and project


def _rows(found: Iterable[Standing]) -> list[dict[str, Any]]:
    return [{"allocation_id": s.allocation_id, "rule_id": s.rule_id, "kind": s.kind, "source_id": s.source_id,
             "source_code": s.source_code, "project_id": s.project_id, "project_code": s.project_code,
             "project_name": s.project_name, "detail": dict(s.detail), "words": dict(s.words),
             "due_after": s.due_after} for s in found]


def evaluate_scope(scope: Scope, rules: Optional[list[Rule]] = None) -> list[Standing]:
    """The standing breaches of the allocations in `scope`, evaluated now from the ledger."""
    if rules is None:
        rules, _problems = load_rules()
    if not rules:
        return []
    return standing(rules, gather_facts(rules, scope))


def _delete(scope: Scope) -> None:
    query = delete(StandingBreach)
    if scope.source_id is not None:
        query = query.where(StandingBreach.source_id == scope.source_id)
    if scope.project_id is not None:
        query = query.where(StandingBreach.project_id == scope.project_id)
    if scope.pairs is not None:
        allocations = select(Allocation.id).where(or_(*(
            (Allocation.source_id == source_id) & (Allocation.project_id == project_id)
            for source_id, project_id in sorted(scope.pairs))))
        query = query.where(StandingBreach.allocation_id.in_(allocations))
    db.session.execute(query)


def recheck(scope: Scope) -> int:
    """Evaluate the allocations in `scope` again and replace their standing breaches; how many now.

    The caller holds the locks (module docstring) and commits."""
    if scope.pairs is not None and not scope.pairs:
        return 0
    found = evaluate_scope(scope)
    _delete(scope)
    if found:
        db.session.execute(insert(StandingBreach), _rows(found))
    return len(found)


def recheck_pair(source_id: int, project_id: int) -> int:
    """recheck the one allocation of `source_id` to `project_id` (a payment, reversal or allocation)."""
    return recheck(Scope(pairs=frozenset({(source_id, project_id)})))


def rebuild() -> int:
    """Evaluate every allocation of the county again (after a bulk load or an upgrade); how many breaches."""
    from core.kept import mark_built

    lock_sources()
    count = recheck(Scope())
    mark_built(BUILT)
    return count


def lock_sources(source_ids: Optional[Iterable[int]] = None) -> list[int]:
    """Hold the locks of the given sources (every source when None), in id order; their ids.

    The ledger takes one source's lock per operation (funds.ledger.services.lock_source); a change
    that rechecks the allocations of several sources takes all of theirs, always in the same order."""
    take_write_lock(db.session)
    query = select(FundSource.id).order_by(FundSource.id)
    if source_ids is not None:
        query = query.where(FundSource.id.in_(sorted(set(source_ids))))
    if db.session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    return list(db.session.scalars(query))


def lock_sources_of_project(project_id: int) -> list[int]:
    """Hold the locks of the sources that fund a project (before the project's own row is changed)."""
    funding = db.session.scalars(select(Allocation.source_id).where(Allocation.project_id == project_id))
    return lock_sources(list(funding))


def sources_bound_by(rule: FundRule) -> Optional[list[int]]:
    """The sources a stored rule binds: one, a channel's, or None for every source."""
    if rule.source_id is not None:
        return [rule.source_id]
    if rule.channel is not None:
        return list(db.session.scalars(select(FundSource.id).where(FundSource.channel == rule.channel)))
    return None


def recheck_sources(source_ids: Optional[Iterable[int]]) -> None:
    """recheck every allocation of the given sources (of every source when None)."""
    if source_ids is None:
        recheck(Scope())
        return
    for source_id in sorted(set(source_ids)):
        recheck(Scope(source_id=source_id))


# --- reading ---------------------------------------------------------------------------------------

def is_built() -> bool:
    """True once the table holds every allocation's breaches (rebuild ran since the upgrade)."""
    from core.kept import is_built as kept_is_built

    return kept_is_built(BUILT)


def _shown(today: date, source_id: Optional[int] = None, project_id: Optional[int] = None,
           kind: Optional[str] = None):
    conditions = [or_(StandingBreach.due_after.is_(None), StandingBreach.due_after < today)]
    if source_id is not None:
        conditions.append(StandingBreach.source_id == source_id)
    if project_id is not None:
        conditions.append(StandingBreach.project_id == project_id)
    if kind is not None:
        conditions.append(StandingBreach.kind == kind)
    return conditions


def _standing_of(row: StandingBreach) -> Standing:
    return Standing(row.kind, row.rule_id, row.allocation_id, row.source_id, row.source_code, row.project_id,
                    row.project_code, row.project_name, row.detail, row.words or {}, row.due_after)


KIND_RANK = case(KIND_ORDER, value=StandingBreach.kind, else_=len(KIND_ORDER))


def breaches_on(today: date, source_id: Optional[int] = None, project_id: Optional[int] = None,
                kind: Optional[str] = None, offset: int = 0, limit: Optional[int] = None) -> list[Breach]:
    """The breaches shown on `today`, in the checks' order (kind, project, source, rule), optionally
    one source's, one project's or one kind's, and a page of them (`offset`, `limit`)."""
    query = (select(StandingBreach).where(*_shown(today, source_id, project_id, kind))
             .order_by(KIND_RANK, StandingBreach.project_code, StandingBreach.source_code, StandingBreach.rule_id,
                       StandingBreach.id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    found = [_standing_of(row) for row in db.session.scalars(query)]
    if limit is None:
        found.sort(key=Standing.sort_key)  # the database's collation may order codes otherwise
    return [breach for item in found if (breach := item.on(today, CATEGORIES)) is not None]


def counts_on(today: date, source_id: Optional[int] = None, project_id: Optional[int] = None) -> dict[str, int]:
    """How many breaches of each kind are shown on `today` (every kind present)."""
    counts = dict.fromkeys(KIND_ORDER, 0)
    query = (select(StandingBreach.kind, func.count()).where(*_shown(today, source_id, project_id))
             .group_by(StandingBreach.kind))
    for kind, count in db.session.execute(query):
        counts[kind] = int(count)
    return counts


def problems() -> list[RuleProblem]:
    """The active rules that cannot be applied (their parameters are unreadable)."""
    return load_rules()[1]


def check_run_on(today: date, scope: Scope = COUNTY) -> CheckRun:
    """The breaches of `scope` (the county, a source or a project) shown on `today`, from the table
    when it is built, else from a full run (funds.rules.checks.run_checks)."""
    from funds.rules.checks import run_checks

    if scope.pairs is not None or not is_built():
        return run_checks(today, scope)
    rules, unreadable = load_rules()
    per_source = schedule_breaches(rules, today, scope.source_id, scope.project_id is None)
    return CheckRun(breaches_on(today, scope.source_id, scope.project_id) + per_source, unreadable)


def check_run_head(today: date, scope: Scope, limit: int) -> tuple[list[Breach], int]:
    """The first `limit` breaches of check_run_on(today, scope) and how many there are, without reading
    every one (a county account has thousands at ten times county scale; its ledger lists 20)."""
    from funds.rules.checks import run_checks

    if scope.pairs is not None or not is_built():
        found = run_checks(today, scope).breaches
        return found[:limit], len(found)
    rules, _unreadable = load_rules()
    per_source = schedule_breaches(rules, today, scope.source_id, scope.project_id is None)
    listed = breaches_on(today, scope.source_id, scope.project_id, limit=limit)
    total = sum(counts_on(today, scope.source_id, scope.project_id).values()) + len(per_source)
    return (listed + per_source)[:limit], total


@dataclass(frozen=True)
class ChecksSummary:
    """What the checks page shows above its list: every kind's count (for the source asked for), the
    rules that could not be applied, and how many breaches the list has (of the kind asked for)."""

    counts: dict[str, int]
    problems: list[RuleProblem]
    total: int


def checks_summary(today: date, source_id: Optional[int], kind: Optional[str]) -> ChecksSummary:
    """The checks page's counts on `today` (from the table; a full run while it is not built yet)."""
    if not is_built():
        run = _full_run(today, source_id)
        return ChecksSummary(run.counts, run.problems, sum(1 for b in run.breaches if kind in (None, b.kind)))
    rules, unreadable = load_rules()
    counts = counts_on(today, source_id)
    counts[SCHEDULE_KIND] = len(schedule_breaches(rules, today, source_id))
    return ChecksSummary(counts, unreadable, counts.get(kind, 0) if kind is not None else sum(counts.values()))


def checks_list(today: date, source_id: Optional[int], kind: Optional[str], offset: int, limit: int) -> list[Breach]:
    """A page of the checks list on `today`: the breaches of one kind or all, of one source or all."""
    if not is_built():
        shown = [b for b in _full_run(today, source_id).breaches if kind in (None, b.kind)]
        return shown[offset:offset + limit]
    per_source = schedule_breaches(load_rules()[0], today, source_id) if kind in (None, SCHEDULE_KIND) else []
    if kind == SCHEDULE_KIND:
        return per_source[offset:offset + limit]
    # The sources' breaches come last (their kind is the last one): after the table's rows.
    kept = breaches_on(today, source_id, kind=kind, offset=offset, limit=limit)
    if len(kept) == limit or not per_source:
        return kept
    before = sum(counts_on(today, source_id).values()) if kind is None else 0
    start = max(offset - before, 0)
    return kept + per_source[start:start + limit - len(kept)]


def _full_run(today: date, source_id: Optional[int]) -> CheckRun:
    from funds.rules.checks import run_checks

    return run_checks(today, Scope(source_id=source_id))


# --- proving it ------------------------------------------------------------------------------------

def _key(item: Standing) -> tuple:
    return (item.allocation_id, item.rule_id, item.kind, item.source_id, item.source_code, item.project_id,
            item.project_code, item.project_name, repr(sorted(item.detail.items())),
            repr(sorted(item.words.items())), item.due_after)


def full_recomputation_differs(limit: int = 5) -> dict[str, list]:
    """Rows the table has that a full recomputation would not write ('kept') and rows it lacks
    ('missing'), a few of each; empty when the table is exactly what a full run gives."""
    kept = {_key(_standing_of(row)) for row in db.session.scalars(select(StandingBreach))}
    full = {_key(item) for item in evaluate_scope(Scope())}
    differences = {"kept": sorted(kept - full)[:limit], "missing": sorted(full - kept)[:limit]}
    return {name: rows for name, rows in differences.items() if rows}


__all__ = [
    "BUILT",
    "Pair",
    "breaches_on",
    "check_run_on",
    "counts_on",
    "full_recomputation_differs",
    "is_built",
    "lock_sources",
    "lock_sources_of_project",
    "rebuild",
    "recheck",
    "recheck_pair",
    "recheck_sources",
    "sources_bound_by",
]
