"""The leadership reports put together: dashboard figures, charts and their tables, earned value.

Views and the CLI call these; each takes the filter, the dates and the data version explicitly, and
caches what it computes under a key that starts with that version (see reports/cache.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Optional

from sqlalchemy import func, select

from extensions import db
from funds.rules.checks import CheckRun, Scope
from funds.rules.evaluate import BREACH_KINDS, Breach
from funds.rules.standing import check_run_on
from projects.models import Project
from reports import queries
from reports.cache.store import report_cache
from reports.charts.catalog import CHARTS, Context
from reports.charts.render import render
from reports.earned_value import queries as ev_queries
from reports.earned_value.history import ProgressBook
from reports.earned_value.measures import (
    Measures,
    ProjectValues,
    measures,
    portfolio_measures,
    project_measures,
    rank_worst_first,
    split_by_source,
)
from reports.filters import ReportFilter
from reports.tables import Table, to_csv

IDLE = "idle_allocation"


def _cached(version: tuple, what: str, context_key: tuple, make):
    return report_cache().get_or_make((version, what) + context_key, make)


def chart_data(name: str, context: Context, version: tuple):
    """The data of chart `name` in `context`, computed once per data version."""
    return _cached(version, "data:" + name, context.key(), lambda: CHARTS[name].load(replace(context, version=version)))


def chart_image(name: str, fmt: str, context: Context, version: tuple) -> bytes:
    """Chart `name` as PNG or SVG bytes, rendered once per data version, filter, language and format."""
    kind = CHARTS[name]

    def make() -> bytes:
        data, text = chart_data(name, context, version), kind.text(context)
        return render(lambda figure: kind.draw(figure, data, context, text), fmt, kind.size)

    return _cached(version, f"image:{name}.{fmt}", context.key(), make)


def print_chart(name: str, context: Context, version: tuple, size: tuple[float, float]) -> str:
    """Chart `name` as SVG drawn for print at `size` inches, its labels as text (set by the typesetter
    in the document's font, so they are searchable), once per data version, context and size."""
    kind = CHARTS[name]

    def make() -> str:
        data, text = chart_data(name, context, version), kind.text(context)
        return render(lambda figure: kind.draw(figure, data, context, text), "svg", size,
                      text_as_text=True).decode()

    return _cached(version, f"print:{name}", context.key() + (size,), make)


def chart_table(name: str, context: Context, version: tuple) -> Table:
    """The numbers behind chart `name`, built once per data version and context (the portfolio's
    has a row per project: 5,000 at county scale, rebuilt on every dashboard view before)."""
    return _cached(version, "table:" + name, context.key(),
                   lambda: CHARTS[name].table(chart_data(name, context, version)))


def chart_csv(name: str, context: Context, version: tuple) -> bytes:
    """The numbers behind chart `name` as CSV."""
    return to_csv(chart_table(name, context, version))


COUNTY = Scope()  # every source and project


def check_run(version: tuple, today: date, scope: Scope = COUNTY) -> CheckRun:
    """The fund-rule breaches in `scope` shown on `today`, read from the standing breaches the ledger
    keeps in step (funds.rules.standing), once per data version and day."""
    return report_cache().get_or_make((version, "checks", today, scope), lambda: check_run_on(today, scope))


def filter_breaches(breaches: list[Breach], filters: ReportFilter, today: date) -> list[Breach]:
    """The breaches on the filtered projects and source."""
    scope = queries.project_scope(filters, today)
    kept = None if scope is None else set(db.session.scalars(scope))
    return [b for b in breaches if (kept is None or b.project_id in kept)
            and (filters.source_id is None or b.source_id == filters.source_id)]


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows besides the charts."""

    money: queries.MoneyTotals
    by_status: dict[str, int]
    late_count: int
    late_projects: int
    late_rows: list[queries.LateMilestone]
    idle: list[Breach]
    idle_unspent_fen: int
    breaches: list[Breach]
    breach_counts: dict[str, int]


def dashboard(filters: ReportFilter, today: date, version: tuple) -> Dashboard:
    """The dashboard's figures as of `today`, computed once per data version, filter and day."""
    return report_cache().get_or_make((version, "dashboard", filters.key(), today),
                                      lambda: _compute_dashboard(filters, today, version))


def _compute_dashboard(filters: ReportFilter, today: date, version: tuple) -> Dashboard:
    late_count, late_projects, late_rows = queries.late_milestones(filters, today)
    shown = filter_breaches(check_run(version, today).breaches, filters, today)
    idle = sorted((b for b in shown if b.kind == IDLE), key=lambda b: (-b.detail.get("unspent_fen", 0), b.project_code))
    others = [b for b in shown if b.kind != IDLE]
    counts = {kind: sum(1 for b in others if b.kind == kind) for kind in BREACH_KINDS if kind != IDLE}
    return Dashboard(queries.money_totals(filters, today, today), queries.projects_by_status(filters, today),
                     late_count, late_projects, late_rows, idle, sum(b.detail.get("unspent_fen", 0) for b in idle),
                     others, counts)


@dataclass(frozen=True)
class ProjectEarnedValue:
    """One project's earned value, with what the ranking shows beside it."""

    project_id: int
    code: str
    name: str
    status: str
    township_id: int
    budget_fen: int
    measures: Measures


@dataclass(frozen=True)
class SourceEarnedValue:
    """A source's share of the earned value (source_id None: projects no source funds yet)."""

    source_id: Optional[int]
    code: str
    name: str
    measures: Measures


@dataclass(frozen=True)
class EarnedValueReport:
    """Earned value of every filtered project, of the portfolio and of each source, at one date."""

    as_of: date
    projects: tuple[ProjectEarnedValue, ...]
    portfolio: Measures
    sources: tuple[SourceEarnedValue, ...]


def _progress_override(filters: ReportFilter, as_of: date, today: date, plans) -> Optional[dict[int, int]]:
    """Milestone progress on a past day (from the reports); None from today on (current values)."""
    if as_of >= today:
        return None
    current = {m.milestone_id: m.progress_pct for plan in plans.values() for m in plan.milestones}
    return ProgressBook(ev_queries.progress_reports(filters, today, as_of), current, today).at(as_of)


def _project_rows(filters: ReportFilter, as_of: date, today: date, version: tuple,
                  heads: Mapping[int, ev_queries.ProjectHead], paid_by_project: Mapping[int, int]
                  ) -> list[ProjectEarnedValue]:
    """Each filtered project's earned value as of `as_of`. From today on, BAC, PV and EV are summed by
    the database from the milestones (their accrual starts kept in step by planning); on a past day
    the milestones are read with the progress reported by then."""
    if as_of >= today:
        values = ev_queries.project_values(filters, today, as_of)
        return [ProjectEarnedValue(project_id, head.code, head.name, head.status, head.township_id, head.budget_fen,
                                   measures(*values.get(project_id, (0, 0, 0)), paid_by_project.get(project_id, 0)))
                for project_id, head in heads.items()]
    plans = ev_queries.cached_project_plans(filters, today, version)
    progress = _progress_override(filters, as_of, today, plans)
    return [ProjectEarnedValue(project_id, head.code, head.name, head.status, head.township_id, head.budget_fen,
                               project_measures(plans[project_id], paid_by_project.get(project_id, 0), as_of, progress))
            for project_id, head in heads.items() if project_id in plans]


def _compute_earned_value(filters: ReportFilter, as_of: date, today: date, version: tuple) -> EarnedValueReport:
    heads = ev_queries.project_heads(filters, today)
    allocations = [row for row in ev_queries.allocation_rows(filters, as_of, today) if row[1] in heads]
    paid_by_project: dict[int, int] = {}
    for _source, project_id, _allocated, spent in allocations:
        paid_by_project[project_id] = paid_by_project.get(project_id, 0) + spent
    projects = _project_rows(filters, as_of, today, version, heads, paid_by_project)
    values = [ProjectValues(p.project_id, p.measures.bac_fen, p.measures.pv_fen, p.measures.ev_fen) for p in projects]
    by_source = split_by_source(values, {(s, p): a for s, p, a, _ in allocations},
                                {(s, p): spent for s, p, _, spent in allocations})
    labels = queries.source_labels()
    sources = tuple(SourceEarnedValue(source_id, *_source_label(labels, source_id), row)
                    for source_id, row in sorted(by_source.items(), key=lambda item: _source_order(item, labels))
                    if filters.source_id is None or source_id == filters.source_id)
    projects.sort(key=lambda p: p.code)
    return EarnedValueReport(as_of, tuple(projects), portfolio_measures(p.measures for p in projects), sources)


def _source_label(labels: Mapping[int, tuple[str, str]], source_id: Optional[int]) -> tuple[str, str]:
    """A source's (code, name); blank for None, the projects no source funds yet."""
    return labels.get(source_id, ("", "")) if source_id is not None else ("", "")


def _source_order(item, labels) -> tuple:
    source_id = item[0]
    return (source_id is None, labels.get(source_id, ("",))[0])


def earned_value_report(filters: ReportFilter, as_of: date, today: date, version: tuple) -> EarnedValueReport:
    """Earned value of the filtered projects, the portfolio and each source as of `as_of` (cached)."""
    return report_cache().get_or_make((version, "earned-value", filters.key(), as_of, today),
                                      lambda: _compute_earned_value(filters, as_of, today, version))


def ranked_earned_value(filters: ReportFilter, as_of: date, today: date, version: tuple,
                        by: str) -> tuple[EarnedValueReport, list[ProjectEarnedValue]]:
    """The earned-value report and its projects ranked worst first by `by` ('spi' or 'cpi'), both cached:
    each page of the ranking is then a slice, not a sort of every project."""
    report = earned_value_report(filters, as_of, today, version)

    def order() -> tuple[int, ...]:  # positions in report.projects: kept (and on disk) without a second copy
        position = {id(row): index for index, row in enumerate(report.projects)}
        return tuple(position[id(row)] for row in rank_worst_first(report.projects, by))

    ranked = report_cache().get_or_make((version, "earned-value-order", filters.key(), as_of, today, by), order)
    return report, [report.projects[index] for index in ranked]


def project_earned_value(project: Project, as_of: date, today: date) -> tuple[Measures, list[SourceEarnedValue]]:
    """One project's earned value and each funding source's share of it."""
    plan = ev_queries.project_plan(project)
    allocations = ev_queries.allocation_rows(ReportFilter(), as_of, today, project_id=project.id)
    progress = None
    if as_of < today:
        current = {m.milestone_id: m.progress_pct for m in plan.milestones}
        reports = ev_queries.progress_reports(ReportFilter(), today, as_of, project_id=project.id)
        progress = ProgressBook(reports, current, today).at(as_of)
    row = project_measures(plan, sum(spent for *_, spent in allocations), as_of, progress)
    split = split_by_source([ProjectValues(project.id, row.bac_fen, row.pv_fen, row.ev_fen)],
                            {(s, p): a for s, p, a, _ in allocations},
                            {(s, p): spent for s, p, _, spent in allocations})
    labels = queries.source_labels()
    return row, [SourceEarnedValue(source_id, *_source_label(labels, source_id), measures)
                 for source_id, measures in sorted(split.items(), key=lambda item: _source_order(item, labels))]


def filter_choices(locale: str, today: date) -> dict[str, list]:
    """What the filter form offers: years with projects (newest first), townships, fund sources."""
    first, last = db.session.execute(select(func.min(Project.planned_start), func.max(Project.planned_end))).one()
    low = min(first.year if first else today.year, today.year)
    high = max(last.year if last else today.year, today.year)
    townships = sorted(queries.area_labels(locale).items())
    sources = [(source_id, f"{code} {name}") for source_id, (code, name)
               in sorted(queries.source_labels().items(), key=lambda item: item[1][0])]
    return {"years": list(range(high, max(low, high - 15) - 1, -1)), "townships": townships, "sources": sources}
