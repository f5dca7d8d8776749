"""Verifying the stored trail: the whole chain, streamed in id order, against the key and the anchors."""
from __future__ import annotations

from sqlalchemy import select

from audit.anchors import AnchorLogError, plan_checks, read_log
from audit.chain import ChainReport, verify_chain
from audit.models import AuditEvent
from extensions import db

NO_ANCHORS = ("no anchors yet: nothing outside the database vouches for the chain's length "
              "(`flask audit anchor` writes one)")


def verify_database() -> ChainReport:
    """Check every event's link and hash and every anchor of the log; the first problem, if any."""
    try:
        lines = read_log()
    except AnchorLogError as error:
        return ChainReport(0, problem=str(error))
    points, notes = plan_checks(lines)
    # populate_existing: what is stored counts, not what this session may hold in memory.
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)
                                .execution_options(yield_per=1000, populate_existing=True))
    report = verify_chain(events, points)
    report.notes[:0] = notes if lines else [NO_ANCHORS]
    return report
