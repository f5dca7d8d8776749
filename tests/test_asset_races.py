"""Assets handed over at the same moment by two staff (real HTTP on the app served on loopback, released
together through a barrier; SQLite, then PostgreSQL with TEST_DATABASE_URL): each handover holds the
asset's row and reads it again, so the second finds it handed over and is refused; without the lock,
on PostgreSQL, both passed the check and the second overwrote the owner."""
from __future__ import annotations

from sqlalchemy import func, select

from assets.models import Asset
from audit.models import AuditEvent
from extensions import db
from tests import factories
from tests.test_assets import _asset, _spent_project
from tests.test_races import _signed_in, release_together

ROUNDS = 3


def test_two_handovers_at_once_hand_the_asset_over_once(app, live_server):
    """Each round, a planner and finance hand the same asset to different owners at once: one owner is
    stored, one handover recorded; nothing answers 500."""
    assets = [_asset(_spent_project(code=f"RACE-{n}", status="accepted")) for n in range(ROUNDS)]
    factories.make_user("planner", username="hand-a")
    factories.make_user("finance", username="hand-b")
    db.session.commit()
    ids = [asset.id for asset in assets]
    [one], [two] = _signed_in(live_server, "hand-a", 1), _signed_in(live_server, "hand-b", 1)
    for asset_id in ids:
        path = f"/assets/{asset_id}/handover"
        tokens = [one.form_tokens(path), two.form_tokens(path)]
        forms = [{"owner_type": "village_collective", "owner_name": owner, "custodian": "村委会",
                  "handed_over_on": "2026-07-15", "document_id": "0"} for owner in ("甲村集体", "乙村集体")]
        statuses = release_together([lambda session=session, token=token, form=form, path=path:
                                     session.post_with_token(path, form, token)
                                     for session, token, form in zip((one, two), tokens, forms)])
        assert 500 not in statuses
        db.session.expire_all()
        asset = db.session.get_one(Asset, asset_id)
        assert asset.owner_name in ("甲村集体", "乙村集体") and asset.handed_over_on is not None
        recorded = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "asset.handover", AuditEvent.object_id == str(asset_id)))
        assert recorded == 1, statuses
