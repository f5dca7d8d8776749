"""A value of a spreadsheet cell mapped by hand to a code, remembered per kind of column."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from extensions import Model


class ImportValue(Model):
    """`value` (as first written; `value_key` as core.sheets.choices.choice_key folds it, with the
    township's code in front for a village named inside one) means `code` in columns of `kind`."""

    __tablename__ = "import_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    value_key: Mapped[str] = mapped_column(String(240))
    value: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "value_key"),
        CheckConstraint("length(kind) > 0 AND length(value_key) > 0 AND length(code) > 0", name="parts_present"),
    )
