"""A performance indicator (绩效指标) of a project: tier, category, name, unit, comparison, target, actual."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from extensions import Model

TIERS = {"output": _l("Output (产出指标)"), "benefit": _l("Benefit (效益指标)"),
         "satisfaction": _l("Satisfaction (满意度指标)")}
# The second-level indicators of each tier, as the county's forms list them.
CATEGORIES = {
    "quantity": _l("Quantity (数量指标)"), "quality": _l("Quality (质量指标)"),
    "timeliness": _l("Timeliness (时效指标)"), "cost": _l("Cost (成本指标)"),
    "economic": _l("Economic (经济效益)"), "social": _l("Social (社会效益)"),
    "ecological": _l("Ecological (生态效益)"), "sustainability": _l("Sustainability (可持续影响)"),
    "beneficiary": _l("Beneficiary satisfaction (服务对象满意度)"),
}
TIER_CATEGORIES = {
    "output": ("quantity", "quality", "timeliness", "cost"),
    "benefit": ("economic", "social", "ecological", "sustainability"),
    "satisfaction": ("beneficiary",),
}
COMPARISONS = {"ge": "≥", "le": "≤", "eq": "="}


class Target(Model):
    """One indicator of a project's performance targets; `actual_value` is None until entered."""

    __tablename__ = "performance_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    tier: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    comparison: Mapped[str] = mapped_column(String(2))
    target_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    actual_value: Mapped[Optional[Decimal]] = mapped_column(Numeric(18, 4))
    actual_on: Mapped[Optional[date]] = mapped_column(Date)  # the day the actual value was measured
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        CheckConstraint(one_of("tier", TIERS), name="tier_known"),
        CheckConstraint(one_of("category", CATEGORIES), name="category_known"),
        CheckConstraint(one_of("comparison", COMPARISONS), name="comparison_known"),
        CheckConstraint("length(name) > 0 AND length(unit) > 0", name="named_with_unit"),
    )
