"""Fund-rule parameters: typed, validated, and stored as JSON in `FundRule.params`.

A county edits its rules as data, so whatever is stored is read back through `parse_params`,
which refuses anything malformed with a message naming the form field to fix. Shares are kept
in basis points (10000 = 100%) so every comparison is exact integer arithmetic; money is fen.
Pure: no Flask, no database (flask_babel only marks messages for translation).

Stored JSON per kind (the demo county uses exactly these names):
  eligible_categories        {"categories": ["road", ...]}
  wage_share_floor           {"min_share_pct": 30}
  management_fee_cap         {"max_share_pct": 1}
  negative_list              {"forbidden_categories": [...], "forbidden_keywords": ["楼堂馆所", ...]}
  spending_after_completion  {}
  idle_allocation            {"thresholds": [{"min_unspent_fen": 50000000, "months": 12}, ...]}
  payment_approval           {"above_fen": 0, "fiscal_year": null}   (checked when paying, not standing)
  wages_overdue              {"days": 30}
  household_share_floor      {"min_share_pct": 50}
  spending_schedule          {"warning_points": 5, "breach_points": 10}   (per source, funds.rules.schedule)
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional, Union

from core.i18n import _l

BASIS_POINTS = 10_000  # 100%
MAX_MONTHS = 600
MAX_KEYWORDS = 200
MAX_KEYWORD_LENGTH = 100

# FMIS inactive-obligation review: over 500,000 -> 12 months, 50,000-500,000 -> 24, below -> 36 (yuan here).
FMIS_THRESHOLDS = [{"min_unspent_fen": 50_000_000, "months": 12}, {"min_unspent_fen": 5_000_000, "months": 24},
                   {"min_unspent_fen": 0, "months": 36}]
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "eligible_categories": {"categories": []},
    "wage_share_floor": {"min_share_pct": 30},
    "management_fee_cap": {"max_share_pct": 1},
    "negative_list": {"forbidden_categories": [],
                      "forbidden_keywords": ["楼堂馆所", "偿还债务", "奖金", "津贴", "车辆"]},
    "spending_after_completion": {},
    "idle_allocation": {"thresholds": FMIS_THRESHOLDS},
    "payment_approval": {"above_fen": 0, "fiscal_year": None},
    "wages_overdue": {"days": 30},
    "household_share_floor": {"min_share_pct": 50},
    "spending_schedule": {"warning_points": 5, "breach_points": 10},
}


class RuleParamsError(ValueError):
    """Parameters a rule cannot use; `field` names the form field, `message` says why (translatable)."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class EligibleCategories:
    """The project categories a source may fund."""

    categories: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"categories": sorted(self.categories)}


@dataclass(frozen=True)
class WageShareFloor:
    """Wages must be at least this share of a source's spending on a project."""

    min_share_bp: int

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"min_share_pct": _pct_json(self.min_share_bp)}


@dataclass(frozen=True)
class ManagementFeeCap:
    """Management fees may be at most this share of what a source allocated to a project."""

    max_share_bp: int

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"max_share_pct": _pct_json(self.max_share_bp)}


@dataclass(frozen=True)
class NegativeList:
    """Project categories and words (in project name, description or payee) a source may never pay for."""

    forbidden_categories: frozenset[str]
    forbidden_keywords: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"forbidden_categories": sorted(self.forbidden_categories),
                "forbidden_keywords": list(self.forbidden_keywords)}


@dataclass(frozen=True)
class SpendingAfterCompletion:
    """No payment may be dated after the project's actual end."""

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {}


@dataclass(frozen=True)
class IdleTier:
    """An unspent balance over `min_unspent_fen` may go at most `months` without a payment."""

    min_unspent_fen: int
    months: int


@dataclass(frozen=True)
class IdleThresholds:
    """Tiers of idle allocation, largest balance first."""

    tiers: tuple[IdleTier, ...]

    def months_for(self, unspent_fen: int) -> Optional[int]:
        """The months allowed for an unspent balance, or None when it is over no tier's minimum."""
        for tier in self.tiers:
            if unspent_fen > tier.min_unspent_fen:
                return tier.months
        return None

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"thresholds": [{"min_unspent_fen": t.min_unspent_fen, "months": t.months} for t in self.tiers]}


@dataclass(frozen=True)
class PaymentApproval:
    """Payments over `above_fen` need a second person's approval (0: every payment), for sources of
    `fiscal_year` only when it is given."""

    above_fen: int
    fiscal_year: Optional[int] = None

    def needs_approval(self, amount_fen: int) -> bool:
        """True when a payment of `amount_fen` must wait for approval."""
        return amount_fen > self.above_fen

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"above_fen": self.above_fen, "fiscal_year": self.fiscal_year}


@dataclass(frozen=True)
class WagesOverdue:
    """A month's work-for-relief wages must be paid within `days` after the month's last day."""

    days: int

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"days": self.days}


@dataclass(frozen=True)
class HouseholdShareFloor:
    """At least this share of a project's workers (managers aside) from registered households."""

    min_share_bp: int

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"min_share_pct": _pct_json(self.min_share_bp)}


@dataclass(frozen=True)
class SpendingSchedule:
    """A source of the year paid out (÷ received) this many percentage points (in basis points)
    behind the schedule is warned (`warning_bp`), and further behind (`breach_bp`) in breach."""

    warning_bp: int
    breach_bp: int

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"warning_points": _pct_json(self.warning_bp), "breach_points": _pct_json(self.breach_bp)}


RuleParams = Union[EligibleCategories, WageShareFloor, ManagementFeeCap, NegativeList,
                   SpendingAfterCompletion, IdleThresholds, PaymentApproval, WagesOverdue,
                   HouseholdShareFloor, SpendingSchedule]


def _pct_json(basis_points: int) -> Union[int, float]:
    """A share in basis points as the percentage stored in JSON: 3000 -> 30, 2950 -> 29.5."""
    whole, rest = divmod(basis_points, 100)
    return whole if rest == 0 else float(Decimal(basis_points) / 100)


def share_basis_points(value: Any, field: str) -> int:
    """A percentage (number or text, at most two decimals, over 0 and at most 100) in basis points."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise RuleParamsError(field, _l("Enter a percentage."))
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation as error:
        raise RuleParamsError(field, _l("Not a percentage: use digits, e.g. 30 or 29.5.")) from error
    if not number.is_finite():
        raise RuleParamsError(field, _l("Not a percentage: use digits, e.g. 30 or 29.5."))
    basis_points = number * 100
    if basis_points != basis_points.to_integral_value():
        raise RuleParamsError(field, _l("Give the percentage with at most two decimals."))
    if not 0 < number <= 100:
        raise RuleParamsError(field, _l("The percentage must be more than 0 and at most 100."))
    return int(basis_points)


def _whole_number(value: Any, field: str, message) -> int:
    """An integer from JSON or a form (1, 1.0 or "1"), refusing booleans and fractions."""
    if isinstance(value, bool) or value is None:
        raise RuleParamsError(field, message)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise RuleParamsError(field, message) from error
    if not number.is_finite() or number != number.to_integral_value():
        raise RuleParamsError(field, message)
    return int(number)


def _codes(values: Any, field: str, known: Optional[Collection[str]]) -> frozenset[str]:
    """A set of category codes, each known when `known` is given."""
    if values is None:
        return frozenset()
    if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
        raise RuleParamsError(field, _l("Choose categories from the list."))
    codes = frozenset(str(value) for value in values)
    if known is not None and not codes <= set(known):
        raise RuleParamsError(field, _l("Unknown category: %(codes)s.", codes=", ".join(sorted(codes - set(known)))))
    return codes


def keywords_from_lines(text: str) -> list[str]:
    """Keywords typed one per line: trimmed, blanks dropped, repeats (ignoring case) dropped."""
    seen: set[str] = set()
    keywords = []
    for line in (text or "").splitlines():
        word = line.strip()
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            keywords.append(word)
    return keywords


def _keywords(values: Any) -> tuple[str, ...]:
    """Stored keywords, validated for type, count and length."""
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise RuleParamsError("forbidden_keywords", _l("Give the words one per line."))
    words = keywords_from_lines("\n".join(str(value) for value in values))
    if len(words) > MAX_KEYWORDS:
        raise RuleParamsError("forbidden_keywords", _l("At most %(n)d words.", n=MAX_KEYWORDS))
    if any(len(word) > MAX_KEYWORD_LENGTH for word in words):
        raise RuleParamsError("forbidden_keywords", _l("A word may have at most %(n)d characters.",
                                                       n=MAX_KEYWORD_LENGTH))
    return tuple(words)


def _tier(row: Any) -> IdleTier:
    """One threshold row: a non-negative unspent minimum in fen and 1-600 months."""
    if not isinstance(row, dict):
        raise RuleParamsError("thresholds", _l("Each threshold needs a balance and a number of months."))
    amount = _whole_number(row.get("min_unspent_fen"), "thresholds", _l("Enter each threshold's balance."))
    months = _whole_number(row.get("months"), "thresholds", _l("Enter each threshold's months as a whole number."))
    if amount < 0:
        raise RuleParamsError("thresholds", _l("A threshold's balance cannot be negative."))
    if not 1 <= months <= MAX_MONTHS:
        raise RuleParamsError("thresholds", _l("Months must be between 1 and %(n)d.", n=MAX_MONTHS))
    return IdleTier(amount, months)


def _thresholds(rows: Any) -> IdleThresholds:
    """At least one tier, no two with the same balance, ordered largest balance first."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise RuleParamsError("thresholds", _l("Enter at least one threshold."))
    tiers = [_tier(row) for row in rows]
    if len({tier.min_unspent_fen for tier in tiers}) != len(tiers):
        raise RuleParamsError("thresholds", _l("Two thresholds have the same balance."))
    return IdleThresholds(tuple(sorted(tiers, key=lambda tier: -tier.min_unspent_fen)))


def _negative_list(raw: dict, known: Optional[Collection[str]]) -> NegativeList:
    """Forbidden categories and keywords; at least one of either."""
    params = NegativeList(_codes(raw.get("forbidden_categories"), "forbidden_categories", known),
                          _keywords(raw.get("forbidden_keywords")))
    if not params.forbidden_categories and not params.forbidden_keywords:
        raise RuleParamsError("forbidden_keywords", _l("Give at least one forbidden category or word."))
    return params


def _eligible(raw: dict, known: Optional[Collection[str]]) -> EligibleCategories:
    """At least one eligible category."""
    categories = _codes(raw.get("categories"), "categories", known)
    if not categories:
        raise RuleParamsError("categories", _l("Choose at least one category."))
    return EligibleCategories(categories)


def _payment_approval(raw: dict) -> PaymentApproval:
    """A non-negative amount in fen and an optional fiscal year (2000-2100)."""
    above = _whole_number(raw.get("above_fen", 0), "above",
                          _l("Enter the amount above which a payment needs approval (0: every payment)."))
    if above < 0:
        raise RuleParamsError("above", _l("The amount cannot be negative."))
    year = raw.get("fiscal_year")
    if year is None or str(year).strip() == "":
        return PaymentApproval(above)
    year = _whole_number(year, "fiscal_year", _l("Enter the fiscal year as four digits, or leave it empty."))
    if not 2000 <= year <= 2100:
        raise RuleParamsError("fiscal_year", _l("Enter the fiscal year as four digits, or leave it empty."))
    return PaymentApproval(above, year)


def _spending_schedule(raw: dict) -> SpendingSchedule:
    """Two gaps in percentage points (over 0, at most 100), the warning's no larger than the breach's."""
    warning = share_basis_points(raw.get("warning_points"), "warning_points")
    breach = share_basis_points(raw.get("breach_points"), "breach_points")
    if warning > breach:
        raise RuleParamsError("warning_points", _l("The warning must come before the breach: give it fewer points."))
    return SpendingSchedule(warning, breach)


def parse_params(kind: str, raw: Any, known_categories: Optional[Collection[str]] = None) -> RuleParams:
    """The typed parameters of a rule of `kind` from their stored (or typed) form.

    `known_categories`, when given, is the list of project category codes a category must be in.
    Raises RuleParamsError naming the field at fault.
    """
    if not isinstance(raw, dict):
        raise RuleParamsError("params", _l("The rule's parameters are not readable."))
    if kind == "eligible_categories":
        return _eligible(raw, known_categories)
    if kind == "wage_share_floor":
        return WageShareFloor(share_basis_points(raw.get("min_share_pct"), "min_share_pct"))
    if kind == "management_fee_cap":
        return ManagementFeeCap(share_basis_points(raw.get("max_share_pct"), "max_share_pct"))
    if kind == "negative_list":
        return _negative_list(raw, known_categories)
    if kind == "spending_after_completion":
        return SpendingAfterCompletion()
    if kind == "idle_allocation":
        return _thresholds(raw.get("thresholds"))
    if kind == "payment_approval":
        return _payment_approval(raw)
    if kind == "wages_overdue":
        days = _whole_number(raw.get("days"), "days", _l("Enter the days as a whole number."))
        if not 1 <= days <= 366:
            raise RuleParamsError("days", _l("Days must be between 1 and 366."))
        return WagesOverdue(days)
    if kind == "household_share_floor":
        return HouseholdShareFloor(share_basis_points(raw.get("min_share_pct"), "min_household_pct"))
    if kind == "spending_schedule":
        return _spending_schedule(raw)
    raise RuleParamsError("kind", _l("Unknown kind of rule."))
