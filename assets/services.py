"""The asset rules: the draft an acceptance creates, editing (the value only with a reason), handing over.

A county finance office registers assets from the accepted project's final account (竣工决算): so
accepting a project drafts one asset from it (named as the project, its scale as the quantity, what
it spent as the value, public-welfare as the class most county works are) and planning or finance
corrects it and hands it over, rather than the acceptance asking for figures the final account has
not settled yet. Every change is in the audit trail; a change of value says why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import exists, select

from assets.models import ASSET_CLASSES, OWNER_TYPES, Asset
from audit.services import record
from core.database import take_write_lock
from core.errors import Refused
from core.i18n import _l
from documents.models import Document
from extensions import db
from projects.models import Milestone, Project


@dataclass(frozen=True)
class AssetInput:
    """What the edit form says of an asset; `reason` is needed when the value changes."""

    asset_class: str
    name: str
    quantity: Optional[Decimal]
    unit: str
    value_fen: int
    maintenance_months: Optional[int]
    reason: str = ""


@dataclass(frozen=True)
class Handover:
    """Who receives the asset (确权), who keeps it up (管护主体), when, on which document."""

    owner_type: str
    owner_name: str
    custodian: str
    handed_over_on: date
    document_id: Optional[int] = None


def draft_on_acceptance(project: Project, current: str, target: str, actor) -> Optional[Asset]:
    """After a project is accepted (projects.gates.after_move): its draft asset, unless it has one."""
    if target != "accepted" or db.session.scalar(select(exists().where(Asset.project_id == project.id))):
        return None
    asset = Asset(project_id=project.id, asset_class="public_welfare", name=project.name[:200],
                  quantity=project.scale_quantity, unit=project.scale_unit or "", value_fen=project.spent_fen)
    db.session.add(asset)
    db.session.flush()
    record("asset.create", user=actor, object_type="asset", object_id=asset.id,
           after={"project": project.code, "name": asset.name, "value_fen": asset.value_fen})
    return asset


def add_asset(project: Project, data: AssetInput, actor=None) -> Asset:
    """Another asset of an accepted project (a road and its bridge; household assets apart), as a draft."""
    if project.status != "accepted":
        raise Refused("name", _l("Assets are registered once the project is accepted."))
    _check_input(data)
    asset = Asset(project_id=project.id, asset_class=data.asset_class, name=data.name.strip(), quantity=data.quantity,
                  unit=data.unit.strip(), value_fen=data.value_fen, maintenance_months=data.maintenance_months)
    db.session.add(asset)
    db.session.flush()
    record("asset.add", user=actor, object_type="asset", object_id=asset.id,
           after=_plain({"project": project.code, "name": asset.name, "asset_class": asset.asset_class,
                         "value_fen": asset.value_fen, "quantity": asset.quantity, "unit": asset.unit}))
    return asset


def _check_input(data: AssetInput) -> None:
    """Refuse what the database would, naming the field."""
    if data.asset_class not in ASSET_CLASSES:
        raise Refused("asset_class", _l("Choose the class of the asset."))
    if not data.name.strip():
        raise Refused("name", _l("Name the asset."))
    if data.quantity is not None and data.quantity < 0:
        raise Refused("quantity", _l("A quantity cannot be negative."))
    if data.value_fen < 0:
        raise Refused("value", _l("A value cannot be negative."))


def lock_asset(asset: Asset) -> None:
    """Hold the asset's row until the transaction ends (SQLite: the writer lock; PostgreSQL: FOR UPDATE)
    and read it again, so two edits or handovers sent at once check what the other one committed."""
    take_write_lock(db.session)
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(select(Asset.id).where(Asset.id == asset.id).with_for_update())
    db.session.refresh(asset)


def update_asset(asset: Asset, data: AssetInput, actor=None) -> Asset:
    """Change what the asset is; a new value needs a reason, recorded with the old and new value."""
    _check_input(data)
    lock_asset(asset)
    if data.value_fen != asset.value_fen and not data.reason.strip():
        raise Refused("reason", _l("Say why the value differs from the one recorded."))
    fields = {"asset_class": data.asset_class, "name": data.name.strip(), "quantity": data.quantity,
              "unit": data.unit.strip(), "value_fen": data.value_fen, "maintenance_months": data.maintenance_months}
    before = {key: getattr(asset, key) for key, value in fields.items() if getattr(asset, key) != value}
    for key in before:
        setattr(asset, key, fields[key])
    db.session.flush()
    if before:
        after = {key: fields[key] for key in before} | ({"reason": data.reason.strip()} if data.reason.strip() else {})
        record("asset.update", user=actor, object_type="asset", object_id=asset.id,
               before=_plain(before), after=_plain(after))
    return asset


def hand_over(asset: Asset, handover: Handover, actor=None, today: Optional[date] = None) -> Asset:
    """Hand the asset over to its owner and custodian, once."""
    lock_asset(asset)
    if asset.handed_over:
        raise Refused("handed_over_on", _l("This asset was already handed over."))
    if handover.owner_type not in OWNER_TYPES:
        raise Refused("owner_type", _l("Choose who owns the asset."))
    for field in ("owner_name", "custodian"):
        if not getattr(handover, field).strip():
            raise Refused(field, _l("Name the owner and the custodian."))
    if handover.handed_over_on > (today or date.today()):
        raise Refused("handed_over_on", _l("A handover cannot be dated in the future."))
    if handover.document_id is not None and handover.document_id not in document_choices(asset.project_id):
        raise Refused("document_id", _l("Choose a document of this project."))
    asset.owner_type, asset.owner_name = handover.owner_type, handover.owner_name.strip()
    asset.custodian, asset.document_id = handover.custodian.strip(), handover.document_id
    asset.handed_over_on = handover.handed_over_on
    db.session.flush()
    record("asset.handover", user=actor, object_type="asset", object_id=asset.id,
           after={"owner_type": asset.owner_type, "owner_name": asset.owner_name, "custodian": asset.custodian,
                  "handed_over_on": handover.handed_over_on.isoformat(), "document": handover.document_id})
    return asset


def document_choices(project_id: int) -> dict[int, str]:
    """The documents a handover may cite: the project's and its milestones', not withdrawn."""
    milestones = select(Milestone.id).where(Milestone.project_id == project_id)
    rows = db.session.execute(
        select(Document.id, Document.title)
        .where(Document.withdrawn_at.is_(None),
               ((Document.owner_kind == "project") & (Document.owner_id == project_id))
               | ((Document.owner_kind == "milestone") & Document.owner_id.in_(milestones)))
        .order_by(Document.id))
    return {row.id: row.title for row in rows}


def _plain(values: dict) -> dict:
    """Values the audit trail stores as JSON (a quantity as text)."""
    return {key: (str(value) if isinstance(value, Decimal) else value) for key, value in values.items()}
