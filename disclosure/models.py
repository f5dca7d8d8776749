"""Public notices (公示) of a project and the objections they receive."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from extensions import Model

NOTICE_KINDS = {
    "pre_approval": _l("Pre-approval notice (计划公示)"),
    "completion": _l("Completion notice (竣工公示)"),
    "fund_use": _l("Fund-use notice (资金使用公示)"),
}
PLACES = {
    "village_board": _l("Village notice board"),
    "township_board": _l("Township notice board"),
    "county_website": _l("County website"),
}


class Notice(Model):
    """A notice posted for a project: its kind, where, from when to when, and what it disclosed, frozen."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # What the notice disclosed, as it was on the day it was made (disclosure.snapshot): never recomputed.
    snapshot: Mapped[dict] = mapped_column(JSON)
    # The photo of the posted board is a document attached to the notice (documents.owners "notice").
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    objections: Mapped[list[Objection]] = relationship(back_populates="notice", order_by="Objection.id")

    __table_args__ = (
        CheckConstraint(one_of("kind", NOTICE_KINDS), name="kind_known"),
        CheckConstraint(one_of("place", PLACES), name="place_known"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )

    def days(self) -> int:
        """How many days the notice runs, both ends counted."""
        return (self.end_date - self.start_date).days + 1


class Objection(Model):
    """An objection received during a notice, how it was handled and with what result."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    handling: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[Optional[date]] = mapped_column(Date)  # None: still open, which holds the gate

    notice: Mapped[Notice] = relationship(back_populates="objections")

    __table_args__ = (
        CheckConstraint("length(summary) > 0", name="summary_present"),
        CheckConstraint("resolved_on IS NULL OR (length(handling) > 0 AND length(result) > 0)",
                        name="resolved_with_result"),
    )
