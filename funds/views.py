"""Finance pages at /funds/: fund sources with their balances, and a source's ledger."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from core.access import role_required
from extensions import db
from funds.models import CHANNELS, LEVELS, Allocation, Appropriation, FundSource, Payment
from projects.models import Project

bp = Blueprint("funds", __name__)

READERS = ("admin", "finance", "leader", "auditor", "planner")


@bp.route("/")
@role_required(*READERS)
def index():
    """Every source with received, allocated, spent and unallocated balances."""
    sources = db.session.scalars(select(FundSource).order_by(FundSource.fiscal_year.desc(), FundSource.code)).all()
    totals = {key: sum(getattr(s, key) for s in sources) for key in ("received_fen", "allocated_fen", "spent_fen")}
    return render_template("funds/index.html", sources=sources, totals=totals, channels=CHANNELS, levels=LEVELS)


@bp.route("/sources/<int:source_id>")
@role_required(*READERS)
def source(source_id: int):
    """A source's ledger: appropriations received and allocations with their spending."""
    fund = db.session.get(FundSource, source_id)
    if fund is None:
        abort(404)
    appropriations = db.session.scalars(select(Appropriation).where(Appropriation.source_id == fund.id)
                                        .order_by(Appropriation.received_on)).all()
    allocations = db.session.execute(
        select(Allocation, Project).join(Project, Allocation.project_id == Project.id)
        .where(Allocation.source_id == fund.id).order_by(Project.code)).all()
    payment_count = db.session.scalar(select(func.count(Payment.id)).where(Payment.source_id == fund.id))
    return render_template("funds/source.html", fund=fund, appropriations=appropriations,
                           allocations=allocations, payment_count=payment_count,
                           channels=CHANNELS, levels=LEVELS)
