"""The meeting report: one A4 PDF, as of a day, in one language, for the leadership's meeting.

Pages: summary figures (money, projects by status, portfolio earned value, what needs attention);
the charts (two pages); late milestones; idle money and fund-rule breaches; the projects furthest
behind and furthest ahead by SPI and CPI, and earned value per source. The web page and the
`flask report` command both call `meeting_report_pdf`, so they write the same document.
"""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from matplotlib.backends.backend_pdf import PdfPages

from core.money import format_wan
from funds.rules.evaluate import BREACH_KINDS
from projects.models import CATEGORIES, STATUSES
from reports import queries, services
from reports.cache.store import report_cache
from reports.charts.catalog import CHARTS, Context
from reports.charts.render import styled
from reports.earned_value.formatting import format_estimate, format_ratio, measure_heading, reason_text
from reports.earned_value.measures import Measures, rank_worst_first
from reports.filters import ReportFilter
from reports.meeting.pages import Col, PageWriter

LIST_LIMIT = 60  # rows of a list before "and N more"
RANKED = 10  # projects at each end of the ranking


def meeting_report_pdf(filters: ReportFilter, as_of: date, today: date, locale: str, version: tuple) -> bytes:
    """The report's PDF bytes, built once per data version, filter, date and language."""
    key = (version, "meeting-report", filters.key(), as_of, today, locale)
    return report_cache().get_or_make(key, lambda: _build(filters, as_of, today, locale, version))


def _build(filters: ReportFilter, as_of: date, today: date, locale: str, version: tuple) -> bytes:
    with force_locale(locale):
        context = Context(filters, as_of, today, locale)
        stream = BytesIO()
        title = _("Projects and pooled funds: meeting report")
        with styled(), PdfPages(stream, metadata={"Title": title, "CreationDate": None}) as pdf:
            writer = PageWriter(pdf, f"{_('Shuangpai County')} · {title} · {_('as of %(day)s', day=as_of.isoformat())}")
            report = services.earned_value_report(filters, as_of, today, version)
            _summary(writer, context, title, report.portfolio, version)
            _chart_pages(writer, context, version)
            _late(writer, context)
            _checks(writer, context, version)
            _ranking(writer, report)
            writer.finish()
        return stream.getvalue()


def _filter_words(filters: ReportFilter, locale: str) -> str:
    """The filter in words, or 'the whole county'."""
    parts = []
    if filters.year:
        parts.append(_("year %(year)d", year=filters.year))
    if filters.area_id:
        parts.append(queries.area_labels(locale).get(filters.area_id, str(filters.area_id)))
    if filters.category:
        parts.append(str(CATEGORIES[filters.category]))
    if filters.source_id:
        parts.append(" ".join(queries.source_labels().get(filters.source_id, ("", ""))))
    return ", ".join(parts) if parts else _("the whole county")


def ev_rows(measures: Measures) -> list[list[str]]:
    """Earned-value figures as (name, value, note) rows."""
    money = format_wan
    return [[_("Budget at completion (BAC)"), money(measures.bac_fen), ""],
            [_("Planned value (PV)"), money(measures.pv_fen), ""],
            [_("Earned value (EV)"), money(measures.ev_fen), ""],
            [_("Actual cost (AC)"), money(measures.ac_fen), ""],
            [_("Cost variance (CV = EV - AC)"), money(measures.cv_fen), ""],
            [_("Schedule variance (SV = EV - PV)"), money(measures.sv_fen), ""],
            [_("Cost performance (CPI = EV / AC)"), format_ratio(measures.cpi), reason_text(measures.cpi.reason)],
            [_("Schedule performance (SPI = EV / PV)"), format_ratio(measures.spi), reason_text(measures.spi.reason)],
            [_("Estimate at completion (EAC = BAC / CPI)"), format_estimate(measures.eac),
             reason_text(measures.eac.reason)],
            [_("Variance at completion (VAC = BAC - EAC)"), format_estimate(measures.vac),
             reason_text(measures.vac.reason)]]


def _summary(writer: PageWriter, context: Context, title: str, portfolio: Measures, version: tuple) -> None:
    filters, as_of = context.filters, context.as_of
    writer.new_page()
    writer.title(_("Shuangpai County"), 12)
    writer.title(title)
    writer.paragraph(_("As of %(day)s · %(scope)s · money in 10k yuan", day=as_of.isoformat(),
                       scope=_filter_words(filters, context.locale)))
    money = queries.money_totals(filters, as_of, context.today)
    writer.heading(_("Money"))
    figures = Col(_("Figure"), 0.5), Col(_("10k yuan"), 0.2, "right"), Col("", 0.3)
    writer.table(figures, [[_("Received"), format_wan(money.received_fen), ""],
                           [_("Allocated"), format_wan(money.allocated_fen), ""],
                           [_("Spent"), format_wan(money.spent_fen), ""],
                           [_("Unallocated"), format_wan(money.unallocated_fen), ""]])
    if money.narrowed:
        writer.paragraph(_("Received and unallocated money are the sources' own: they belong to no township, "
                           "category or year."))
    writer.heading(_("Projects by status"))
    counts = queries.projects_by_status(filters, context.today)
    writer.table((Col(_("Status"), 0.5), Col(_("Projects"), 0.2, "right")),
                 [[str(label), str(counts.get(code, 0))] for code, label in STATUSES.items()])
    writer.heading(_("Earned value of the portfolio"))
    writer.table((Col(_("Figure"), 0.5), Col(_("10k yuan / ratio"), 0.2, "right"), Col("", 0.3)), ev_rows(portfolio))
    _attention(writer, context, version)


def _attention(writer: PageWriter, context: Context, version: tuple) -> None:
    late, late_projects, _rows = queries.late_milestones(context.filters, context.as_of, limit=0)
    breaches = services.filter_breaches(services.check_run(version, context.as_of).breaches, context.filters,
                                        context.today)
    idle = [b for b in breaches if b.kind == services.IDLE]
    writer.heading(_("Needs attention"))
    writer.table((Col(_("What"), 0.5), Col(_("How many"), 0.2, "right"), Col(_("10k yuan"), 0.3, "right")), [
        [_("Late milestones (projects)"), f"{late} ({late_projects})", ""],
        [_("Idle allocations"), str(len(idle)), format_wan(sum(b.detail.get("unspent_fen", 0) for b in idle))],
        [_("Fund-rule breaches"), str(len(breaches) - len(idle)), ""]])


def _chart_pages(writer: PageWriter, context: Context, version: tuple) -> None:
    def draw(name: str, figure) -> None:
        CHARTS[name].draw(figure, services.chart_data(name, context, version), context, CHARTS[name].text(context))

    def money_page(figure) -> None:
        top, bottom = figure.subfigures(2, 1, height_ratios=(2, 3))
        draw("fund-utilisation", top)
        draw("monthly-spending", bottom)

    def progress_page(figure) -> None:
        top, bottom = figure.subfigures(2, 1)
        draw("portfolio-progress", top)
        left, right = bottom.subfigures(1, 2)
        draw("spending-by-category", left)
        draw("spending-by-township", right)

    writer.chart_page(_("Money"), money_page)
    writer.chart_page(_("Progress and spending"), progress_page)


def _late(writer: PageWriter, context: Context) -> None:
    count, projects, rows = queries.late_milestones(context.filters, context.as_of, limit=LIST_LIMIT)
    writer.new_page()
    writer.heading(_("Late milestones: %(n)d in %(p)d projects", n=count, p=projects))
    columns = (Col(_("Project"), 0.38), Col(_("Milestone"), 0.27), Col(_("Planned date"), 0.13),
               Col(_("Progress %"), 0.1, "right"), Col(_("Days late"), 0.12, "right"))
    writer.table(columns, [[f"{r.project_code} {r.project_name}", f"{r.sequence}. {r.name}", r.planned_date.isoformat(),
                            str(r.progress_pct), str(r.days_late(context.as_of))] for r in rows],
                 empty=_("No milestone is late."))
    if count > len(rows):
        writer.paragraph(_("… and %(n)d more.", n=count - len(rows)))


def _checks(writer: PageWriter, context: Context, version: tuple) -> None:
    breaches = services.filter_breaches(services.check_run(version, context.as_of).breaches, context.filters,
                                        context.today)
    idle = sorted((b for b in breaches if b.kind == services.IDLE),
                  key=lambda b: (-b.detail.get("unspent_fen", 0), b.project_code))
    writer.new_page()
    writer.heading(ngettext("Idle money: %(num)d allocation", "Idle money: %(num)d allocations", len(idle)))
    columns = (Col(_("Project"), 0.3), Col(_("Fund source"), 0.14), Col(_("Unspent (10k yuan)"), 0.14, "right"),
               Col(_("What is wrong"), 0.42))
    writer.table(columns, [[f"{b.project_code} {b.project_name}", b.source_code,
                            format_wan(b.detail.get("unspent_fen", 0)), str(b.message)] for b in idle[:LIST_LIMIT]],
                 empty=_("No allocation is idle."))
    others = [b for b in breaches if b.kind != services.IDLE]
    writer.heading(_("Fund-rule breaches: %(n)d", n=len(others)))
    columns = (Col(_("Kind"), 0.16), Col(_("Project"), 0.24), Col(_("Fund source"), 0.12),
               Col(_("What is wrong"), 0.48))
    writer.table(columns, [[str(BREACH_KINDS[b.kind]), f"{b.project_code} {b.project_name}", b.source_code,
                            str(b.message)] for b in others[:LIST_LIMIT]], empty=_("No fund rule is broken."))
    if len(others) > LIST_LIMIT:
        writer.paragraph(_("… and %(n)d more.", n=len(others) - LIST_LIMIT))


def _project_rows(rows) -> list[list[str]]:
    return [[f"{r.code} {r.name}", format_ratio(r.measures.spi), format_ratio(r.measures.cpi),
             format_wan(r.measures.pv_fen), format_wan(r.measures.ev_fen), format_wan(r.measures.ac_fen),
             reason_text(r.measures.spi.reason or r.measures.cpi.reason)] for r in rows]


def _ranking(writer: PageWriter, report) -> None:
    columns = (Col(_("Project"), 0.3), Col(measure_heading("spi"), 0.09, "right"),
               Col(measure_heading("cpi"), 0.09, "right"), Col(measure_heading("pv"), 0.11, "right"),
               Col(measure_heading("ev"), 0.11, "right"), Col(measure_heading("ac"), 0.11, "right"), Col("", 0.19))
    ranked = rank_worst_first(report.projects, "spi")
    measured = [r for r in ranked if r.measures.spi.value is not None or r.measures.cpi.value is not None]
    writer.new_page()
    writer.heading(_("Furthest behind (lowest SPI, then CPI)"))
    writer.table(columns, _project_rows(measured[:RANKED]), empty=_("No project has earned-value figures yet."))
    writer.heading(_("Furthest ahead (highest SPI, then CPI)"))
    ahead = [r for r in reversed(ranked) if r.measures.spi.value is not None]
    writer.table(columns, _project_rows(ahead[:RANKED]),
                 empty=_("No project has earned-value figures yet."))
    writer.heading(_("Earned value by fund source (10k yuan)"))
    source_columns = (Col(_("Fund source"), 0.3), Col(measure_heading("pv"), 0.11, "right"),
                      Col(measure_heading("ev"), 0.11, "right"), Col(measure_heading("ac"), 0.11, "right"),
                      Col(measure_heading("spi"), 0.09, "right"), Col(measure_heading("cpi"), 0.09, "right"),
                      Col("", 0.19))
    writer.table(source_columns, [[f"{s.code} {s.name}" if s.source_id else _("Not funded yet"),
                                   format_wan(s.measures.pv_fen), format_wan(s.measures.ev_fen),
                                   format_wan(s.measures.ac_fen), format_ratio(s.measures.spi),
                                   format_ratio(s.measures.cpi),
                                   reason_text(s.measures.spi.reason or s.measures.cpi.reason)]
                                  for s in report.sources])
