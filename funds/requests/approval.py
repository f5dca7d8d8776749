"""Which payments need a second person's approval: the fund rule `payment_approval`.

The rule that binds a source most narrowly decides: one naming the source before one of its channel
before one for every source, and among those one for the source's fiscal year before one for every
year; where several are equally narrow the strictest (lowest amount) wins. Without any such rule
every payment needs approval, and a rule whose stored parameters cannot be read counts as "every
payment": a broken rule never lets money out unchecked.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from extensions import db
from funds.models import FundRule, FundSource
from funds.rules.params import PaymentApproval, RuleParamsError, parse_params

EVERY_PAYMENT = PaymentApproval(0)


@dataclass(frozen=True)
class BoundApproval:
    """A stored approval rule: whom it binds (source, channel, or neither: every source) and its parameters."""

    source_id: Optional[int]
    channel: Optional[str]
    params: PaymentApproval


def binding_rule(rules: Iterable[BoundApproval], source_id: int, channel: str,
                 fiscal_year: int) -> PaymentApproval:
    """The parameters that decide for a source (module docstring); pure."""
    ranked = []
    for rule in rules:
        if rule.params.fiscal_year is not None and rule.params.fiscal_year != fiscal_year:
            continue
        if rule.source_id is not None and rule.source_id != source_id:
            continue
        if rule.channel is not None and rule.channel != channel:
            continue
        breadth = 0 if rule.source_id is not None else 1 if rule.channel is not None else 2
        ranked.append((breadth, rule.params.fiscal_year is None, rule.params.above_fen, rule.params))
    return min(ranked, key=lambda row: row[:3])[3] if ranked else EVERY_PAYMENT


def _stored_rules() -> list[BoundApproval]:
    rules = []
    for row in db.session.scalars(select(FundRule).where(FundRule.kind == "payment_approval",
                                                         FundRule.active.is_(True))):
        try:
            params = parse_params(row.kind, row.params)
        except RuleParamsError:
            params = EVERY_PAYMENT
        assert isinstance(params, PaymentApproval)
        rules.append(BoundApproval(row.source_id, row.channel, params))
    return rules


def needs_approval(source: FundSource, amount_fen: int) -> bool:
    """True when a payment of `amount_fen` from `source` must wait for a second person's approval."""
    rule = binding_rule(_stored_rules(), source.id, source.channel, source.fiscal_year)
    return rule.needs_approval(amount_fen)
