"""Areas, projects, milestones, progress records and the change log of approved plans."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from core.money import MAX_FEN, MAX_TOTAL_FEN
from extensions import Model

AREA_KINDS = {"town": _l("town"), "township": _l("township"), "village": _l("village"),
              "community": _l("community")}

CATEGORIES = {
    "road": _l("Road"),
    "bridge": _l("Bridge"),
    "telecom": _l("Broadband / telecom"),
    "community_building": _l("Community service building"),
    "village_platform": _l("Village service platform"),
    "grid_management": _l("Grid management"),
    "information_system": _l("Information system"),
    "water": _l("Water"),
    "other": _l("Other"),
}

STATUSES = {
    "proposed": _l("Proposed"),
    "approved": _l("Approved"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "accepted": _l("Accepted"),
    "suspended": _l("Suspended"),
    "cancelled": _l("Cancelled"),
}


# Library entry (项目库): the nature of construction and the county's review of a proposal.
NATURES = {
    "new": _l("New construction"),
    "rebuild": _l("Rebuilding"),
    "expansion": _l("Expansion"),
    "repair": _l("Repair and maintenance"),
}
REVIEW_STATES = {
    "submitted": _l("Awaiting the township's review"),
    "agreed": _l("Agreed by the township"),
    "returned": _l("Returned by the township"),
}


class Area(Model):
    """A town or township, or a village or community inside one."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("area.id"))

    parent: Mapped[Optional[Area]] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint(one_of("kind", AREA_KINDS), name="kind_known"),
        CheckConstraint("(kind IN ('town','township')) = (parent_id IS NULL)", name="hierarchy"),
    )

    def name(self, locale: str) -> str:
        """The area's name in the interface language."""
        return self.name_zh if locale.startswith("zh") else self.name_en


class Project(Model):
    """An infrastructure project with its scale, budget, dates and lifecycle status."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    scale_quantity: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 3))
    scale_unit: Mapped[Optional[str]] = mapped_column(String(32))
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    # Kept in step by the finance ledger in the same transaction as each allocation and payment.
    allocated_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Cost-weighted progress of the milestones in basis points, kept in step by the planning services.
    progress_bp: Mapped[Optional[int]] = mapped_column(Integer)
    planned_start: Mapped[Optional[date]] = mapped_column(Date)
    planned_end: Mapped[Optional[date]] = mapped_column(Date)
    actual_start: Mapped[Optional[date]] = mapped_column(Date)
    actual_end: Mapped[Optional[date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    responsible_unit: Mapped[str] = mapped_column(String(200), default="")
    contractor: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Where the works are, WGS84 degrees (projects/positions.py); both or neither. The county's bounding
    # box is configuration, checked by the services; the database holds the globe's.
    longitude: Mapped[Optional[Decimal]] = mapped_column(Numeric(9, 6))
    latitude: Mapped[Optional[Decimal]] = mapped_column(Numeric(9, 6))
    # The library entry; empty for projects entered before the library (migration 0012b).
    nature: Mapped[Optional[str]] = mapped_column(String(16))
    beneficiaries: Mapped[str] = mapped_column(Text, default="")
    beneficiary_count: Mapped[Optional[int]] = mapped_column(Integer)
    beneficiary_poverty_count: Mapped[Optional[int]] = mapped_column(Integer)  # 脱贫人口
    beneficiary_monitored_count: Mapped[Optional[int]] = mapped_column(Integer)  # 监测对象
    benefit_linkage: Mapped[str] = mapped_column(Text, default="")  # 利益联结机制
    # None: not proposed through the library (entered by the county before it existed).
    review_state: Mapped[Optional[str]] = mapped_column(String(16))
    review_note: Mapped[str] = mapped_column(Text, default="")
    library_year: Mapped[Optional[int]] = mapped_column(Integer, index=True)  # year approved into the library
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    area: Mapped[Area] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.sequence")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(one_of("category", CATEGORIES), name="category_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint("budget_fen >= 0", name="budget_not_negative"),
        CheckConstraint(f"budget_fen <= {MAX_FEN} AND allocated_fen <= {MAX_TOTAL_FEN}", name="money_within_cap"),
        CheckConstraint("allocated_fen >= 0 AND spent_fen >= 0 AND spent_fen <= allocated_fen",
                        name="spent_within_allocated"),
        CheckConstraint("progress_bp IS NULL OR progress_bp BETWEEN 0 AND 10000", name="progress_in_range"),
        CheckConstraint("scale_quantity IS NULL OR scale_quantity >= 0", name="scale_not_negative"),
        CheckConstraint("planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
                        name="planned_dates_ordered"),
        CheckConstraint("actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start",
                        name="actual_dates_ordered"),
        CheckConstraint("length(code) > 0 AND length(name) > 0", name="code_and_name_present"),
        CheckConstraint("nature IS NULL OR " + one_of("nature", NATURES), name="nature_known"),
        CheckConstraint("review_state IS NULL OR " + one_of("review_state", REVIEW_STATES), name="review_state_known"),
        CheckConstraint("(beneficiary_count IS NULL OR beneficiary_count >= 0) AND "
                        "(beneficiary_poverty_count IS NULL OR beneficiary_poverty_count >= 0) AND "
                        "(beneficiary_monitored_count IS NULL OR beneficiary_monitored_count >= 0)",
                        name="beneficiaries_not_negative"),
        CheckConstraint("(longitude IS NULL) = (latitude IS NULL)", name="position_both_or_neither"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180 AND latitude BETWEEN -90 AND 90)",
                        name="position_on_the_globe"),
        Index("ix_project_category_status", "category", "status"),
        # The reports' data version sums the row versions: off this index, not the wide rows (29 -> 5 ms at 10x).
        Index("ix_project_version", "version"),
    )


class ProjectChange(Model):
    """A change to an approved project's budget or dates: old value, new value, reason, who, when."""

    __tablename__ = "project_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[Optional[str]] = mapped_column(String(200))
    new_value: Mapped[Optional[str]] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))  # None: a scheduled CLI job
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_present"),)


class Milestone(Model):
    """A planned step of a project with its planned cost; payments are made against milestones."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    planned_date: Mapped[date] = mapped_column(Date)
    planned_cost_fen: Mapped[int] = mapped_column(BigInteger)
    progress_pct: Mapped[int] = mapped_column(Integer, default=0)
    actual_date: Mapped[Optional[date]] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # The day the planned cost starts to accrue (projects.accrual), kept in step with the plan by
    # projects.services.refresh_accrual: planned value at a day is then one SQL aggregate.
    accrues_from: Mapped[Optional[date]] = mapped_column(Date)

    project: Mapped[Project] = relationship(back_populates="milestones")

    __table_args__ = (
        CheckConstraint("planned_cost_fen >= 0", name="planned_cost_not_negative"),
        CheckConstraint(f"planned_cost_fen <= {MAX_FEN}", name="planned_cost_within_cap"),
        CheckConstraint("progress_pct BETWEEN 0 AND 100", name="progress_in_range"),
        CheckConstraint("actual_date IS NULL OR progress_pct = 100", name="done_when_dated"),
        CheckConstraint("length(name) > 0", name="name_present"),
        UniqueConstraint("id", "project_id", name="uq_milestone_id_project"),
        UniqueConstraint("project_id", "sequence", name="uq_milestone_project_sequence"),
        Index("ix_milestone_open_by_date", "planned_date", "progress_pct"),
        # The unfinished milestones only, by date: the project list's "late" flag reads the ones past
        # their date off it instead of scanning every milestone (88 -> 10 ms for 500,000 of them).
        Index("ix_milestone_unfinished", "planned_date", "project_id", postgresql_where=text("progress_pct < 100"),
              sqlite_where=text("progress_pct < 100")),
    )


class ProgressUpdate(Model):
    """One progress report on a milestone, kept so progress over time can be shown."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    progress_pct: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (CheckConstraint("progress_pct BETWEEN 0 AND 100", name="progress_in_range"),)
