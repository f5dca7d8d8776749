"""The asset register: its filters (class, owner type, township, handed over or not) and its rows,
on the page, in the .xlsx/.csv export and in `flask assets export` alike (the same columns)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from assets.models import ASSET_CLASSES, OWNER_TYPES, Asset
from core.i18n import _l
from core.money import fen_to_decimal_yuan
from documents.models import Document
from extensions import db
from projects.models import Area, Project

CENT = Decimal("0.01")
HANDED = {"yes": _l("Handed over"), "no": _l("Not handed over yet")}
HEADERS = (_l("Project code"), _l("Project name"), _l("Town or township"), _l("Class of asset"), _l("Asset"),
           _l("Quantity"), _l("Unit"), _l("Asset value (yuan)"), _l("Owner type"), _l("Owner"), _l("Custodian"),
           _l("Handed over on"), _l("Maintenance period (months)"), _l("Handover document"))
CSV_HEADERS = ("project_code", "project_name", "township", "asset_class", "asset", "quantity", "unit", "value_yuan",
               "owner_type", "owner", "custodian", "handed_over_on", "maintenance_months", "document")


@dataclass(frozen=True)
class RegisterFilters:
    """What the register is narrowed to (None or "": everything)."""

    asset_class: str = ""
    owner_type: str = ""
    township_id: Optional[int] = None
    handed: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], township_id: Optional[int]) -> RegisterFilters:
        """The filters a query string names; unknown codes are ignored."""
        asset_class, owner_type, handed = (args.get(key, "") for key in ("class", "owner", "handed"))
        return cls(asset_class if asset_class in ASSET_CLASSES else "", owner_type if owner_type in OWNER_TYPES else "",
                   township_id, handed if handed in HANDED else "")


@dataclass(frozen=True)
class RegisterRow:
    """An asset with its project, township and document title."""

    asset: Asset
    project_code: str
    project_name: str
    project_id: int
    township: Optional[Area]
    document_title: str


def register_rows(filters: RegisterFilters, scope=None) -> list[RegisterRow]:
    """The assets the filters keep (within `scope`, a condition on Project), by project code."""
    village, township = aliased(Area), aliased(Area)
    query = (select(Asset, Project.code, Project.name, Project.id, township, Document.title)
             .join(Project, Asset.project_id == Project.id).join(village, Project.area_id == village.id)
             .join(township, township.id == township_of(village))
             .outerjoin(Document, Asset.document_id == Document.id)
             .order_by(Project.code, Asset.id))
    if scope is not None:
        query = query.where(scope)
    if filters.asset_class:
        query = query.where(Asset.asset_class == filters.asset_class)
    if filters.owner_type:
        query = query.where(Asset.owner_type == filters.owner_type)
    if filters.township_id is not None:
        query = query.where(or_(village.id == filters.township_id, village.parent_id == filters.township_id))
    if filters.handed:
        handed = Asset.handed_over_on.is_not(None)
        query = query.where(handed if filters.handed == "yes" else ~handed)
    return [RegisterRow(*row[:5], document_title=row[5] or "") for row in db.session.execute(query)]


def township_of(village):
    """The town or township of an area: its parent, or itself when it is one."""
    return func.coalesce(village.parent_id, village.id)


def export_values(row: RegisterRow, locale: str, labels: bool = True) -> list[Any]:
    """One register row as the export's cells (labels in the interface language; codes for the CLI)."""
    asset = row.asset
    asset_class = str(ASSET_CLASSES[asset.asset_class]) if labels else asset.asset_class
    owner_type = (str(OWNER_TYPES[asset.owner_type]) if labels else asset.owner_type) if asset.owner_type else ""
    township = row.township.name(locale) if row.township is not None else ""
    return [row.project_code, row.project_name, township, asset_class, asset.name, plain_quantity(asset.quantity),
            asset.unit, fen_to_decimal_yuan(asset.value_fen).quantize(CENT), owner_type, asset.owner_name,
            asset.custodian, asset.handed_over_on, asset.maintenance_months, row.document_title]


def plain_quantity(quantity: Optional[Decimal]) -> Optional[Decimal]:
    """A quantity without the trailing zeros of its column (3.500 → 3.5, 1200.000 → 1200)."""
    if quantity is None:
        return None
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()


def export_rows(filters: RegisterFilters, locale: str, scope=None, labels: bool = True) -> Iterator[list[Any]]:
    """Every register row the filters keep, as export cells."""
    for row in register_rows(filters, scope):
        yield export_values(row, locale, labels)

