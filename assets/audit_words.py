"""What the audit trail calls assets and their changes; an asset links to its project's page."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for
from sqlalchemy import select

from assets.models import ASSET_CLASSES, OWNER_TYPES, Asset
from audit.vocabulary import describe
from core.i18n import _l
from extensions import db

ACTIONS = {"asset.create": _l("Asset drafted on acceptance"), "asset.update": _l("Asset changed"),
           "asset.add": _l("Asset added"),
           "asset.handover": _l("Asset handed over"), "asset.export": _l("Asset register exported")}
FIELDS = {"asset_class": _l("Class of asset"), "quantity": _l("Quantity"), "unit": _l("Unit"),
          "value_fen": _l("Asset value"), "maintenance_months": _l("Maintenance period (months)"),
          "owner_type": _l("Owner type"), "owner_name": _l("Owner"), "custodian": _l("Custodian"),
          "handed_over_on": _l("Handed over on"), "document": _l("Handover document"), "project": _l("Project"),
          "name": _l("Name"), "reason": _l("Reason"), "rows": _l("Rows"), "format": _l("Format"),
          "filters": _l("Filters")}


def asset_links(ids: list[str]) -> Mapping[str, str]:
    """Each asset's project page."""
    wanted = [int(text) for text in ids if text.isdigit() and len(text) < 19]
    rows = db.session.execute(select(Asset.id, Asset.project_id).where(Asset.id.in_(wanted))) if wanted else []
    return {str(row.id): url_for("projects.detail", project_id=row.project_id, _anchor="assets") for row in rows}


def install(app: Flask) -> None:
    """Tell the trail the assets' words and links."""
    describe(app, actions=ACTIONS, objects={"asset": _l("Asset")}, fields=FIELDS,
             values={"asset_class": ASSET_CLASSES, "owner_type": OWNER_TYPES}, links={"asset": asset_links})
