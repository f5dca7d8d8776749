"""The audit trail at /audit/, for auditors and administrators: read, filter, and export what was filtered."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from audit.blueprint import bp
from audit.models import AuditEvent
from audit.presenting import OUTCOMES, EventRow, present
from audit.queries import TrailFilter, trail_query
from audit.services import record
from audit.vocabulary import vocabulary
from core.access import AUDIT_READERS, role_required
from core.clock import zone_is_beijing, zone_name
from core.paging import Page
from core.sheets.tables import OutputSheet, write_csv, write_xlsx
from core.transactions import commit_with_retry
from extensions import db

EXPORT_CHUNK = 2000  # events presented at a time while writing an export


def _choices() -> dict[str, list[tuple[str, str]]]:
    """The filter's lists: named actions and kinds of object, by name; the outcomes."""
    words = vocabulary()
    return {"actions": sorted(((code, str(label)) for code, label in words.actions.items()), key=lambda c: c[1]),
            "objects": sorted(((code, str(label)) for code, label in words.objects.items()), key=lambda c: c[1]),
            "outcomes": [(code, str(label)) for code, label in OUTCOMES.items()]}


@bp.route("/")
@role_required(*AUDIT_READERS)
def index():
    """Newest events first, filtered by action, user, object, date range and outcome."""
    filters = TrailFilter.from_args(request.args, date.today())
    query = trail_query(filters, vocabulary().actions)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = Page.from_request(request.args, int(total or 0), current_app.config["PAGE_SIZE"])
    events = db.session.scalars(query.offset(page.offset).limit(page.size)).all()
    return render_template("audit/index.html", rows=present(events), page=page, filters=filters,
                           choices=_choices())


@bp.route("/export.<fmt>")
@role_required(*AUDIT_READERS)
def export(fmt: str):
    """The filtered trail, every event of it, as .xlsx or .csv in the reader's language; the export
    itself is recorded in the trail."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    filters = TrailFilter.from_args(request.args, date.today())
    query = trail_query(filters, vocabulary().actions)
    counted = [0]
    stream = BytesIO()
    headers = _export_headers()
    rows = (_export_row(row) for row in _presented(query, counted))
    if fmt == "csv":
        write_csv(stream, headers, rows)
    else:
        write_xlsx(stream, [OutputSheet(_("Audit trail"), headers, rows,
                                        column_widths=(10, 20, 14, 20, 20, 12, 12, 60, 8, 16))])
    user, filters_text = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("audit.export", user=user, remote_addr=request.remote_addr,
                                     after={"rows": counted[0], "format": fmt, "filters": filters_text}))
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name=f"audit-trail-{date.today():%Y%m%d}.{fmt}")


def _presented(query, counted: list[int]):
    """The query's events as rows, newest first, a chunk at a time (an export may hold the whole trail:
    each chunk starts below the last id written, so no chunk reads past the ones before it)."""
    last_id = None
    while True:
        chunk = query if last_id is None else query.where(AuditEvent.id < last_id)
        events = db.session.scalars(chunk.limit(EXPORT_CHUNK)).all()
        if not events:
            return
        counted[0] += len(events)
        yield from present(events, with_links=False)
        last_id = events[-1].id


def _export_headers() -> list[str]:
    time = _("Time (Beijing time)") if zone_is_beijing() else _("Time (%(zone)s)", zone=zone_name())
    return [_("Event no."), time, _("User"), _("Action"), _("Action code"), _("Object"), _("Object no."),
            _("What changed"), _("Outcome"), _("Address")]


def _export_row(row: EventRow) -> list:
    return [row.id, row.time, row.username, row.action, row.action_code, row.object_kind, row.object_id,
            row.change_text(), row.outcome, row.remote_addr]
