"""Performance target rules and the year-end self-assessment. Callers commit.

Rules: an indicator names its tier and a category of that tier, a name, a unit, a comparison (≥, ≤, =)
and a numeric target; indicators are added until the project is completed and removed only while it is
proposed (after approval they are what it was approved on). The actual value is a number, entered once
the project is under way (at completion or year end). A proposal is approved only with at least one
output indicator (`targets_gate`).

The self-assessment scores a project on 100 points by default: budget execution 10 (spent / allocated),
output 50, benefit 30, satisfaction 10 (`ASSESSMENT_WEIGHTS` setting). Each tier's points are shared
equally among its indicators; an indicator met earns its share, one missed or not yet measured earns
nothing (and is listed). A tier without indicators earns nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from flask import current_app
from sqlalchemy import func, select

from audit.services import record
from core.errors import Refused
from core.i18n import _l
from core.text import fold_width
from extensions import db
from projects.models import Project
from projects.scope import area_in_scope
from projects.targets.models import CATEGORIES, COMPARISONS, TIER_CATEGORIES, TIERS, Target

DEFAULT_WEIGHTS = {"budget": 10, "output": 50, "benefit": 30, "satisfaction": 10}
MAX_VALUE = Decimal("100000000000000")  # fits Numeric(18, 4)
ACTUAL_STATUSES = ("approved", "in_progress", "suspended", "completed", "accepted")
OPEN_STATUSES = ("proposed", "approved", "in_progress", "suspended")


class TargetError(Refused):
    """Refused target data."""


def parse_value(text: Any) -> Optional[Decimal]:
    """A number typed as text (full-width digits, thousands separators, a trailing % allowed), or None
    when it is not one."""
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    cleaned = fold_width(str(text or "")).strip().replace(",", "").rstrip("%").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= MAX_VALUE or value.as_tuple().exponent < -4:  # type: ignore[operator]
        return None
    return value


def show_value(value: Optional[Decimal]) -> str:
    """A stored value without trailing zeros: 2.4000 -> 2.4, 100.0000 -> 100."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class TargetInput:
    """An indicator as typed (the value still text)."""

    tier: str
    category: str
    name: str
    unit: str
    comparison: str
    target_value: Any

    def problems(self) -> dict[str, Any]:
        """Every problem with the indicator (pure)."""
        errors: dict[str, Any] = {}
        if self.tier not in TIERS:
            errors["tier"] = _l("Choose the tier: output, benefit or satisfaction.")
        elif self.category not in TIER_CATEGORIES[self.tier]:
            errors["category"] = _l("This category belongs to another tier.")
        if not (self.name or "").strip():
            errors["name"] = _l("Name the indicator.")
        elif len(self.name.strip()) > 200:
            errors["name"] = _l("At most %(n)d characters.", n=200)
        if not (self.unit or "").strip():
            errors["unit"] = _l("A target needs its unit (e.g. km, households, percent, yuan).")
        elif len(self.unit.strip()) > 32:
            errors["unit"] = _l("At most %(n)d characters.", n=32)
        if self.comparison not in COMPARISONS:
            errors["comparison"] = _l("Choose the comparison: ≥, ≤ or =.")
        if parse_value(self.target_value) is None:
            errors["target_value"] = _l("The target value is a number, e.g. 2.4 or 95.")
        return errors


def is_met(target: Target) -> Optional[bool]:
    """Whether the actual value meets the target; None while it is not entered."""
    actual = target.actual_value
    if actual is None:
        return None
    if target.comparison == "ge":
        return actual >= target.target_value
    if target.comparison == "le":
        return actual <= target.target_value
    return actual == target.target_value


def targets_of(project_id: int) -> list[Target]:
    """A project's indicators, tier by tier in the order they were added."""
    order = {tier: index for index, tier in enumerate(TIERS)}
    targets = list(db.session.scalars(select(Target).where(Target.project_id == project_id)
                                      .order_by(Target.position, Target.id)))
    return sorted(targets, key=lambda target: order[target.tier])


def _check_scope(actor, project: Project) -> None:
    if not area_in_scope(actor, project.area):
        raise TargetError({"project": _l("This area is outside your township.")})


def add_target(project: Project, data: TargetInput, actor=None) -> Target:
    """Add an indicator to `project` (until it is completed)."""
    _check_scope(actor, project)
    errors = data.problems()
    if project.status not in OPEN_STATUSES:
        errors["tier"] = _l("Targets are stated before completion; this project is past that.")
    if errors:
        raise TargetError(errors)
    value = parse_value(data.target_value)
    assert value is not None
    position = int(db.session.scalar(select(func.count(Target.id)).where(Target.project_id == project.id)) or 0)
    target = Target(project_id=project.id, tier=data.tier, category=data.category, name=data.name.strip(),
                    unit=data.unit.strip(), comparison=data.comparison, target_value=value, position=position)
    db.session.add(target)
    db.session.flush()
    record("target.create", user=actor, object_type="project", object_id=project.id,
           after={"tier": target.tier, "indicator_category": target.category, "name": target.name, "unit": target.unit,
                  "comparison": COMPARISONS[target.comparison], "target_value": show_value(value)})
    return target


def remove_target(target: Target, project: Project, actor=None) -> None:
    """Remove an indicator of a proposal (after approval the targets are what it was approved on)."""
    _check_scope(actor, project)
    if project.status != "proposed":
        raise TargetError({"target": _l("The project was approved with these targets: they can no longer be "
                                        "removed.")})
    record("target.delete", user=actor, object_type="project", object_id=project.id,
           before={"name": target.name, "unit": target.unit, "comparison": COMPARISONS[target.comparison],
                   "target_value": show_value(target.target_value)})
    db.session.delete(target)
    db.session.flush()


def record_actual(target: Target, project: Project, value_text: Any, on_date: Optional[date] = None,
                  actor=None) -> None:
    """Enter (or correct) the actual value of an indicator, once the project is under way."""
    _check_scope(actor, project)
    errors: dict[str, Any] = {}
    value = parse_value(value_text)
    if project.status not in ACTUAL_STATUSES:
        errors["actual_value"] = _l("Actual values are entered at completion or at year end, once the project "
                                    "is approved.")
    elif value is None:
        errors["actual_value"] = _l("The actual value is a number in %(unit)s, like the target (%(target)s).",
                                    unit=target.unit, target=show_value(target.target_value))
    day = on_date or date.today()
    if errors:
        raise TargetError(errors)
    before = show_value(target.actual_value)
    target.actual_value, target.actual_on = value, day
    db.session.flush()
    record("target.actual", user=actor, object_type="project", object_id=project.id,
           before={"name": target.name, "actual_value": before or None},
           after={"name": target.name, "actual_value": show_value(value), "unit": target.unit})


def targets_gate(project, target: str, actor) -> Optional[dict[str, Any]]:
    """The projects.gates gate: a proposal is approved into the library only with output targets."""
    if project.status != "proposed" or target != "approved":
        return None
    outputs = db.session.scalar(select(func.count(Target.id)).where(Target.project_id == project.id,
                                                                    Target.tier == "output"))
    if not outputs:
        return {"targets": _l("State the performance targets first: at least one output indicator.")}
    return None


def snapshot_targets(project_id: int) -> list[dict[str, Any]]:
    """The indicators as a notice discloses them (plain text values)."""
    return [{"tier": t.tier, "category": t.category, "name": t.name, "unit": t.unit,
             "comparison": COMPARISONS[t.comparison], "target": show_value(t.target_value),
             "actual": show_value(t.actual_value) or None} for t in targets_of(project_id)]


@dataclass
class Assessment:
    """A project's self-assessment: points per part, the total, and the indicators missed or not measured."""

    weights: dict[str, int]
    points: dict[str, Decimal] = field(default_factory=dict)
    execution_bp: Optional[int] = None  # spent / allocated, in basis points
    missed: list[Target] = field(default_factory=list)
    unmeasured: list[Target] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.points.values(), Decimal(0)).quantize(Decimal("0.1"))

    @property
    def maximum(self) -> int:
        return sum(self.weights.values())


def weights() -> dict[str, int]:
    """The points of each part of the self-assessment (the county's setting, 10/50/30/10 by default)."""
    configured = current_app.config.get("ASSESSMENT_WEIGHTS") or {}
    return {key: int(configured.get(key, default)) for key, default in DEFAULT_WEIGHTS.items()}


def assess(project: Project, targets: list[Target], parts: Optional[dict[str, int]] = None) -> Assessment:
    """Score `project` against its `targets` (pure but for the weights' setting)."""
    result = Assessment(weights=parts or weights())
    if project.allocated_fen > 0:
        result.execution_bp = min(10_000, project.spent_fen * 10_000 // project.allocated_fen)
        result.points["budget"] = Decimal(result.weights["budget"]) * result.execution_bp / 10_000
    else:
        result.points["budget"] = Decimal(0)
    for tier in TIERS:
        tier_targets = [target for target in targets if target.tier == tier]
        share = Decimal(result.weights[tier]) / len(tier_targets) if tier_targets else Decimal(0)
        earned = Decimal(0)
        for target in tier_targets:
            met = is_met(target)
            if met:
                earned += share
            elif met is None:
                result.unmeasured.append(target)
            else:
                result.missed.append(target)
        result.points[tier] = earned
    return result


__all__ = ["CATEGORIES", "COMPARISONS", "TIERS", "Assessment", "TargetError", "TargetInput", "add_target",
           "assess", "is_met", "parse_value", "record_actual", "remove_target", "show_value", "snapshot_targets",
           "targets_gate", "targets_of", "weights"]
