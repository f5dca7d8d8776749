"""Fund-rule checks as a pure function: `evaluate(rules, facts, today)` returns every breach.

The facts are aggregates per allocation (one source's money on one project): what it allocated,
what it spent by cost category, when it last paid or allocated, payments after the project's
completion, the payees it paid. `funds.checks` gathers them with a handful of GROUP BY queries;
everything here takes plain values, so each rule is tested by hand-computed examples.

A rule binds one source (`source_id`), every source of a channel (`channel`), or every source
when both are empty. Every active rule that binds a source applies to each of its allocations, so
a channel rule and a stricter rule for one source both hold (as `allocate` enforces them).
Messages are lazy translatable strings; with no app they read in English.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional, TypeVar

from flask_babel.speaklater import LazyString

from core.i18n import _l
from core.money import format_basis_points, format_yuan
from funds.rules.params import (
    BASIS_POINTS,
    EligibleCategories,
    IdleThresholds,
    ManagementFeeCap,
    NegativeList,
    RuleParams,
    WageShareFloor,
)

BREACH_KINDS = {
    "ineligible_category": _l("Ineligible project category"),
    "wage_share_below_floor": _l("Wage share below the floor"),
    "management_fee_over_cap": _l("Management fee over the cap"),
    "negative_list": _l("Negative list"),
    "spending_after_completion": _l("Spending after completion"),
    "idle_allocation": _l("Idle allocation"),
}
BREACH_OF_RULE = {
    "eligible_categories": "ineligible_category",
    "wage_share_floor": "wage_share_below_floor",
    "management_fee_cap": "management_fee_over_cap",
    "negative_list": "negative_list",
    "spending_after_completion": "spending_after_completion",
    "idle_allocation": "idle_allocation",
}
_KIND_ORDER = {kind: index for index, kind in enumerate(BREACH_KINDS)}
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
    project_id: int
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


def add_months(day: date, months: int) -> date:
    """The same day `months` later, on the month's last day when it is shorter (Jan 31 + 1 = Feb 28)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: date, end: date) -> int:
    """Full months from `start` to `end` (0 when `end` is within a month of `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def _joined(parts: Iterable[Any], separator: str = "; ") -> LazyString:
    """Lazy text joining lazy parts, so they are translated when shown, not when evaluated."""
    items = list(parts)
    return LazyString(lambda: separator.join(str(item) for item in items))


def _share(numerator_fen: int, base_fen: int) -> int:
    """numerator / base in basis points, rounded down (so a breach never displays as the limit)."""
    return max(numerator_fen, 0) * BASIS_POINTS // base_fen


def _breach(rule: Rule, fact: AllocationFacts, message, **detail) -> Breach:
    """A breach of `rule` by the allocation `fact`."""
    return Breach(kind=BREACH_OF_RULE[rule.kind], rule_id=rule.id, source_id=fact.source.id,
                  source_code=fact.source.code, project_id=fact.project.id, project_code=fact.project.code,
                  project_name=fact.project.name, message=message, detail=detail)


def _ineligible_category(rule: Rule, fact: AllocationFacts, today: date, labels: Mapping) -> Optional[Breach]:
    """The project's category is not one the source may fund (e.g. the rule was edited later)."""
    category, eligible = fact.project.category, rule.params_as(EligibleCategories).categories
    if fact.allocated_fen <= 0 or category in eligible:
        return None
    allowed = _joined((labels.get(code, code) for code in sorted(eligible)), ", ")
    message = _l("%(source)s may fund only %(allowed)s projects, but %(amount)s yuan is allocated to this "
                 "%(category)s project.", source=fact.source.code, allowed=allowed,
                 amount=format_yuan(fact.allocated_fen), category=labels.get(category, category))
    return _breach(rule, fact, message, category=category, allocated_fen=fact.allocated_fen,
                   allowed=sorted(eligible))


def _wage_share(rule: Rule, fact: AllocationFacts, today: date, labels: Mapping) -> Optional[Breach]:
    """Wages are below the floor's share of what the source spent on the project."""
    spent = fact.spent_fen
    wages = fact.spent_by_category.get("wages", 0)
    floor = rule.params_as(WageShareFloor).min_share_bp
    if spent <= 0 or wages * BASIS_POINTS >= floor * spent:
        return None
    share = _share(wages, spent)
    message = _l("Wages are %(share)s of the %(spent)s yuan spent from %(source)s (%(wages)s yuan); "
                 "at least %(floor)s must be paid as wages.", share=format_basis_points(share, 2),
                 spent=format_yuan(spent), source=fact.source.code, wages=format_yuan(wages),
                 floor=format_basis_points(floor, 2))
    return _breach(rule, fact, message, wages_fen=wages, spent_fen=spent, share_bp=share, floor_bp=floor)


def _management_fee(rule: Rule, fact: AllocationFacts, today: date, labels: Mapping) -> Optional[Breach]:
    """Management fees paid exceed the cap's share of what the source allocated to the project."""
    fees = fact.spent_by_category.get("management_fee", 0)
    cap = rule.params_as(ManagementFeeCap).max_share_bp
    if fees <= 0 or fees * BASIS_POINTS <= cap * fact.allocated_fen:
        return None
    limit = cap * fact.allocated_fen // BASIS_POINTS
    message = _l("Management fees of %(fees)s yuan from %(source)s exceed %(cap)s of the %(allocated)s yuan "
                 "allocated (at most %(limit)s yuan).", fees=format_yuan(fees), source=fact.source.code,
                 cap=format_basis_points(cap, 2), allocated=format_yuan(fact.allocated_fen), limit=format_yuan(limit))
    return _breach(rule, fact, message, fees_fen=fees, allocated_fen=fact.allocated_fen,
                   share_bp=_share(fees, fact.allocated_fen) if fact.allocated_fen else None, cap_bp=cap,
                   limit_fen=limit)


def _contains(text: str, keyword: str) -> bool:
    """Case-insensitive substring test."""
    return keyword.casefold() in (text or "").casefold()


def _negative_matches(rule: Rule, fact: AllocationFacts, labels: Mapping) -> tuple[list, list[str]]:
    """(what to show, matched keywords and categories) of the negative list in the allocation."""
    params, project = rule.params_as(NegativeList), fact.project
    shown, matched = [], []
    if project.category in params.forbidden_categories:
        shown.append(_l("the project's category is %(category)s", category=labels.get(project.category,
                                                                                     project.category)))
        matched.append(project.category)
    for word in params.forbidden_keywords:
        places = [_l("the project name") if _contains(project.name, word) else None,
                  _l("the project description") if _contains(project.description, word) else None]
        places += [_l("payee %(payee)s", payee=payee) for payee in fact.payees if _contains(payee, word)]
        places = [place for place in places if place is not None]
        if places:
            shown.append(_l("“%(word)s” in %(places)s", word=word, places=_joined(places, ", ")))
            matched.append(word)
    return shown, matched


def _negative_list(rule: Rule, fact: AllocationFacts, today: date, labels: Mapping) -> Optional[Breach]:
    """The project's category or a forbidden word in its name, description or a payee."""
    if fact.allocated_fen <= 0 and not fact.payees:
        return None
    shown, matched = _negative_matches(rule, fact, labels)
    if not matched:
        return None
    message = _l("%(source)s money may not pay for this (negative list): %(matches)s.",
                 source=fact.source.code, matches=_joined(shown))
    return _breach(rule, fact, message, matched=matched, allocated_fen=fact.allocated_fen, spent_fen=fact.spent_fen)


def _after_completion(rule: Rule, fact: AllocationFacts, today: date, labels: Mapping) -> Optional[Breach]:
    """Payments from the source dated after the project's actual end."""
    late, end = fact.late_spending, fact.project.actual_end
    if late is None or late.count <= 0 or end is None:
        return None
    message = _l("%(count)d payments of %(amount)s yuan from %(source)s are dated after the project was completed "
                 "on %(end)s (from %(first)s to %(last)s).", count=late.count, amount=format_yuan(late.amount_fen),
                 source=fact.source.code, end=end.isoformat(), first=late.first_paid_on.isoformat(),
                 last=late.last_paid_on.isoformat())
    return _breach(rule, fact, message, payments=late.count, amount_fen=late.amount_fen, actual_end=end.isoformat(),
                   first_paid_on=late.first_paid_on.isoformat(), last_paid_on=late.last_paid_on.isoformat())


def _idle(rule: Rule, fact: AllocationFacts, today: date, labels: Mapping) -> Optional[Breach]:
    """Unspent money with no payment (or, never paid, no allocation entry) for longer than its tier allows."""
    unspent = fact.unspent_fen
    allowed = rule.params_as(IdleThresholds).months_for(unspent)
    since = fact.last_payment_on or fact.last_entry_on
    if allowed is None or since is None or today <= add_months(since, allowed):
        return None
    idle = whole_months_between(since, today)
    values = dict(unspent=format_yuan(unspent), source=fact.source.code, since=since.isoformat(), idle=idle,
                  allowed=allowed)
    if fact.last_payment_on is not None:
        message = _l("%(unspent)s yuan from %(source)s is unspent with no payment since %(since)s (%(idle)d months); "
                     "a balance this size may stay idle at most %(allowed)d months.", **values)
    else:
        message = _l("%(unspent)s yuan from %(source)s has not been spent at all since it was allocated on %(since)s "
                     "(%(idle)d months); a balance this size may stay idle at most %(allowed)d months.", **values)
    return _breach(rule, fact, message, unspent_fen=unspent, since=since.isoformat(), idle_months=idle,
                   allowed_months=allowed, never_paid=fact.last_payment_on is None)


CHECKS: dict[str, Callable[[Rule, AllocationFacts, date, Mapping], Optional[Breach]]] = {
    "eligible_categories": _ineligible_category,
    "wage_share_floor": _wage_share,
    "management_fee_cap": _management_fee,
    "negative_list": _negative_list,
    "spending_after_completion": _after_completion,
    "idle_allocation": _idle,
}


def evaluate(rules: Iterable[Rule], facts: Iterable[AllocationFacts], today: date,
             labels: Optional[Mapping[str, Any]] = None) -> list[Breach]:
    """Every breach of `rules` by the allocations in `facts` as of `today`.

    `labels` maps project category codes to the names shown in messages (codes when missing).
    Sorted by kind (in BREACH_KINDS order), then project code, source code and rule.
    """
    rules = list(rules)
    labels = labels or {}
    rules_of_source: dict[int, list[Rule]] = {}
    breaches = []
    for fact in facts:
        bound = rules_of_source.get(fact.source.id)
        if bound is None:
            bound = rules_of_source[fact.source.id] = [rule for rule in rules if rule.binds(fact.source)]
        for rule in bound:
            breach = CHECKS[rule.kind](rule, fact, today, labels)
            if breach is not None:
                breaches.append(breach)
    return sorted(breaches, key=lambda b: (_KIND_ORDER[b.kind], b.project_code, b.source_code, b.rule_id))


def count_by_kind(breaches: Iterable[Breach]) -> dict[str, int]:
    """How many breaches of each kind, every kind present (zero when none)."""
    counts = dict.fromkeys(BREACH_KINDS, 0)
    for breach in breaches:
        counts[breach.kind] += 1
    return counts
