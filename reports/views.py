"""Leadership pages at /reports/: the dashboard, charts with their numbers, earned value, the meeting report.

Every view reads the filter from the query string, asks reports/services.py, and renders or sends
bytes. Readers: every signed-in role (leaders above all); nothing here writes but the audit event
of an export.
"""
from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from audit.services import record
from core import dates
from core.access import READERS, role_required
from core.exports import check_format, spreadsheet_download
from core.paging import Page
from core.params import query_day, query_int
from core.transactions import commit_with_retry
from extensions import db
from funds.rules.evaluate import BREACH_KINDS
from funds.schedule import percent_text, points_text
from projects.models import CATEGORIES, STATUSES, Project
from reports import services
from reports.blueprint import bp
from reports.cache.store import data_version
from reports.charts.catalog import CHARTS, DASHBOARD_CHARTS, PROJECT_CHARTS, Context, project_for
from reports.charts.render import FORMATS
from reports.earned_value import export as ev_export
from reports.earned_value import formatting
from reports.filters import ReportFilter, parse_language
from reports.meeting.report import meeting_report_pdf
from reports.schedule import export as schedule_export
from reports.schedule.report import as_of_for, parse_basis, schedule_report
from reports.tables import cell_text
from reports.warm import note_locale


@bp.context_processor
def _helpers():
    """Formatting helpers for the reports' templates only."""
    return {"fmt": formatting, "cell_text": cell_text, "charts": CHARTS, "percent": percent_text,
            "points": points_text}


def _context(filters: ReportFilter, project=None, as_of: date | None = None) -> Context:
    today, locale = date.today(), str(get_locale())
    note_locale(locale)
    return Context(filters, as_of or today, today, locale, project)


def _panels(names, context: Context, version: tuple) -> list[tuple[str, dict, object]]:
    """(chart name, its words, its table) for each chart shown on a page."""
    return [(name, CHARTS[name].text(context), services.chart_table(name, context, version)) for name in names]


@bp.route("/")
@role_required(*READERS)
def index():
    """Money, projects by status, late milestones, idle money, breaches and charts, each linked to its list."""
    filters = ReportFilter.from_args(request.args)
    context, version = _context(filters), data_version()
    year = filters.year or context.today.year
    schedule = schedule_report(year, as_of_for(year, context.today), context.today, context.locale, version)
    return render_template("reports/index.html", filters=filters, today=context.today, schedule=schedule,
                           board=services.dashboard(filters, context.today, version),
                           panels=_panels(DASHBOARD_CHARTS, context, version), statuses=STATUSES,
                           categories=CATEGORIES, breach_kinds=BREACH_KINDS,
                           choices=services.filter_choices(context.locale, context.today))


@bp.route("/charts/<name>.<fmt>")
@role_required(*READERS)
def chart(name: str, fmt: str):
    """A chart as PNG or SVG, or its numbers as CSV, for the filter (and ?project=<id> where needed)."""
    kind = CHARTS.get(name)
    if kind is None or (fmt not in FORMATS and fmt != "csv"):
        abort(404)
    project = project_for(query_int("project")) if kind.per_project else None
    if kind.per_project and project is None:
        abort(404)
    context, version = _context(ReportFilter.from_args(request.args), project), data_version()
    if fmt == "csv":
        body, mimetype = services.chart_csv(name, context, version), "text/csv"
    else:
        body, mimetype = services.chart_image(name, fmt, context, version), FORMATS[fmt]
    response = Response(body, mimetype=mimetype)
    if fmt == "csv":
        response.headers["Content-Disposition"] = f"attachment; filename={name}-{context.as_of.isoformat()}.csv"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/earned-value")
@role_required(*READERS)
def earned_value():
    """Earned value of the portfolio and per source, and the projects ranked worst first by SPI or CPI."""
    filters = ReportFilter.from_args(request.args)
    by = "cpi" if request.args.get("by") == "cpi" else "spi"
    context = _context(filters)
    report, ranked = services.ranked_earned_value(filters, context.as_of, context.today, data_version(), by)
    page = Page.from_request(request.args, len(ranked), current_app.config["PAGE_SIZE"])
    return render_template("reports/earned_value.html", report=report, rows=ranked[page.offset:page.offset + page.size],
                           page=page, by=by, filters=filters, statuses=STATUSES, categories=CATEGORIES,
                           choices=services.filter_choices(context.locale, context.today))


@bp.route("/earned-value/export.<fmt>")
@role_required(*READERS)
def export_earned_value(fmt: str):
    """The earned-value tables as filtered and ranked on the page: .xlsx (projects, sources, portfolio)
    or .csv (?table=sources for the sources, else the projects)."""
    check_format(fmt)
    filters = ReportFilter.from_args(request.args)
    by = "cpi" if request.args.get("by") == "cpi" else "spi"
    context = _context(filters)
    report, ranked = services.ranked_earned_value(filters, context.as_of, context.today, data_version(), by)
    sheets = [ev_export.project_sheet(ranked, STATUSES), ev_export.source_sheet(report.sources),
              ev_export.portfolio_sheet(report.portfolio, report.as_of)]
    if fmt == "csv" and request.args.get("table") == "sources":
        sheets = sheets[1:]
    response = spreadsheet_download(sheets, fmt, "earned-value", context.today)
    user, query = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("earned_value.export", user=user,
                                     after={"rows": len(ranked), "format": fmt, "filters": query}))
    return response


def _schedule_args():
    """The schedule's year (default this year), day (default today within the year) and basis."""
    today = date.today()
    year = query_int("year", low=2000, high=2100) or today.year
    as_of = query_day("as_of", low=dates.window().earliest, high=today, default=as_of_for(year, today))
    return year, as_of, today, parse_basis(request.args.get("basis"))


@bp.route("/schedule")
@role_required(*READERS)
def schedule():
    """Spending against the schedule: sources, responsible units and townships ranked worst first."""
    year, as_of, today, basis = _schedule_args()
    report = schedule_report(year, as_of, today, str(get_locale()), data_version(), basis)
    return render_template("reports/schedule.html", report=report, today=today,
                           years=list(range(today.year, today.year - 6, -1)))


@bp.route("/schedule/export.xlsx")
@role_required(*READERS)
def export_schedule():
    """The three rankings as on the page, one sheet each (.xlsx)."""
    year, as_of, today, basis = _schedule_args()
    report = schedule_report(year, as_of, today, str(get_locale()), data_version(), basis)
    response = spreadsheet_download(schedule_export.sheets(report), "xlsx", f"schedule-{year}", as_of)
    rows = len(report.sources) + len(report.units) + len(report.townships)
    user, query = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("schedule.export", user=user,
                                     after={"rows": rows, "format": "xlsx", "filters": query}))
    return response


@bp.route("/projects/<int:project_id>")
@role_required(*READERS)
def project(project_id: int):
    """A project's earned value (and each source's share), its S-curve and its milestone timeline."""
    item = db.get_or_404(Project, project_id)
    context, version = _context(ReportFilter(), item), data_version()
    measures, sources = services.project_earned_value(item, context.as_of, context.today)
    return render_template("reports/project.html", project=item, measures=measures, sources=sources,
                           panels=_panels(PROJECT_CHARTS, context, version), today=context.today)


@bp.route("/meeting-report.pdf")
@role_required(*READERS)
def meeting_report():
    """The printable meeting report (A4 PDF) as of ?as_of=YYYY-MM-DD in ?lang=zh|en, for the filter."""
    today = date.today()
    as_of = query_day("as_of", low=dates.window().earliest, high=today, default=today)
    locale = parse_language(request.args.get("lang"), "zh_CN" if str(get_locale()).startswith("zh") else "en")
    if locale is None:
        abort(400)
    filters = ReportFilter.from_args(request.args)
    body = meeting_report_pdf(filters, as_of, today, locale, data_version())
    name = f"meeting-report-{as_of.isoformat()}-{'zh' if locale.startswith('zh') else 'en'}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
