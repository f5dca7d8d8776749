"""The charts the reports offer: for each, how to load its data, draw it, title it and tabulate it.

A chart is named in its URL (/reports/charts/<name>.<png|svg|csv>); `CHARTS[name]` ties the name
to its loader (the database reads, in reports/queries.py), its pure data function
(reports/chart_data.py), its drawing (reports/chart_drawing.py) and its table (reports/chart_tables.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from flask_babel import gettext as _

from extensions import db
from projects.models import CATEGORIES, Project
from reports import queries
from reports.charts import data as chart_data
from reports.charts import drawing as chart_drawing
from reports.charts import tables as chart_tables
from reports.charts import text as chart_text
from reports.charts.render import TALL, WIDE
from reports.earned_value import queries as ev_queries
from reports.earned_value.history import s_curve
from reports.filters import ReportFilter
from reports.schedule import drawing as schedule_drawing
from reports.schedule.report import ScheduleReport, as_of_for, schedule_report


@dataclass(frozen=True)
class Context:
    """What a chart is drawn for: filter, dates, language and (for project charts) the project."""

    filters: ReportFilter
    as_of: date
    today: date
    locale: str
    project: Optional[Project] = None
    version: tuple = ()  # the data version being computed, for shared reads (not part of the key)

    def key(self) -> tuple:
        """The part of a cache key that identifies this context."""
        return (self.filters.key(), self.as_of, self.today, self.locale, self.project.id if self.project else None)

    def chart_project(self) -> Project:
        """The project a per-project chart is drawn for (the chart page answers 404 without one)."""
        if self.project is None:
            raise ValueError("a per-project chart needs a project")
        return self.project


@dataclass(frozen=True)
class ChartKind:
    """One chart: its loader, drawer, words, table and size; `per_project` ones need ?project=<id>."""

    name: str
    load: Callable[[Context], Any]
    draw: Callable[[Any, Any, Context, dict], None]
    text: Callable[[Context], dict]
    table: Callable[[Any], Any]
    size: tuple[float, float] = WIDE
    per_project: bool = False


def _monthly_year(context: Context) -> int:
    return context.filters.year or context.as_of.year


def _load_monthly(context: Context) -> chart_data.MonthlySpending:
    """Planned value at the month ends from the milestones' kept accrual starts (summed by the
    database; per project when a source's share weighs each one), and the payments by month."""
    year = _monthly_year(context)
    filters, today = context.filters, context.today
    days = chart_data.month_ends(year)
    if filters.source_id:
        allocated: dict[int, list[int]] = {}
        for source_id, project_id, amount, _spent in ev_queries.allocation_rows(filters, context.as_of, today):
            share = allocated.setdefault(project_id, [0, 0])
            share[1] += amount
            share[0] += amount if source_id == filters.source_id else 0
        by_project = ev_queries.planned_by_days_per_project(filters, today, days)
        shares = {project_id: (own, total) for project_id, (own, total) in allocated.items()}
        plan = chart_data.month_plan((values, *shares.get(project_id, (0, 0)))
                                     for project_id, values in by_project.items())
    else:
        plan = chart_data.month_plan([(ev_queries.planned_by_days(filters, today, days), 1, 1)])
    paid = queries.monthly_payments(filters, year, context.as_of)
    return chart_data.monthly_spending(year, context.as_of, paid, plan)


def _load_utilisation(context: Context) -> chart_data.Utilisation:
    sources = queries.source_money(context.filters, context.as_of, context.today)
    return chart_data.fund_utilisation(sources, with_unallocated=not context.filters.narrows_projects)


def _load_portfolio(context: Context) -> chart_data.PortfolioProgress:
    return chart_data.portfolio_progress(queries.project_timings(context.filters, context.as_of), context.as_of)


def _load_by_category(context: Context) -> tuple[chart_data.BreakdownRow, ...]:
    money = queries.money_by("category", context.filters, context.as_of, context.today)
    return chart_data.breakdown(chart_data.BreakdownRow(code, str(CATEGORIES.get(code, code)), *values)
                                for code, values in money.items())


def _load_by_township(context: Context) -> tuple[chart_data.BreakdownRow, ...]:
    money = queries.money_by("township", context.filters, context.as_of, context.today)
    labels = queries.area_labels(context.locale)
    return chart_data.breakdown(chart_data.BreakdownRow(str(area_id), labels.get(area_id, str(area_id)), *values)
                                for area_id, values in money.items())


def _load_s_curve(context: Context):
    project = context.chart_project()
    plan = ev_queries.project_plan(project)
    reports = ev_queries.progress_reports(context.filters, context.today, context.as_of, project_id=project.id)
    payments = ev_queries.project_payments(project.id)
    return s_curve(plan, reports, payments, context.as_of, context.today)


def _load_timeline(context: Context):
    return chart_data.milestone_timeline(ev_queries.milestone_dates(context.chart_project()), context.as_of)


def _load_schedule(context: Context) -> ScheduleReport:
    year = _monthly_year(context)
    return schedule_report(year, as_of_for(year, context.as_of), context.today, context.locale, context.version)


def _project_code(context: Context) -> str:
    return context.project.code if context.project else ""


CHARTS: dict[str, ChartKind] = {kind.name: kind for kind in (
    ChartKind("fund-utilisation", _load_utilisation,
              lambda fig, data, ctx, text: chart_drawing.draw_utilisation(fig, data, text),
              lambda ctx: chart_text.utilisation(), chart_tables.utilisation_table),
    ChartKind("monthly-spending", _load_monthly,
              lambda fig, data, ctx, text: chart_drawing.draw_monthly(fig, data, text),
              lambda ctx: chart_text.monthly(_monthly_year(ctx)), chart_tables.monthly_table, size=TALL),
    ChartKind("portfolio-progress", _load_portfolio,
              lambda fig, data, ctx, text: chart_drawing.draw_portfolio(fig, data, text),
              lambda ctx: chart_text.portfolio(), chart_tables.portfolio_table, size=TALL),
    ChartKind("spending-by-category", _load_by_category,
              lambda fig, data, ctx, text: chart_drawing.draw_breakdown(fig, data, text),
              lambda ctx: chart_text.by_category(), lambda rows: chart_tables.breakdown_table(rows, _("Category"))),
    ChartKind("spending-by-township", _load_by_township,
              lambda fig, data, ctx, text: chart_drawing.draw_breakdown(fig, data, text),
              lambda ctx: chart_text.by_township(), lambda rows: chart_tables.breakdown_table(rows, _("Township"))),
    ChartKind("spending-schedule", _load_schedule,
              lambda fig, data, ctx, text: schedule_drawing.draw(fig, data, text),
              lambda ctx: schedule_drawing.text(_monthly_year(ctx)), schedule_drawing.table),
    ChartKind("s-curve", _load_s_curve,
              lambda fig, data, ctx, text: chart_drawing.draw_s_curve(fig, data, ctx.as_of, text),
              lambda ctx: chart_text.s_curve(_project_code(ctx)), chart_tables.s_curve_table, per_project=True),
    ChartKind("milestone-timeline", _load_timeline,
              lambda fig, data, ctx, text: chart_drawing.draw_timeline(fig, data, ctx.as_of, text),
              lambda ctx: chart_text.timeline(_project_code(ctx)), chart_tables.timeline_table, per_project=True),
)}
DASHBOARD_CHARTS = ("fund-utilisation", "monthly-spending", "portfolio-progress", "spending-by-category",
                    "spending-by-township", "spending-schedule")
PROJECT_CHARTS = ("s-curve", "milestone-timeline")


def project_for(project_id: Optional[int]) -> Optional[Project]:
    """The project a per-project chart is for, or None."""
    return db.session.get(Project, project_id) if project_id else None
