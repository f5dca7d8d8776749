"""What a fund-rule breach says, built from its numbers alone: the same words whether the breach was
just evaluated or read back from the store of standing breaches (funds.rules.standing).

Each message is a lazy translatable string (translated when shown, in the reader's language); the
parts it joins are too. Everything here pickles, so a report holding breaches can be stored.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from core.i18n import _l
from core.money import format_basis_points, format_yuan


class Joined:
    """Lazy parts joined by a separator when shown, so each is translated then, not when built."""

    def __init__(self, parts: Iterable[Any], separator: str = "; "):
        self.parts = list(parts)
        self.separator = separator

    def __str__(self) -> str:
        return self.separator.join(str(part) for part in self.parts)


Words = Mapping[str, Any]
Labels = Mapping[str, Any]


def _ineligible(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    category = detail["category"]
    return _l("%(source)s may fund only %(allowed)s projects, but %(amount)s yuan is allocated to this "
              "%(category)s project.", source=source,
              allowed=Joined((labels.get(code, code) for code in detail["allowed"]), ", "),
              amount=format_yuan(detail["allocated_fen"]), category=labels.get(category, category))


def _wage_share(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    if detail.get("from_payroll"):
        return _l("Workers' wages on the payrolls (managers aside) are %(share)s of the %(spent)s yuan spent from "
                  "%(source)s (%(wages)s yuan); at least %(floor)s must be paid as wages.",
                  share=format_basis_points(detail["share_bp"], 2), spent=format_yuan(detail["spent_fen"]),
                  source=source, wages=format_yuan(detail["wages_fen"]),
                  floor=format_basis_points(detail["floor_bp"], 2))
    return _l("Wages are %(share)s of the %(spent)s yuan spent from %(source)s (%(wages)s yuan); "
              "at least %(floor)s must be paid as wages.", share=format_basis_points(detail["share_bp"], 2),
              spent=format_yuan(detail["spent_fen"]), source=source, wages=format_yuan(detail["wages_fen"]),
              floor=format_basis_points(detail["floor_bp"], 2))


def _management_fee(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    return _l("Management fees of %(fees)s yuan from %(source)s exceed %(cap)s of the %(allocated)s yuan "
              "allocated (at most %(limit)s yuan).", fees=format_yuan(detail["fees_fen"]), source=source,
              cap=format_basis_points(detail["cap_bp"], 2), allocated=format_yuan(detail["allocated_fen"]),
              limit=format_yuan(detail["limit_fen"]))


def _place(place: str):
    """Where a forbidden word was found: 'name', 'description' or 'payee:<the payee>'."""
    if place == "name":
        return _l("the project name")
    if place == "description":
        return _l("the project description")
    return _l("payee %(payee)s", payee=place.removeprefix("payee:"))


def _negative_list(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    shown = []
    category = words.get("category")
    if category is not None:
        shown.append(_l("the project's category is %(category)s", category=labels.get(category, category)))
    for word, places in words.get("places", ()):
        shown.append(_l("“%(word)s” in %(places)s", word=word, places=Joined((_place(p) for p in places), ", ")))
    return _l("%(source)s money may not pay for this (negative list): %(matches)s.", source=source,
              matches=Joined(shown))


def _after_completion(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    return _l("%(count)d payments of %(amount)s yuan from %(source)s are dated after the project was completed "
              "on %(end)s (from %(first)s to %(last)s).", count=detail["payments"],
              amount=format_yuan(detail["amount_fen"]), source=source, end=detail["actual_end"],
              first=detail["first_paid_on"], last=detail["last_paid_on"])


def _idle(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    values = dict(unspent=format_yuan(detail["unspent_fen"]), source=source, since=detail["since"],
                  idle=detail["idle_months"], allowed=detail["allowed_months"])
    if not detail["never_paid"]:
        return _l("%(unspent)s yuan from %(source)s is unspent with no payment since %(since)s (%(idle)d months); "
                  "a balance this size may stay idle at most %(allowed)d months.", **values)
    return _l("%(unspent)s yuan from %(source)s has not been spent at all since it was allocated on %(since)s "
              "(%(idle)d months); a balance this size may stay idle at most %(allowed)d months.", **values)


def _wages_overdue(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    return _l("The payroll of %(month)s (%(workers)d workers, %(amount)s yuan from %(source)s) is not paid: "
              "wages are due within %(days)d days after the month worked.", month=detail["month"],
              workers=detail["workers"], amount=format_yuan(detail["amount_fen"]), source=source, days=detail["days"])


def _household_share(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    return _l("%(household)d of the %(workers)d workers paid from %(source)s come from registered households "
              "(%(share)s); at least %(floor)s should.", household=detail["household_workers"],
              workers=detail["workers"], source=source, share=format_basis_points(detail["share_bp"], 2),
              floor=format_basis_points(detail["floor_bp"], 2))


def _behind_schedule(source: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    values = dict(source=source, year=detail["fiscal_year"], as_of=detail["as_of"], payout=detail["payout"],
                  received=format_yuan(detail["received_fen"]), paid=format_yuan(detail["paid_fen"]),
                  expected=detail["expected"], behind=detail["behind_points"], limit=detail["limit_points"])
    if detail["level"] == "breach":
        return _l("%(source)s (%(year)d) has paid out %(payout)s of the %(received)s yuan it received (%(paid)s yuan) "
                  "by %(as_of)s against a schedule of %(expected)s: %(behind)s points behind, past the breach "
                  "threshold of %(limit)s points.", **values)
    return _l("%(source)s (%(year)d) has paid out %(payout)s of the %(received)s yuan it received (%(paid)s yuan) "
              "by %(as_of)s against a schedule of %(expected)s: %(behind)s points behind, past the warning "
              "threshold of %(limit)s points.", **values)


MESSAGES: dict[str, Callable[[str, Mapping[str, Any], Words, Labels], Any]] = {
    "ineligible_category": _ineligible,
    "wage_share_below_floor": _wage_share,
    "management_fee_over_cap": _management_fee,
    "negative_list": _negative_list,
    "spending_after_completion": _after_completion,
    "idle_allocation": _idle,
    "wages_overdue": _wages_overdue,
    "household_share_below_floor": _household_share,
    "behind_schedule": _behind_schedule,
}


def breach_message(kind: str, source_code: str, detail: Mapping[str, Any], words: Words, labels: Labels):
    """The message of a breach of `kind` by `source_code`'s money, from its detail and words.

    `labels` maps project category codes to their names (codes when missing)."""
    return MESSAGES[kind](source_code, detail, words, labels)
