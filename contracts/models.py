"""A contractor (supplier): a company the county pays, registered once with its credit code and bank."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from extensions import Model


class Contractor(Model):
    """A contractor. `uscc` is its unified social credit code (18 characters, check character valid:
    the services check it); it may be empty only for a contractor carried over from a project's old
    free-text field until someone completes it. `bank_account` is digits only; pages show it masked
    except to finance (`masked_account`)."""

    __tablename__ = "contractor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[Optional[str]] = mapped_column(String(100))
    contact_person: Mapped[Optional[str]] = mapped_column(String(100))
    contact_phone: Mapped[Optional[str]] = mapped_column(String(40))
    bank_name: Mapped[Optional[str]] = mapped_column(String(200))
    bank_account: Mapped[Optional[str]] = mapped_column(String(40))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_present"),
        CheckConstraint("uscc IS NULL OR length(uscc) = 18", name="uscc_length"),
        CheckConstraint("bank_account IS NULL OR bank_name IS NOT NULL", name="account_with_bank"),
    )

    @property
    def masked_account(self) -> str:
        """The account as non-finance readers see it: its last four digits only."""
        return mask_account(self.bank_account)


def mask_account(account: Optional[str]) -> str:
    """`6222021234567890` -> `**** 7890` (empty for none)."""
    return f"**** {account[-4:]}" if account else ""
