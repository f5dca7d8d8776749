"""Leadership pages at /reports/: money and progress at a glance."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from core.access import role_required
from extensions import db
from funds.models import FundSource
from projects.models import STATUSES, Project

bp = Blueprint("reports", __name__)


@bp.route("/")
@role_required("admin", "leader", "finance", "planner", "auditor")
def index():
    """Totals across all sources and the number of projects in each status."""
    received, allocated, spent = db.session.execute(select(
        func.coalesce(func.sum(FundSource.received_fen), 0),
        func.coalesce(func.sum(FundSource.allocated_fen), 0),
        func.coalesce(func.sum(FundSource.spent_fen), 0))).one()
    by_status = dict(db.session.execute(select(Project.status, func.count(Project.id)).group_by(Project.status)).all())
    money = {"received": int(received), "allocated": int(allocated), "spent": int(spent),
             "unallocated": int(received) - int(allocated)}
    return render_template("reports/index.html", money=money, by_status=by_status, statuses=STATUSES)
