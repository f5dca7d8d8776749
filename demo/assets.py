"""The demo's assets (资产移交): two accepted projects whose assets were handed over a month or so after
completion (the road to its village collective, the community building to its community), and the
grid platform accepted with its draft asset never handed over, so the check `asset_not_handed_over`
shows it. Values are what each project spent; owners and custodians are illustrative. Found by
project: a second run adds nothing."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import exists, select

from assets.models import Asset
from assets.services import Handover, document_choices, draft_on_acceptance, hand_over
from auth.models import User
from extensions import db
from projects.models import Project

# (project number, class, owner type, owner, custodian, maintenance months, days after completion);
# no owner: left as the draft acceptance made.
ASSETS = (
    (5, "public_welfare", "village_collective", "五星岭乡岭上村股份经济合作社", "岭上村村民委员会", 60, 30),
    (16, "public_welfare", "village_collective", "泷泊镇阳明社区居民委员会", "阳明社区居民委员会", 120, 45),
    (24, "public_welfare", None, "", "", None, 0),
)


def seed_assets(projects: dict[int, Project], today: date, counts: Counter, actor: User) -> None:
    """Each accepted demo project's asset, handed over as ASSETS says; nothing for one that has one."""
    for number, asset_class, owner_type, owner, custodian, months, after in ASSETS:
        project = projects.get(number)
        if project is None or project.status != "accepted" or _has_asset(project.id):
            continue
        asset = draft_on_acceptance(project, "completed", "accepted", actor)
        if asset is None:
            continue
        asset.asset_class, asset.maintenance_months = asset_class, months
        counts["assets"] += 1
        if owner_type is not None:
            day = min((project.actual_end or today) + timedelta(days=after), today)
            hand_over(asset, Handover(owner_type, owner, custodian, day, _acceptance_report(project.id)), actor,
                      today=today)


def _has_asset(project_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(Asset.project_id == project_id))))


def _acceptance_report(project_id: int) -> Optional[int]:
    """The project's acceptance report (验收报告) when the demo attached one, else None."""
    for document_id, title in document_choices(project_id).items():
        if "验收" in title:
            return document_id
    return None
