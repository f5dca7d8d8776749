"""The audit trail at /audit/, for auditors and administrators: browse and filter."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app, render_template, request
from sqlalchemy import func, select

from audit.blueprint import bp
from audit.models import AuditEvent
from core import dates
from core.access import AUDIT_READERS, role_required
from core.paging import Page
from core.params import query_day
from extensions import db


@bp.route("/")
@role_required(*AUDIT_READERS)
def index():
    """Newest events first, filtered by user, action, object type and date range."""
    filters = {key: (request.args.get(key) or "").strip() for key in ("user", "action", "object", "from", "to")}
    query = select(AuditEvent)
    if filters["user"]:
        query = query.where(AuditEvent.username == filters["user"])
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"], autoescape=True))
    if filters["object"]:
        query = query.where(AuditEvent.object_type == filters["object"])
    window = dates.window()
    low, high = window.earliest, window.latest(date.today(), dates.PLAN)
    if start := query_day("from", low=low, high=high):
        query = query.where(AuditEvent.at >= datetime.combine(start, time()))
    if end := query_day("to", low=low, high=high):
        query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time()))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = Page.from_request(request.args, int(total or 0), current_app.config["PAGE_SIZE"])
    events = db.session.scalars(query.order_by(AuditEvent.id.desc()).offset(page.offset).limit(page.size))
    return render_template("audit/index.html", events=events.all(), page=page, filters=filters)
