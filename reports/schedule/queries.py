"""The reads behind the schedule: the money of one fiscal year's sources as of a day, grouped by
source, by the projects' responsible unit and by their township, in three GROUP BY queries.

As everywhere in the reports, money as of today comes from the balances the ledger keeps in step,
and as of an earlier day from the dated entries (reports.queries.allocation_money)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from extensions import db
from funds.models import FundSource
from funds.schedule import ScheduleRow
from projects.models import Area, Project
from reports.filters import ReportFilter
from reports.queries import allocation_money, area_labels, received_by_source, township_column


def _grouped(year: int, as_of: date, today: date, key) -> list[tuple]:
    """(key, allocated fen, paid fen) of the year's sources' allocations, grouped by `key`."""
    money = allocation_money(as_of, today)
    query = (select(key, func.coalesce(func.sum(money.c.allocated_fen), 0),
                    func.coalesce(func.sum(money.c.spent_fen), 0))
             .select_from(money).join(FundSource, FundSource.id == money.c.source_id)
             .join(Project, Project.id == money.c.project_id).join(Area, Area.id == Project.area_id)
             .where(FundSource.fiscal_year == year).group_by(key))
    return [(row[0], int(row[1]), int(row[2])) for row in db.session.execute(query)]


def source_rows(year: int, as_of: date, today: date) -> list[ScheduleRow]:
    """Each source of fiscal year `year`: received, allocated and paid by `as_of` (a source with
    nothing allocated yet is listed too)."""
    sources = db.session.execute(select(FundSource.id, FundSource.code, FundSource.name)
                                 .where(FundSource.fiscal_year == year).order_by(FundSource.code)).all()
    received = received_by_source(ReportFilter(), as_of, today)
    money = {key: (allocated, paid) for key, allocated, paid in _grouped(year, as_of, today, FundSource.id)}
    return [ScheduleRow(str(row.id), f"{row.code} {row.name}", *money.get(row.id, (0, 0)),
                        received_fen=received.get(row.id, 0)) for row in sources]


def unit_rows(year: int, as_of: date, today: date) -> list[ScheduleRow]:
    """Each responsible unit with money of the year's sources on its projects (blank unit: key "")."""
    return [ScheduleRow(unit or "", unit or "", allocated, paid)
            for unit, allocated, paid in _grouped(year, as_of, today, Project.responsible_unit)]


def township_rows(year: int, as_of: date, today: date, locale: str) -> list[ScheduleRow]:
    """Each town or township with money of the year's sources on its projects."""
    labels = area_labels(locale)
    return [ScheduleRow(str(area_id), labels.get(area_id, str(area_id)), allocated, paid)
            for area_id, allocated, paid in _grouped(year, as_of, today, township_column())]
