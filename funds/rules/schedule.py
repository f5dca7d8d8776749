"""The `spending_schedule` rule: a source paid out too far behind the schedule (序时进度) of its year.

Unlike the other rules, this one judges a source's money as a whole, not one allocation, so its
breaches (kind `behind_schedule`, no project) are not rows of the standing-breach table: the
figures it reads are the balances the ledger already keeps in step on each source (received and
spent), one row per source, and the day decides the rest, as the wages_overdue rule's due day
does. So the checks read them fresh for the day asked: one query over the sources (a county has a
few hundred), then `behind_schedule`, a pure function tested with hand-computed examples.

A source is judged in its fiscal year up to the day asked, and after its year as of 31 December
(money of a past year still unspent is behind: it may be reclaimed). The ratio is paid ÷ received
(what the source actually has); a source that received nothing has no ratio and is never behind.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Optional

from flask import current_app
from sqlalchemy import select

from extensions import db
from funds.models import FundSource
from funds.rules.evaluate import Breach, Rule, SourceFacts
from funds.rules.messages import breach_message
from funds.rules.params import BASIS_POINTS, SpendingSchedule
from funds.schedule import Curve, expected_share, parse_curve, percent_text, ratio, tenths_of_percent

KIND = "behind_schedule"
RULE_KIND = "spending_schedule"


@dataclass(frozen=True)
class SourceYear:
    """A source's money of its fiscal year, as the ledger keeps it."""

    id: int
    code: str
    channel: str
    fiscal_year: int
    received_fen: int
    allocated_fen: int
    paid_fen: int


def _tenths_text(tenths: int) -> str:
    return f"{tenths // 10}.{tenths % 10}"


def _judge(rule: Rule, source: SourceYear, today: date, curve: Optional[Curve]) -> Optional[Breach]:
    """The rule's breach by the source on `today`, or None (on schedule, within the warning, no money)."""
    if today < date(source.fiscal_year, 1, 1):
        return None
    payout = ratio(source.paid_fen, source.received_fen)
    if payout is None:
        return None
    as_of = min(today, date(source.fiscal_year, 12, 31))
    expected = expected_share(source.fiscal_year, as_of, curve)
    behind = expected - payout  # a share; compared in basis points exactly
    params = rule.params_as(SpendingSchedule)
    if behind * BASIS_POINTS >= params.breach_bp:
        level, limit = "breach", params.breach_bp
    elif behind * BASIS_POINTS >= params.warning_bp:
        level, limit = "warning", params.warning_bp
    else:
        return None
    behind_tenths = tenths_of_percent(behind)
    detail = dict(level=level, fiscal_year=source.fiscal_year, as_of=as_of.isoformat(),
                  received_fen=source.received_fen, allocated_fen=source.allocated_fen, paid_fen=source.paid_fen,
                  payout=percent_text(payout), expected=percent_text(expected),
                  payout_tenths=tenths_of_percent(payout), expected_tenths=tenths_of_percent(expected),
                  behind_tenths=behind_tenths, behind_points=_tenths_text(behind_tenths),
                  limit_points=_tenths_text(limit // 10))
    message = breach_message(KIND, source.code, detail, {}, {})
    return Breach(KIND, rule.id, source.id, source.code, None, "", "", message, detail)


def behind_schedule(rules: Iterable[Rule], sources: Iterable[SourceYear], today: date,
                    curve: Optional[Curve] = None) -> list[Breach]:
    """Every source behind the schedule by a `spending_schedule` rule's thresholds on `today`, worst
    first (breaches before warnings, then by the gap, then by source code)."""
    schedule_rules = [rule for rule in rules if rule.kind == RULE_KIND]
    found = []
    for source in sources:
        facts = SourceFacts(source.id, source.code, source.channel)
        for rule in schedule_rules:
            if rule.binds(facts) and (breach := _judge(rule, source, today, curve)) is not None:
                found.append(breach)
    return sorted(found, key=lambda b: (b.detail["level"] != "breach", -b.detail["behind_tenths"], b.source_code,
                                        b.rule_id))


def configured_curve() -> Optional[Curve]:
    """The county's monthly curve (config SPENDING_CURVE), None for the time elapsed."""
    return parse_curve(current_app.config.get("SPENDING_CURVE"))


def source_years(today: date, source_id: Optional[int] = None) -> list[SourceYear]:
    """The sources whose fiscal year has begun by `today` (one of them when `source_id` is given)."""
    query = (select(FundSource.id, FundSource.code, FundSource.channel, FundSource.fiscal_year,
                    FundSource.received_fen, FundSource.allocated_fen, FundSource.spent_fen)
             .where(FundSource.fiscal_year <= today.year).order_by(FundSource.code))
    if source_id is not None:
        query = query.where(FundSource.id == source_id)
    return [SourceYear(*row) for row in db.session.execute(query)]


def schedule_breaches(rules: list[Rule], today: date, source_id: Optional[int] = None,
                      whole_sources: bool = True) -> list[Breach]:
    """The behind_schedule breaches on `today` (of one source when given); none when the scope is
    narrower than whole sources (a project's or some allocations' breaches) or no rule asks."""
    if not whole_sources or not any(rule.kind == RULE_KIND for rule in rules):
        return []
    return behind_schedule(rules, source_years(today, source_id), today, configured_curve())


__all__ = ["KIND", "SourceYear", "behind_schedule", "configured_curve", "schedule_breaches", "source_years"]
