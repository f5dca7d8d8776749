"""Notices as records documents attach to (documents.owners): the photo of the posted board (公示照片)
and whatever else proves the notice was up. Everyone reads them; planners attach and withdraw, as
they post notices."""
from __future__ import annotations

from flask import Flask, url_for

from core.access import PLANNERS, READERS
from core.i18n import _l
from disclosure.models import NOTICE_KINDS, Notice
from documents import owners
from extensions import db


def register_owner_kind(app: Flask) -> None:
    """Let documents attach to notices."""
    owners.register(app, "notice", label=_l("Notice"), read_roles=READERS, write_roles=PLANNERS,
                    find=lambda owner_id: db.session.get(Notice, owner_id),
                    title=lambda notice: f"{NOTICE_KINDS[notice.kind]} {notice.snapshot.get('code', '')}",
                    url=lambda notice: url_for("notices.detail", notice_id=notice.id))
