"""A document: a stored file attached to one record of a registered kind, never deleted, only withdrawn."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from extensions import Model

MAX_TITLE, MAX_REASON = 200, 1000
POSITION = ("(latitude_e6 IS NULL AND longitude_e6 IS NULL) OR (latitude_e6 BETWEEN -90000000 AND 90000000 "
            "AND longitude_e6 BETWEEN -180000000 AND 180000000)")
WITHDRAWN_TOGETHER = ("(withdrawn_at IS NULL AND withdrawn_by_id IS NULL AND withdrawal_reason IS NULL) OR "
                      "(withdrawn_at IS NOT NULL AND length(withdrawal_reason) > 0)")


class Document(Model):
    """A file (`sha256` in the store) of `document_type`, attached to the record `owner_id` of kind
    `owner_kind` (documents.owners), with the title and date people gave it and the name it came
    with (text only, never a path). Withdrawn documents stay, with who withdrew them, when and why."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(Integer)
    document_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    document_date: Mapped[Optional[date]] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    withdrawal_reason: Mapped[Optional[str]] = mapped_column(String(MAX_REASON))
    # From a photo's EXIF block (documents/exif.py), when present: the camera's time, and the
    # position in millionths of a degree (north and east positive).
    photo_taken_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    latitude_e6: Mapped[Optional[int]] = mapped_column(Integer)
    longitude_e6: Mapped[Optional[int]] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint("length(title) > 0 AND length(filename) > 0 AND length(owner_kind) > 0",
                        name="parts_present"),
        CheckConstraint(WITHDRAWN_TOGETHER, name="withdrawn_with_reason"),
        CheckConstraint(POSITION, name="position_in_range"),
        Index("ix_document_owner", "owner_kind", "owner_id"),
    )

    @property
    def position(self) -> Optional[tuple[float, float]]:
        """(latitude, longitude) in degrees when the photo said where it was taken."""
        if self.latitude_e6 is None or self.longitude_e6 is None:
            return None
        return self.latitude_e6 / 1_000_000, self.longitude_e6 / 1_000_000

    @property
    def withdrawn(self) -> bool:
        """True once withdrawn."""
        return self.withdrawn_at is not None
