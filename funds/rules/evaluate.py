"""Fund-rule checks as a pure function: `evaluate(rules, facts, today)` returns every breach.

The facts are aggregates per allocation (one source's money on one project): what it allocated,
what it spent by cost category, when it last paid or allocated, payments after the project's
completion, the payees it paid. `funds.checks` gathers them with a handful of GROUP BY queries;
everything here takes plain values, so each rule is tested by hand-computed examples.

A rule binds one source (`source_id`), every source of a channel (`channel`), or every source
when both are empty. Every active rule that binds a source applies to each of its allocations, so
a channel rule and a stricter rule for one source both hold (as `allocate` enforces them).

Evaluation has two steps. `standing(rules, facts)` says what the data itself breaks, whatever the
day: a `Standing` breach, which an idle allocation's carries with the day after which it shows
(`due_after`). `Standing.on(today)` is the breach as reported on a day, or None before it is due.
The store of standing breaches kept in step with the ledger (funds.rules.standing) holds exactly
what `standing` returns, so the checks pages never need the whole county's facts again.
Messages are lazy translatable strings built from the numbers (funds.rules.messages); with no app
they read in English.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Optional, TypeVar

from core.i18n import _l
from funds.rules.messages import breach_message
from funds.rules.params import (
    BASIS_POINTS,
    EligibleCategories,
    HouseholdShareFloor,
    IdleThresholds,
    ManagementFeeCap,
    NegativeList,
    RuleParams,
    WageShareFloor,
    WagesOverdue,
)

BREACH_KINDS = {
    "ineligible_category": _l("Ineligible project category"),
    "wage_share_below_floor": _l("Wage share below the floor"),
    "management_fee_over_cap": _l("Management fee over the cap"),
    "negative_list": _l("Negative list"),
    "spending_after_completion": _l("Spending after completion"),
    "idle_allocation": _l("Idle allocation"),
    "wages_overdue": _l("Wages overdue"),
    "household_share_below_floor": _l("Too few workers from registered households"),
    "behind_schedule": _l("Spending behind schedule"),
}
BREACH_OF_RULE = {
    "eligible_categories": "ineligible_category",
    "wage_share_floor": "wage_share_below_floor",
    "management_fee_cap": "management_fee_over_cap",
    "negative_list": "negative_list",
    "spending_after_completion": "spending_after_completion",
    "idle_allocation": "idle_allocation",
    "wages_overdue": "wages_overdue",
    "household_share_floor": "household_share_below_floor",
    "spending_schedule": "behind_schedule",
}
KIND_ORDER = {kind: index for index, kind in enumerate(BREACH_KINDS)}
ParamsT = TypeVar("ParamsT", bound=RuleParams)


@dataclass(frozen=True)
class Rule:
    """An active rule with its typed parameters and what it binds."""

    id: int
    kind: str
    params: RuleParams
    channel: Optional[str] = None
    source_id: Optional[int] = None

    def binds(self, source: SourceFacts) -> bool:
        """True when the rule applies to the source: that source, its channel, or every source."""
        if self.source_id is not None:
            return self.source_id == source.id
        return self.channel is None or self.channel == source.channel

    def params_as(self, params_class: type[ParamsT]) -> ParamsT:
        """The parameters as the class the rule's kind uses (parse_params made them from the kind).

        A rule built with another kind's parameters is a programming error, refused here rather
        than read as if it were the right class.
        """
        if not isinstance(self.params, params_class):
            raise TypeError(f"rule {self.id} ({self.kind}) has {type(self.params).__name__} parameters, "
                            f"not {params_class.__name__}")
        return self.params


@dataclass(frozen=True)
class SourceFacts:
    """What the rules need to know of a fund source."""

    id: int
    code: str
    channel: str


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules need to know of a project."""

    id: int
    code: str
    name: str
    category: str
    status: str = "in_progress"
    actual_end: Optional[date] = None
    description: str = ""


@dataclass(frozen=True)
class LateSpending:
    """Payments (not reversals, not reversed) dated after the project's actual end."""

    count: int
    amount_fen: int
    first_paid_on: date
    last_paid_on: date


@dataclass(frozen=True)
class PayrollFacts:
    """One source's payrolls on one project (payroll package): wages of posted payrolls without
    managers' lines, the workers paid (managers aside) and how many from registered households, and
    the oldest month whose payroll is not posted yet."""

    posted: int = 0
    wages_fen: int = 0
    workers: int = 0
    household_workers: int = 0
    unpaid_period: Optional[int] = None
    unpaid_workers: int = 0
    unpaid_fen: int = 0


@dataclass(frozen=True)
class AllocationFacts:
    """One source's money on one project, aggregated."""

    source: SourceFacts
    project: ProjectFacts
    allocated_fen: int
    spent_by_category: Mapping[str, int] = field(default_factory=dict)  # net of reversals
    # Everything spent, when known apart from the categories (the checks read only the categories
    # rules need, and the allocation's own spent balance); None: the categories' sum.
    total_spent_fen: Optional[int] = None
    last_payment_on: Optional[date] = None
    last_entry_on: Optional[date] = None
    late_spending: Optional[LateSpending] = None
    payees: tuple[str, ...] = ()
    allocation_id: Optional[int] = None  # the stored allocation's id (None in hand-made examples)
    payroll: Optional[PayrollFacts] = None  # the pair's payrolls, when it has any

    @property
    def spent_fen(self) -> int:
        """Everything spent, net of reversals."""
        return self.total_spent_fen if self.total_spent_fen is not None else sum(self.spent_by_category.values())

    @property
    def unspent_fen(self) -> int:
        """Allocated and not yet spent."""
        return self.allocated_fen - self.spent_fen


@dataclass(frozen=True)
class Breach:
    """A fund rule broken by one source's money on one project, with the numbers behind it."""

    kind: str
    rule_id: int
    source_id: int
    source_code: str
    project_id: Optional[int]  # None: the source's money as a whole (behind_schedule)
    project_code: str
    project_name: str
    message: Any  # a lazy translatable string
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind_label(self):
        """The kind of breach in the interface language."""
        return BREACH_KINDS[self.kind]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (message in the current language, dates as ISO text)."""
        return {"kind": self.kind, "rule_id": self.rule_id, "source_id": self.source_id,
                "source_code": self.source_code, "project_id": self.project_id, "project_code": self.project_code,
                "project_name": self.project_name, "message": str(self.message), "detail": dict(self.detail)}


@dataclass(frozen=True)
class Standing:
    """A breach as the data stands, on any day from the day after `due_after` (every day when None).

    `detail` holds the numbers that do not depend on the day; `words` what the message needs besides
    them (where a negative-list word was found). `on(today)` adds the rest (an idle allocation's
    months) and the message.
    """

    kind: str
    rule_id: int
    allocation_id: Optional[int]
    source_id: int
    source_code: str
    project_id: int
    project_code: str
    project_name: str
    detail: Mapping[str, Any]
    words: Mapping[str, Any] = field(default_factory=dict)
    due_after: Optional[date] = None

    def shows_on(self, today: date) -> bool:
        """True when the breach is reported on `today`."""
        return self.due_after is None or today > self.due_after

    def on(self, today: date, labels: Optional[Mapping[str, Any]] = None) -> Optional[Breach]:
        """The breach as reported on `today`, or None when it is not due yet."""
        if not self.shows_on(today):
            return None
        detail = dict(self.detail)
        if self.kind == "idle_allocation":
            since = date.fromisoformat(detail["since"])
            detail = {"unspent_fen": detail["unspent_fen"], "since": detail["since"],
                      "idle_months": whole_months_between(since, today), "allowed_months": detail["allowed_months"],
                      "never_paid": detail["never_paid"]}
        message = breach_message(self.kind, self.source_code, detail, self.words, labels or {})
        return Breach(self.kind, self.rule_id, self.source_id, self.source_code, self.project_id, self.project_code,
                      self.project_name, message, detail)

    def sort_key(self) -> tuple:
        """The order breaches are listed in: kind, project code, source code, rule."""
        return (KIND_ORDER[self.kind], self.project_code, self.source_code, self.rule_id)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day when it is shorter (Jan 31 + 1 = Feb 28)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: date, end: date) -> int:
    """Full months from `start` to `end` (0 when `end` is within a month of `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def _share(numerator_fen: int, base_fen: int) -> int:
    """numerator / base in basis points, rounded down (so a breach never displays as the limit)."""
    return max(numerator_fen, 0) * BASIS_POINTS // base_fen


def _standing(rule: Rule, fact: AllocationFacts, detail: dict[str, Any], words: Optional[dict[str, Any]] = None,
              due_after: Optional[date] = None) -> Standing:
    """A standing breach of `rule` by the allocation `fact`."""
    return Standing(BREACH_OF_RULE[rule.kind], rule.id, fact.allocation_id, fact.source.id, fact.source.code,
                    fact.project.id, fact.project.code, fact.project.name, detail, words or {}, due_after)


def _ineligible_category(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """The project's category is not one the source may fund (e.g. the rule was edited later)."""
    category, eligible = fact.project.category, rule.params_as(EligibleCategories).categories
    if fact.allocated_fen <= 0 or category in eligible:
        return None
    return _standing(rule, fact, dict(category=category, allocated_fen=fact.allocated_fen, allowed=sorted(eligible)))


def _wage_share(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """Wages are below the floor's share of what the source spent on the project. When the source
    paid the project through payrolls, wages are their lines without managers' pay, not the wages
    cost category (which holds the managers' pay too)."""
    spent = fact.spent_fen
    from_payroll = fact.payroll is not None and fact.payroll.posted > 0
    wages = fact.spent_by_category.get("wages", 0)
    if fact.payroll is not None and from_payroll:
        wages = fact.payroll.wages_fen
    floor = rule.params_as(WageShareFloor).min_share_bp
    if spent <= 0 or wages * BASIS_POINTS >= floor * spent:
        return None
    detail = dict(wages_fen=wages, spent_fen=spent, share_bp=_share(wages, spent), floor_bp=floor)
    return _standing(rule, fact, detail | ({"from_payroll": True} if from_payroll else {}))


def last_day_of_month(period: int) -> date:
    """The last day of the yyyymm month."""
    year, month = divmod(period, 100)
    return date(year, month, calendar.monthrange(year, month)[1])


def _wages_overdue(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """A month's payroll not posted: shown once its days after the month's end have gone by."""
    payroll, days = fact.payroll, rule.params_as(WagesOverdue).days
    if payroll is None or payroll.unpaid_period is None:
        return None
    month = f"{payroll.unpaid_period // 100}-{payroll.unpaid_period % 100:02d}"
    return _standing(rule, fact, dict(month=month, workers=payroll.unpaid_workers, amount_fen=payroll.unpaid_fen,
                                      days=days),
                     due_after=last_day_of_month(payroll.unpaid_period) + timedelta(days=days))


def _household_share(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """Too few of the workers paid (managers aside) come from registered households."""
    payroll, floor = fact.payroll, rule.params_as(HouseholdShareFloor).min_share_bp
    if payroll is None or payroll.workers <= 0 or payroll.household_workers * BASIS_POINTS >= floor * payroll.workers:
        return None
    return _standing(rule, fact, dict(workers=payroll.workers, household_workers=payroll.household_workers,
                                      share_bp=_share(payroll.household_workers, payroll.workers), floor_bp=floor))


def _management_fee(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """Management fees paid exceed the cap's share of what the source allocated to the project."""
    fees = fact.spent_by_category.get("management_fee", 0)
    cap = rule.params_as(ManagementFeeCap).max_share_bp
    if fees <= 0 or fees * BASIS_POINTS <= cap * fact.allocated_fen:
        return None
    return _standing(rule, fact, dict(
        fees_fen=fees, allocated_fen=fact.allocated_fen,
        share_bp=_share(fees, fact.allocated_fen) if fact.allocated_fen else None, cap_bp=cap,
        limit_fen=cap * fact.allocated_fen // BASIS_POINTS))


def _contains(text: str, keyword: str) -> bool:
    """Case-insensitive substring test."""
    return keyword.casefold() in (text or "").casefold()


def _negative_list(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """The project's category or a forbidden word in its name, description or a payee."""
    if fact.allocated_fen <= 0 and not fact.payees:
        return None
    params, project = rule.params_as(NegativeList), fact.project
    matched, places = [], []
    category = project.category if project.category in params.forbidden_categories else None
    if category is not None:
        matched.append(category)
    for word in params.forbidden_keywords:
        found = (["name"] if _contains(project.name, word) else []) + (
            ["description"] if _contains(project.description, word) else [])
        found += [f"payee:{payee}" for payee in fact.payees if _contains(payee, word)]
        if found:
            places.append([word, found])
            matched.append(word)
    if not matched:
        return None
    return _standing(rule, fact, dict(matched=matched, allocated_fen=fact.allocated_fen, spent_fen=fact.spent_fen),
                     dict(category=category, places=places))


def _after_completion(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """Payments from the source dated after the project's actual end."""
    late, end = fact.late_spending, fact.project.actual_end
    if late is None or late.count <= 0 or end is None:
        return None
    return _standing(rule, fact, dict(payments=late.count, amount_fen=late.amount_fen, actual_end=end.isoformat(),
                                      first_paid_on=late.first_paid_on.isoformat(),
                                      last_paid_on=late.last_paid_on.isoformat()))


def _idle(rule: Rule, fact: AllocationFacts) -> Optional[Standing]:
    """Unspent money with no payment (or, never paid, no allocation entry) for longer than its tier
    allows: due after the day its tier's months have gone by."""
    unspent = fact.unspent_fen
    allowed = rule.params_as(IdleThresholds).months_for(unspent)
    since = fact.last_payment_on or fact.last_entry_on
    if allowed is None or since is None:
        return None
    return _standing(rule, fact, dict(unspent_fen=unspent, since=since.isoformat(), allowed_months=allowed,
                                      never_paid=fact.last_payment_on is None),
                     due_after=add_months(since, allowed))


CHECKS: dict[str, Callable[[Rule, AllocationFacts], Optional[Standing]]] = {
    "eligible_categories": _ineligible_category,
    "wage_share_floor": _wage_share,
    "management_fee_cap": _management_fee,
    "negative_list": _negative_list,
    "spending_after_completion": _after_completion,
    "idle_allocation": _idle,
    "payment_approval": lambda _rule, _fact: None,  # decides when a payment is made; nothing stands
    "wages_overdue": _wages_overdue,
    "household_share_floor": _household_share,
    "spending_schedule": lambda _rule, _fact: None,  # a source's, not an allocation's (funds.rules.schedule)
}


def standing(rules: Iterable[Rule], facts: Iterable[AllocationFacts]) -> list[Standing]:
    """Every standing breach of `rules` by the allocations in `facts`, in no particular order."""
    rules = list(rules)
    rules_of_source: dict[int, list[Rule]] = {}
    found = []
    for fact in facts:
        bound = rules_of_source.get(fact.source.id)
        if bound is None:
            bound = rules_of_source[fact.source.id] = [rule for rule in rules if rule.binds(fact.source)]
        for rule in bound:
            breach = CHECKS[rule.kind](rule, fact)
            if breach is not None:
                found.append(breach)
    return found


def report(standing_breaches: Iterable[Standing], today: date,
           labels: Optional[Mapping[str, Any]] = None) -> list[Breach]:
    """The breaches shown on `today`, sorted by kind (in BREACH_KINDS order), project, source and rule."""
    shown = sorted((s for s in standing_breaches if s.shows_on(today)), key=Standing.sort_key)
    return [breach for s in shown if (breach := s.on(today, labels)) is not None]


def evaluate(rules: Iterable[Rule], facts: Iterable[AllocationFacts], today: date,
             labels: Optional[Mapping[str, Any]] = None) -> list[Breach]:
    """Every breach of `rules` by the allocations in `facts` as of `today`.

    `labels` maps project category codes to the names shown in messages (codes when missing).
    Sorted by kind (in BREACH_KINDS order), then project code, source code and rule.
    """
    return report(standing(rules, facts), today, labels)


def count_by_kind(breaches: Iterable[Breach]) -> dict[str, int]:
    """How many breaches of each kind, every kind present (zero when none)."""
    counts = dict.fromkeys(BREACH_KINDS, 0)
    for breach in breaches:
        counts[breach.kind] += 1
    return counts
