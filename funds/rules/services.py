"""Editing fund rules, which are data a county changes without a release.

A rule is never deleted: it is deactivated, and every creation and change is audited with what
it was before and after. Each function re-checks everything the form checks (forms are not the
only door) and leaves the commit to the caller.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select

from audit.services import record
from core.errors import Refused
from core.i18n import _l
from extensions import db
from funds.models import CHANNELS, RULE_KINDS, FundRule, FundSource
from funds.rules import standing
from funds.rules.params import RuleParams, RuleParamsError, parse_params
from projects.models import CATEGORIES


class RuleError(Refused):
    """A refused rule change: `field` names the form field, `message` says why (translatable)."""


@dataclass(frozen=True)
class RuleInput:
    """What a person sets on a rule (its kind is chosen once, when it is created)."""

    params: dict[str, Any]
    channel: Optional[str] = None
    source_id: Optional[int] = None
    note: str = ""
    active: bool = True


@dataclass(frozen=True)
class RuleRow:
    """A stored rule for the list, with its typed parameters or the problem reading them."""

    rule: FundRule
    source_code: Optional[str]
    params: Optional[RuleParams]
    problem: Optional[object]


def _checked(kind: str, values: RuleInput) -> dict[str, Any]:
    """The stored columns for `values`, or RuleError naming the field at fault."""
    if kind not in RULE_KINDS:
        raise RuleError("kind", _l("Unknown kind of rule."))
    channel = values.channel or None
    if channel is not None and channel not in CHANNELS:
        raise RuleError("channel", _l("Unknown channel."))
    if channel is not None and values.source_id is not None:
        raise RuleError("source_id", _l("A rule binds either a channel or one source, not both."))
    if values.source_id is not None and db.session.get(FundSource, values.source_id) is None:
        raise RuleError("source_id", _l("Unknown fund source."))
    try:
        params = parse_params(kind, values.params, known_categories=CATEGORIES)
    except RuleParamsError as error:
        raise RuleError(error.field, error.message) from error
    return {"channel": channel, "source_id": values.source_id, "params": params.to_json(),
            "note": values.note.strip(), "active": bool(values.active)}


def snapshot(rule: FundRule) -> dict[str, Any]:
    """The audited state of a rule (parameters as canonical JSON text)."""
    return {"kind": rule.kind, "channel": rule.channel, "source_id": rule.source_id,
            "params": json.dumps(rule.params, sort_keys=True, ensure_ascii=False), "active": rule.active,
            "note": rule.note}


def recheck_bound(*bindings: Optional[list[int]]) -> None:
    """Check again the allocations of the sources a rule bound before and binds after a change
    (`standing.sources_bound_by`, None for every source), under those sources' locks."""
    sources: Optional[set[int]] = set()
    for bound in bindings:
        sources = None if sources is None or bound is None else sources | set(bound)
    standing.lock_sources(sources)
    db.session.flush()
    standing.recheck_sources(sources)


def create_rule(kind: str, values: RuleInput, actor=None) -> FundRule:
    """Add a rule of `kind`; it applies at once (the allocations it binds are checked again)."""
    rule = FundRule(kind=kind, **_checked(kind, values), updated_by_id=getattr(actor, "id", None))
    db.session.add(rule)
    db.session.flush()
    recheck_bound(standing.sources_bound_by(rule))
    record("fund_rule.create", user=actor, object_type="fund_rule", object_id=rule.id, after=snapshot(rule))
    return rule


def update_rule(rule: FundRule, values: RuleInput, actor=None, expected_version: Optional[str] = None) -> bool:
    """Change what a rule binds, its parameters, note or state; False when nothing changed.

    `expected_version` is the `version_token` the editor loaded: a rule changed by someone else
    meanwhile is refused rather than silently overwritten.
    """
    if expected_version is not None and expected_version != version_token(rule):
        raise RuleError("form", _l("Someone else changed this rule meanwhile; reload the page and try again."))
    columns = _checked(rule.kind, values)
    before, bound_before = snapshot(rule), standing.sources_bound_by(rule)
    for name, value in columns.items():
        setattr(rule, name, value)
    after = snapshot(rule)
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return False
    rule.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    recheck_bound(bound_before, standing.sources_bound_by(rule))
    record("fund_rule.update", user=actor, object_type="fund_rule", object_id=rule.id,
           before={key: before[key] for key in changed}, after={key: after[key] for key in changed})
    return True


def set_rule_active(rule: FundRule, active: bool, actor=None) -> bool:
    """Activate or deactivate a rule (rules are never deleted); False when already so."""
    if rule.active == active:
        return False
    rule.active = active
    rule.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    recheck_bound(standing.sources_bound_by(rule))
    record("fund_rule.update", user=actor, object_type="fund_rule", object_id=rule.id,
           before={"active": not active}, after={"active": active})
    return True


def version_token(rule: FundRule) -> str:
    """Text that changes whenever the rule is saved (its last update time)."""
    return rule.updated_at.isoformat() if rule.updated_at else ""


def rule_rows() -> list[RuleRow]:
    """Every rule, active first, by kind, with its typed parameters or why they cannot be read."""
    rows = db.session.execute(
        select(FundRule, FundSource.code).outerjoin(FundSource, FundRule.source_id == FundSource.id)
        .order_by(FundRule.active.desc(), FundRule.kind, FundRule.id)).all()
    result = []
    for rule, source_code in rows:
        try:
            result.append(RuleRow(rule, source_code, parse_params(rule.kind, rule.params), None))
        except RuleParamsError as error:
            result.append(RuleRow(rule, source_code, None, error.message))
    return result
