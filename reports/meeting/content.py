"""What the meeting report says, as plain data: words, table rows and chart SVGs, no layout.

`content(...)` gathers, in one language, the sections of each page: the summary figures (money,
projects by status, the portfolio's earned value, what needs attention); the two pages of charts;
late milestones; idle money and fund-rule breaches; the projects furthest behind and ahead and
earned value per fund source. Everything is text already translated and formatted (money in 万元),
so the layout (templates/print/meeting.typ) only places it. The figures come from the same cached
services as the dashboard and the earned-value page, so the report and the pages agree.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _

from core.money import format_wan
from funds.rules.evaluate import BREACH_KINDS, Breach
from projects.models import CATEGORIES, STATUSES
from reports import queries, services
from reports.charts.catalog import Context
from reports.earned_value.formatting import format_estimate, format_ratio, reason_text
from reports.earned_value.measures import Measures, rank_worst_first
from reports.filters import ReportFilter

LIST_LIMIT = 60  # rows of a list before "and N more"
RANKED = 10  # projects at each end of the ranking
# The chart pages: (title, ((chart, width, height in inches), ...)). The A4 text area is 7.09 x 10.1
# in: charts are drawn at the size they are printed, so their 9 pt labels print at 9 pt.
CHART_PAGES = (
    ("Money", (("fund-utilisation", 7.05, 3.7), ("monthly-spending", 7.05, 5.6))),
    ("Progress and spending", (("portfolio-progress", 7.05, 4.6), ("spending-by-category", 3.5, 4.6),
                               ("spending-by-township", 3.5, 4.6))),
)


@dataclass(frozen=True)
class Col:
    """A table column: heading, share of the text width, alignment ('left' or 'right')."""

    label: str
    width: float
    align: str = "left"


@dataclass(frozen=True)
class Section:
    """A heading with a table under it (no rows: the `empty` sentence), and an optional closing note."""

    heading: str
    columns: list[Col]
    rows: list[list[str]]
    empty: str = ""
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart as drawn for print: SVG with its labels as text, and its size on the page in inches."""

    name: str
    width: float
    height: float
    svg: str = field(repr=False)


@dataclass(frozen=True)
class ChartPage:
    """A page given over to charts, under a title."""

    title: str
    charts: list[Chart]


@dataclass(frozen=True)
class MeetingReport:
    """The whole report: title lines, then the sections of each page in order."""

    lang: str
    county: str
    title: str
    header: str
    subtitle: str
    summary: list[Section]
    chart_pages: list[ChartPage]
    late: list[Section]
    checks: list[Section]
    ranking: list[Section]


def content(filters: ReportFilter, as_of: date, today: date, locale: str, version: tuple) -> dict[str, Any]:
    """Everything the meeting report shows, in `locale`, as JSON-ready data for meeting.typ."""
    with force_locale(locale):
        # The locale as a request names it (zh_Hans_CN, not zh_CN): the chart data the dashboard and
        # the report warmer cached under it is then reused, not computed again.
        context = Context(filters, as_of, today, str(get_locale()))
        title = _("Projects and pooled funds: meeting report")
        county = _("Shuangpai County")
        report = services.earned_value_report(filters, as_of, today, version)
        breaches = services.filter_breaches(services.check_run(version, as_of).breaches, filters, today)
        return asdict(MeetingReport(
            lang="zh" if locale.startswith("zh") else "en",
            county=county,
            title=title,
            header=f"{county} · {title} · {_('as of %(day)s', day=as_of.isoformat())}",
            subtitle=_("As of %(day)s · %(scope)s · money in 10k yuan", day=as_of.isoformat(),
                       scope=_filter_words(filters, locale)),
            summary=_summary(context, report.portfolio, breaches),
            chart_pages=_chart_pages(context, version),
            late=[_late(context)],
            checks=_checks(breaches),
            ranking=_ranking(report),
        ))


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


def _summary(context: Context, portfolio: Measures, breaches: list[Breach]) -> list[Section]:
    money = queries.money_totals(context.filters, context.as_of, context.today)
    counts = queries.projects_by_status(context.filters, context.today)
    return [
        Section(_("Money"), [Col(_("Figure"), 0.5), Col(_("10k yuan"), 0.2, "right"), Col("", 0.3)],
                [[_("Received"), format_wan(money.received_fen), ""],
                 [_("Allocated"), format_wan(money.allocated_fen), ""],
                 [_("Spent"), format_wan(money.spent_fen), ""],
                 [_("Unallocated"), format_wan(money.unallocated_fen), ""]],
                note=_("Received and unallocated money are the sources' own: they belong to no township, "
                       "category or year.") if money.narrowed else ""),
        Section(_("Projects by status"), [Col(_("Status"), 0.5), Col(_("Projects"), 0.2, "right")],
                [[str(label), str(counts.get(code, 0))] for code, label in STATUSES.items()]),
        Section(_("Earned value of the portfolio"),
                [Col(_("Figure"), 0.5), Col(_("10k yuan / ratio"), 0.2, "right"), Col("", 0.3)], ev_rows(portfolio)),
        _attention(context, breaches),
    ]


def _attention(context: Context, breaches: list[Breach]) -> Section:
    late, late_projects, _rows = queries.late_milestones(context.filters, context.as_of, limit=0)
    idle = [b for b in breaches if b.kind == services.IDLE]
    return Section(_("Needs attention"), [Col(_("What"), 0.5), Col(_("How many"), 0.2, "right"),
                                          Col(_("10k yuan"), 0.3, "right")], [
        [_("Late milestones (projects)"), f"{late} ({late_projects})", ""],
        [_("Idle allocations"), str(len(idle)), format_wan(sum(b.detail.get("unspent_fen", 0) for b in idle))],
        [_("Fund-rule breaches"), str(len(breaches) - len(idle)), ""]])


def _chart_pages(context: Context, version: tuple) -> list[ChartPage]:
    return [ChartPage(_(title), [Chart(name, width, height, services.print_chart(name, context, version,
                                                                                 (width, height)))
                                 for name, width, height in charts])
            for title, charts in CHART_PAGES]


def _late(context: Context) -> Section:
    count, projects, rows = queries.late_milestones(context.filters, context.as_of, limit=LIST_LIMIT)
    columns = [Col(_("Project"), 0.38), Col(_("Milestone"), 0.27), Col(_("Planned date"), 0.13),
               Col(_("Progress %"), 0.1, "right"), Col(_("Days late"), 0.12, "right")]
    return Section(_("Late milestones: %(n)d in %(p)d projects", n=count, p=projects), columns,
                   [[f"{r.project_code} {r.project_name}", f"{r.sequence}. {r.name}", r.planned_date.isoformat(),
                     str(r.progress_pct), str(r.days_late(context.as_of))] for r in rows],
                   empty=_("No milestone is late."),
                   note=_("… and %(n)d more.", n=count - len(rows)) if count > len(rows) else "")


def _checks(breaches: list[Breach]) -> list[Section]:
    idle = sorted((b for b in breaches if b.kind == services.IDLE),
                  key=lambda b: (-b.detail.get("unspent_fen", 0), b.project_code))
    others = [b for b in breaches if b.kind != services.IDLE]
    return [
        Section(ngettext("Idle money: %(num)d allocation", "Idle money: %(num)d allocations", len(idle)),
                [Col(_("Project"), 0.3), Col(_("Fund source"), 0.14), Col(_("Unspent (10k yuan)"), 0.14, "right"),
                 Col(_("What is wrong"), 0.42)],
                [[f"{b.project_code} {b.project_name}", b.source_code, format_wan(b.detail.get("unspent_fen", 0)),
                  str(b.message)] for b in idle[:LIST_LIMIT]], empty=_("No allocation is idle.")),
        Section(_("Fund-rule breaches: %(n)d", n=len(others)),
                # A source code (G-WOR-2024-013) is never broken: its column is wide enough for it.
                [Col(_("Kind"), 0.15), Col(_("Project"), 0.24), Col(_("Fund source"), 0.15),
                 Col(_("What is wrong"), 0.46)],
                [[str(BREACH_KINDS[b.kind]), f"{b.project_code} {b.project_name}" if b.project_id is not None
                  else _("The source as a whole"), b.source_code, str(b.message)]
                 for b in others[:LIST_LIMIT]], empty=_("No fund rule is broken."),
                note=_("… and %(n)d more.", n=len(others) - LIST_LIMIT) if len(others) > LIST_LIMIT else ""),
    ]


def _project_rows(rows: list[services.ProjectEarnedValue]) -> list[list[str]]:
    return [[f"{r.code} {r.name}", format_ratio(r.measures.spi), format_ratio(r.measures.cpi),
             format_wan(r.measures.pv_fen), format_wan(r.measures.ev_fen), format_wan(r.measures.ac_fen),
             reason_text(r.measures.spi.reason or r.measures.cpi.reason)] for r in rows]


def _ranking(report: services.EarnedValueReport) -> list[Section]:
    # Ratio and money columns wide enough for their Chinese names (进度绩效指数) on one line.
    columns = [Col(_("Project"), 0.28), Col(_("SPI"), 0.11, "right"), Col(_("CPI"), 0.11, "right"),
               Col(_("PV"), 0.11, "right"), Col(_("EV"), 0.11, "right"), Col(_("AC"), 0.11, "right"), Col("", 0.17)]
    ranked = rank_worst_first(report.projects, "spi")
    measured = [r for r in ranked if r.measures.spi.value is not None or r.measures.cpi.value is not None]
    ahead = [r for r in reversed(ranked) if r.measures.spi.value is not None]
    none_yet = _("No project has earned-value figures yet.")
    source_columns = [Col(_("Fund source"), 0.28), Col(_("PV"), 0.11, "right"), Col(_("EV"), 0.11, "right"),
                      Col(_("AC"), 0.11, "right"), Col(_("SPI"), 0.11, "right"), Col(_("CPI"), 0.11, "right"),
                      Col("", 0.17)]
    return [
        Section(_("Furthest behind (lowest SPI, then CPI)"), columns, _project_rows(measured[:RANKED]), none_yet),
        Section(_("Furthest ahead (highest SPI, then CPI)"), columns, _project_rows(ahead[:RANKED]), none_yet),
        Section(_("Earned value by fund source (10k yuan)"), source_columns,
                [[f"{s.code} {s.name}" if s.source_id else _("Not funded yet"), format_wan(s.measures.pv_fen),
                  format_wan(s.measures.ev_fen), format_wan(s.measures.ac_fen), format_ratio(s.measures.spi),
                  format_ratio(s.measures.cpi), reason_text(s.measures.spi.reason or s.measures.cpi.reason)]
                 for s in report.sources]),
    ]
