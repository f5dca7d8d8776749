"""An asset an accepted project built (资产): its class, what and how much, its value, its owner (确权),
its custodian (管护主体) and its handover.

An asset is a draft until handed over: the handover date, owner and custodian come together (CHECK),
so the register's "handed over" never names nobody.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.constraints import one_of
from core.i18n import _l
from core.money import MAX_FEN
from extensions import Model

ASSET_CLASSES = {"operating": _l("Operating"), "public_welfare": _l("Public-welfare"),
                 "household": _l("Household-level")}
OWNER_TYPES = {"village_collective": _l("Village collective"), "township": _l("Township"),
               "county_department": _l("County department"), "household": _l("Farming household")}
MAX_MAINTENANCE_MONTHS = 1200


class Asset(Model):
    """What one accepted project built, as an asset on the county's register."""

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    asset_class: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Optional[Decimal]] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(32), default="")
    value_fen: Mapped[int] = mapped_column(BigInteger)
    owner_type: Mapped[Optional[str]] = mapped_column(String(24))
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    custodian: Mapped[str] = mapped_column(String(200), default="")
    maintenance_months: Mapped[Optional[int]] = mapped_column(Integer)
    handed_over_on: Mapped[Optional[date]] = mapped_column(Date, index=True)
    document_id: Mapped[Optional[int]] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(one_of("asset_class", ASSET_CLASSES), name="class_known"),
        CheckConstraint("owner_type IS NULL OR " + one_of("owner_type", OWNER_TYPES), name="owner_type_known"),
        CheckConstraint("length(name) > 0", name="name_present"),
        CheckConstraint(f"value_fen >= 0 AND value_fen <= {MAX_FEN}", name="value_in_range"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(f"maintenance_months IS NULL OR maintenance_months BETWEEN 0 AND {MAX_MAINTENANCE_MONTHS}",
                        name="maintenance_in_range"),
        CheckConstraint("handed_over_on IS NULL OR (owner_type IS NOT NULL AND length(owner_name) > 0 "
                        "AND length(custodian) > 0)", name="handover_names_owner_and_custodian"),
    )

    @property
    def handed_over(self) -> bool:
        """True once handed over to its owner."""
        return self.handed_over_on is not None
