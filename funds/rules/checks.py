"""Run the fund-rule checks on the ledger: gather aggregates with a few queries, then `rules.evaluate`.

Whatever the size of the county, a run is a fixed handful of queries: the active rules, the
sources, the funded projects, the allocations (with their last entry date), spending per
allocation and cost category (a summary table kept in step with the payments), and, only when a
rule needs them, payments after completion and the distinct payees of sources under a negative
list. Never a query per project. A stored rule whose parameters are unreadable is skipped and
reported as a problem, never a crash.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from flask import current_app
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased

from extensions import db
from funds.models import Allocation, AllocationCategory, AllocationEntry, FundRule, FundSource, Payment
from funds.rules.evaluate import (
    AllocationFacts,
    Breach,
    LateSpending,
    PayrollFacts,
    ProjectFacts,
    Rule,
    SourceFacts,
    count_by_kind,
    evaluate,
)
from funds.rules.params import NegativeList, RuleParamsError, parse_params
from funds.rules.schedule import schedule_breaches
from projects.models import CATEGORIES, Project

Pair = tuple[int, int]  # (source id, project id)


@dataclass(frozen=True)
class RuleProblem:
    """An active rule that could not be applied, and why."""

    rule_id: int
    kind: str
    message: object


@dataclass
class CheckRun:
    """The outcome of a run: breaches, their count per kind, and rules that could not be applied."""

    breaches: list[Breach]
    problems: list[RuleProblem] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Breaches per kind (every kind present)."""
        return count_by_kind(self.breaches)


@dataclass(frozen=True)
class Scope:
    """Limit a run to one source's or one project's allocations, or to some (source, project) pairs
    (or none of these: the whole county)."""

    source_id: Optional[int] = None
    project_id: Optional[int] = None
    pairs: Optional[frozenset[Pair]] = None

    @property
    def whole_county(self) -> bool:
        """True when nothing narrows the scope."""
        return self.source_id is None and self.project_id is None and self.pairs is None

    def apply(self, query: Select, source_column, project_column) -> Select:
        """`query` restricted to the scope on the given columns (to the pairs' sources and projects:
        a superset of the pairs, which `keeps` then tells apart)."""
        if self.source_id is not None:
            query = query.where(source_column == self.source_id)
        if self.project_id is not None:
            query = query.where(project_column == self.project_id)
        if self.pairs is not None:
            query = query.where(source_column.in_(sorted({s for s, _ in self.pairs})),
                                project_column.in_(sorted({p for _, p in self.pairs})))
        return query

    def keeps(self, source_id: int, project_id: int) -> bool:
        """True when the (source, project) pair is in scope."""
        return self.pairs is None or (source_id, project_id) in self.pairs


def load_rules() -> tuple[list[Rule], list[RuleProblem]]:
    """The active rules with typed parameters, and the active rules whose parameters are unreadable."""
    rules, problems = [], []
    for row in db.session.scalars(select(FundRule).where(FundRule.active.is_(True)).order_by(FundRule.id)):
        try:
            params = parse_params(row.kind, row.params)
        except RuleParamsError as error:
            problems.append(RuleProblem(row.id, row.kind, error.message))
            continue
        rules.append(Rule(row.id, row.kind, params, row.channel, row.source_id))
    return rules, problems


def _sources() -> dict[int, SourceFacts]:
    """Every source's code and channel (a county has a few hundred at most)."""
    rows = db.session.execute(select(FundSource.id, FundSource.code, FundSource.channel))
    return {row.id: SourceFacts(row.id, row.code, row.channel) for row in rows}


def _projects(scope: Scope) -> dict[int, ProjectFacts]:
    """The projects with an allocation in scope."""
    funded = scope.apply(select(Allocation.project_id), Allocation.source_id, Allocation.project_id)
    rows = db.session.execute(
        select(Project.id, Project.code, Project.name, Project.category, Project.status, Project.actual_end,
               Project.description).where(Project.id.in_(funded)))
    return {row.id: ProjectFacts(*row) for row in rows}


def _allocations(scope: Scope) -> list:
    """(id, source, project, allocated, spent, last payment, last allocation entry) of each allocation in scope."""
    query = scope.apply(select(Allocation.id, Allocation.source_id, Allocation.project_id, Allocation.amount_fen,
                               Allocation.spent_fen, Allocation.last_payment_on),
                        Allocation.source_id, Allocation.project_id)
    # The idle clock runs from the last time money was committed: withdrawing some does not restart it.
    # Read apart from the allocations (no join): one pass over an index, at county scale half the time.
    entries = (select(AllocationEntry.allocation_id, func.max(AllocationEntry.entry_date))
               .where(AllocationEntry.delta_fen > 0).group_by(AllocationEntry.allocation_id))
    if not scope.whole_county:
        entries = entries.where(AllocationEntry.allocation_id.in_(query.with_only_columns(Allocation.id)))
    rows = db.session.execute(query).all()  # first: every allocation read has its entries in the next read
    last_entry = dict(db.session.execute(entries).all())
    return [(*row, last_entry.get(row[0])) for row in rows if scope.keeps(row[1], row[2])]


RULED_CATEGORIES = ("wages", "management_fee")  # the cost categories a rule reads (wage share, fee cap)


def _spending(scope: Scope) -> dict[int, dict[str, int]]:
    """Net spending (reversals included) per allocation id in the categories rules read, from the
    totals kept in step (allocation_category); the allocation's own spent_fen is the total."""
    query = select(AllocationCategory.allocation_id, AllocationCategory.cost_category,
                   AllocationCategory.spent_fen).where(AllocationCategory.cost_category.in_(RULED_CATEGORIES))
    if not scope.whole_county:
        query = query.where(AllocationCategory.allocation_id.in_(
            scope.apply(select(Allocation.id), Allocation.source_id, Allocation.project_id)))
    spent: dict[int, dict[str, int]] = defaultdict(dict)
    for allocation_id, category, total in db.session.execute(query):
        spent[allocation_id][category] = int(total or 0)
    return spent


def _late_spending(scope: Scope) -> dict[Pair, LateSpending]:
    """Payments after the project's actual end that are not reversals and were not reversed."""
    reversal = aliased(Payment)
    query = (select(Payment.source_id, Payment.project_id, func.count(Payment.id), func.sum(Payment.amount_fen),
                    func.min(Payment.paid_on), func.max(Payment.paid_on))
             .join(Project, Project.id == Payment.project_id)
             # amount > 0 is "not a reversal" (CHECK signed_entry); testing reversal_of_id IS NULL instead
             # makes SQLite walk that column's index over every payment.
             .where(Project.actual_end.is_not(None), Payment.paid_on > Project.actual_end,
                    Payment.amount_fen > 0,
                    # NOT EXISTS, not an outer join to the reversal: PostgreSQL joined every payment to the
                    # reversals first and then probed each one's project (1-1.7 s against 0.1 s).
                    ~exists().where(reversal.reversal_of_id == Payment.id),
                    # Redundant for the result, but it lets SQLite seek each finished project's payments
                    # after its end by (project_id, paid_on) instead of walking all payments (0.2 s).
                    Payment.project_id.in_(select(Project.id).where(Project.actual_end.is_not(None))))
             .group_by(Payment.source_id, Payment.project_id))
    rows = db.session.execute(scope.apply(query, Payment.source_id, Payment.project_id))
    return {(row[0], row[1]): LateSpending(int(row[2]), int(row[3] or 0), row[4], row[5]) for row in rows}


def _payees(scope: Scope, source_ids: set[int]) -> dict[Pair, tuple[str, ...]]:
    """Distinct payees per allocation, only for the given sources (those under a negative list)."""
    if not source_ids:
        return {}
    query = (select(Payment.source_id, Payment.project_id, Payment.payee).distinct()
             .where(Payment.source_id.in_(sorted(source_ids))))
    payees: dict[Pair, list[str]] = defaultdict(list)
    for source_id, project_id, payee in db.session.execute(scope.apply(query, Payment.source_id, Payment.project_id)):
        payees[source_id, project_id].append(payee)
    return {pair: tuple(sorted(names)) for pair, names in payees.items()}


PAYROLL_RULES = ("wage_share_floor", "wages_overdue", "household_share_floor")


def provide_payroll_facts(app, provider) -> None:
    """Install the function that gives each (source, project) pair's PayrollFacts in a scope (the
    payroll package, a layer above, does it in its init_app)."""
    app.extensions["payroll_facts"] = provider


def _payroll_facts(scope: Scope, kinds: set[str]) -> dict[Pair, PayrollFacts]:
    """The pairs' payroll facts, read only when a rule needs them and a provider is installed."""
    provider = current_app.extensions.get("payroll_facts")
    if provider is None or not kinds & set(PAYROLL_RULES):
        return {}
    return provider(scope)


def gather_facts(rules: list[Rule], scope: Scope = Scope()) -> list[AllocationFacts]:
    """The aggregates of every allocation in `scope`, with only the extra reads the rules need."""
    allocations = _allocations(scope)  # first: sources and projects read later include all of theirs
    sources = _sources()
    projects = _projects(scope)
    spending = _spending(scope)
    kinds = {rule.kind for rule in rules}
    late = _late_spending(scope) if "spending_after_completion" in kinds else {}
    listed = {source.id for source in sources.values()
              if any(isinstance(rule.params, NegativeList) and rule.params.forbidden_keywords and rule.binds(source)
                     for rule in rules)}
    payees = _payees(scope, listed)
    payrolls = _payroll_facts(scope, kinds)
    return [AllocationFacts(source=sources[source_id], project=projects[project_id], allocated_fen=int(amount),
                            spent_by_category=spending.get(allocation_id, {}), total_spent_fen=int(spent),
                            last_payment_on=last_paid, last_entry_on=last_entry,
                            late_spending=late.get((source_id, project_id)),
                            payees=payees.get((source_id, project_id), ()), allocation_id=allocation_id,
                            payroll=payrolls.get((source_id, project_id)))
            for allocation_id, source_id, project_id, amount, spent, last_paid, last_entry in allocations]


def run_checks(today: Optional[date] = None, scope: Scope = Scope()) -> CheckRun:
    """Every breach of the active rules within `scope` as of `today` (default: the real today)."""
    rules, problems = load_rules()
    if not rules:
        return CheckRun([], problems)
    facts, today = gather_facts(rules, scope), today or date.today()
    per_source = schedule_breaches(rules, today, scope.source_id, scope.project_id is None and scope.pairs is None)
    return CheckRun(evaluate(rules, facts, today, CATEGORIES) + per_source, problems)


def breaches_for_project(project_id: int, today: Optional[date] = None) -> list[Breach]:
    """The breaches of one project's money, from every source."""
    return run_checks(today, Scope(project_id=project_id)).breaches


def breaches_for_source(source_id: int, today: Optional[date] = None) -> list[Breach]:
    """The breaches of one source's money, on every project."""
    return run_checks(today, Scope(source_id=source_id)).breaches
