"""The project list as a spreadsheet, and the blank import template: the same columns, so an export
re-imports cleanly and changes nothing. The export carries each project's library entry on its row and,
in the workbook, its performance indicators and its contracts on sheets of their own (绩效指标, 合同;
the contracts through contracting's handler, projects.imports.handlers), all read back by the import.

Headers, labels, notes and instructions are in Chinese, the county's working language, whatever the
interface language (the import also reads English headers, but the template teaches the Chinese
ones); codes (road, in_progress) appear beside the names they stand for. Money is yuan as an exact number
(Decimal, two places) in columns headed "（元）"; dates are date cells; areas are names, a project's
township and village in two columns. Every text cell is neutralised by core.spreadsheets.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO, Optional

from flask_babel import force_locale
from sqlalchemy import select

from core.money import fen_to_decimal_yuan
from core.sheets.tables import OutputSheet, write_csv, write_xlsx
from extensions import db
from projects.imports.columns import (
    CONTRACT_COLUMNS,
    CONTRACT_KEYS,
    MILESTONE_COLUMNS,
    PROJECT_COLUMNS,
    READ_ONLY,
    TARGET_COLUMNS,
    Column,
)
from projects.imports.handlers import contract_handler
from projects.models import AREA_KINDS, CATEGORIES, NATURES, STATUSES, Milestone, Project

PROJECTS_SHEET, MILESTONES_SHEET, INSTRUCTIONS_SHEET = "项目", "节点", "填写说明"
TARGETS_SHEET, CONTRACTS_SHEET = "绩效指标", "合同"
TARGET_HEADERS = [column.header_zh for column in TARGET_COLUMNS]
CONTRACT_EXPORT_COLUMNS: tuple[Column, ...] = tuple(column for column in CONTRACT_COLUMNS if column.key != "value_wan")
# A project's row carries no contract: its contracts, however many, are on the contracts sheet.
EXPORT_COLUMNS: tuple[Column, ...] = tuple(column for column in PROJECT_COLUMNS
                                           if column.key != "budget_wan" and column.key not in CONTRACT_KEYS)
TEMPLATE_COLUMNS: tuple[Column, ...] = tuple(column for column in EXPORT_COLUMNS if column.key not in READ_ONLY)
MILESTONE_EXPORT_COLUMNS: tuple[Column, ...] = tuple(column for column in MILESTONE_COLUMNS
                                                     if column.key != "planned_cost_wan")
CHUNK = 500
CENT = Decimal("0.01")


def _yuan(fen: Optional[int]) -> Optional[Decimal]:
    return None if fen is None else fen_to_decimal_yuan(fen).quantize(CENT)


def _labels(choices: dict) -> dict[str, str]:
    with force_locale("zh_CN"):
        return {code: str(label) for code, label in choices.items()}


def _area_names(project: Project) -> tuple[str, str]:
    area = project.area
    if area.parent is None:
        return area.name_zh, ""
    return area.parent.name_zh, area.name_zh


def project_row(project: Project, categories: dict[str, str], statuses: dict[str, str],
                natures: Optional[dict[str, str]] = None) -> list:
    """A project's cells in EXPORT_COLUMNS order (the change reason left empty), then what the ledger and
    the progress reports say of it (allocated, spent, physical progress in %), then its library entry and
    its position (WGS84 degrees, blank when it has none)."""
    natures = natures or {}
    township, village = _area_names(project)
    progress = None if project.progress_bp is None else (Decimal(project.progress_bp) / 100).quantize(CENT)
    return [project.code, project.name, categories.get(project.category, project.category), township, village,
            project.scale_quantity, project.scale_unit or "", _yuan(project.budget_fen), project.planned_start,
            project.planned_end, project.actual_start, project.actual_end,
            statuses.get(project.status, project.status), project.responsible_unit or "",
            project.contractor or "", project.description or "", "", _yuan(project.allocated_fen),
            _yuan(project.spent_fen), progress, natures.get(project.nature or "", ""), project.beneficiaries or "",
            project.beneficiary_count, project.beneficiary_poverty_count, project.beneficiary_monitored_count,
            project.benefit_linkage or "", project.library_year, project.longitude, project.latitude]


def _milestone_rows(projects: list[Project]) -> list[list]:
    """Milestone cells of these projects in MILESTONE_EXPORT_COLUMNS order, in a few queries."""
    codes = {project.id: project.code for project in projects}
    ids = list(codes)
    found: list[Milestone] = []
    for start in range(0, len(ids), CHUNK):
        found += db.session.scalars(select(Milestone).where(Milestone.project_id.in_(ids[start:start + CHUNK])))
    found.sort(key=lambda m: (codes[m.project_id], m.sequence))
    return [[codes[m.project_id], m.sequence, m.name, m.planned_date, _yuan(m.planned_cost_fen), m.progress_pct, ""]
            for m in found]


def _target_rows(projects: list[Project]) -> list[list]:
    """Each project's performance indicators (projects.targets), in TARGET_HEADERS order."""
    from projects.targets.models import CATEGORIES as TARGET_CATEGORIES
    from projects.targets.models import COMPARISONS, TIERS, Target
    from projects.targets.services import show_value

    codes = {project.id: project.code for project in projects}
    ids = list(codes)
    found: list[Target] = []
    for start in range(0, len(ids), CHUNK):
        found += db.session.scalars(select(Target).where(Target.project_id.in_(ids[start:start + CHUNK])))
    tiers, categories, order = _labels(TIERS), _labels(TARGET_CATEGORIES), list(TIERS)
    found.sort(key=lambda t: (codes[t.project_id], order.index(t.tier), t.position, t.id))
    return [[codes[t.project_id], tiers[t.tier], categories[t.category], t.name, COMPARISONS[t.comparison],
             show_value(t.target_value), t.unit, show_value(t.actual_value), t.actual_on] for t in found]


def _contract_rows(projects: list[Project]) -> Optional[list[list]]:
    """The contracts of these projects in CONTRACT_EXPORT_COLUMNS order (None without contracting)."""
    handler = contract_handler()
    if handler is None:
        return None
    rows = []
    for item in handler.export_rows([project.id for project in projects]):
        cells = {**item, "value": _yuan(item["value_fen"]),
                 "retention": Decimal(item["retention_bp"]) / 100, "change_reason": ""}
        rows.append([cells[column.key] for column in CONTRACT_EXPORT_COLUMNS])
    return rows


def _notes(columns: Iterable[Column]) -> list[str]:
    """The comment on each header: required or not, and how to fill it in."""
    return [("必填" if column.required else "选填") + (f"。{column.note}" if column.note else "") for column in columns]


def write_projects(projects: Iterable[Project], stream: BinaryIO, fmt: str) -> None:
    """Write projects (area and area.parent loaded) as "xlsx" (with a milestones sheet) or "csv"."""
    projects = list(projects)
    categories, statuses, natures = _labels(CATEGORIES), _labels(STATUSES), _labels(NATURES)
    headers = [column.header_zh for column in EXPORT_COLUMNS]
    rows = (project_row(project, categories, statuses, natures) for project in projects)
    if fmt == "csv":
        write_csv(stream, headers, rows)
        return
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    write_xlsx(stream, [
        OutputSheet(PROJECTS_SHEET, headers, rows, _notes(EXPORT_COLUMNS)),
        OutputSheet(MILESTONES_SHEET, [column.header_zh for column in MILESTONE_EXPORT_COLUMNS],
                    _milestone_rows(projects), _notes(MILESTONE_EXPORT_COLUMNS)),
        OutputSheet(TARGETS_SHEET, TARGET_HEADERS, _target_rows(projects), _notes(TARGET_COLUMNS)),
        *_contracts_sheet(_contract_rows(projects)),
    ])


def _contracts_sheet(rows: Optional[list[list]]) -> list[OutputSheet]:
    if rows is None:
        return []
    return [OutputSheet(CONTRACTS_SHEET, [column.header_zh for column in CONTRACT_EXPORT_COLUMNS], rows,
                        _notes(CONTRACT_EXPORT_COLUMNS))]


def _instruction_rows(areas) -> list[list]:
    """The instructions sheet: each column, then the accepted categories, statuses and areas."""
    rows: list[list] = [["项目表", "", ""]]
    rows += [[c.header_zh, "必填" if c.required else "选填", c.note] for c in TEMPLATE_COLUMNS]
    rows += [["", "", ""], ["节点表", "", ""]]
    rows += [[c.header_zh, "必填" if c.required else "选填", c.note] for c in MILESTONE_EXPORT_COLUMNS]
    rows += [["", "", ""], ["绩效指标表", "", ""]]
    rows += [[c.header_zh, "必填" if c.required else "选填", c.note] for c in TARGET_COLUMNS]
    rows += [["", "", ""], ["合同表", "", ""]]
    rows += [[c.header_zh, "必填" if c.required else "选填", c.note] for c in CONTRACT_EXPORT_COLUMNS]
    rows += [["", "", ""], ["金额", "以元为单位；表头注明（万元）的列以万元为单位", "可带千分位逗号，如 1,234,567.89"],
             ["日期", "可写作 2026-03-01、2026/3/1、2026年3月1日 或 20260301", ""], ["", "", ""]]
    for title, choices in (("项目类别（代码：名称）", CATEGORIES), ("项目状态（代码：名称）", STATUSES)):
        zh = _labels(choices)
        rows += [[title, "", ""]] + [[code, zh[code], ""] for code in choices] + [["", "", ""]]
    kinds = _labels(AREA_KINDS)
    rows += [["地点（代码：名称）", "", ""]]
    rows += [[area.code, f"{area.parent.name_zh} / {area.name_zh}" if area.parent else area.name_zh,
              kinds.get(area.kind, area.kind)] for area in areas]
    return rows


def template_workbook(stream: BinaryIO, areas: Iterable = ()) -> None:
    """The blank import template: projects and milestones sheets with their headers (how to fill each
    in a comment on it), and an instructions sheet listing accepted values and `areas`."""
    write_xlsx(stream, [
        OutputSheet(PROJECTS_SHEET, [c.header_zh for c in TEMPLATE_COLUMNS], [], _notes(TEMPLATE_COLUMNS)),
        OutputSheet(MILESTONES_SHEET, [c.header_zh for c in MILESTONE_EXPORT_COLUMNS], [],
                    _notes(MILESTONE_EXPORT_COLUMNS)),
        OutputSheet(TARGETS_SHEET, TARGET_HEADERS, [], _notes(TARGET_COLUMNS)),
        *_contracts_sheet([] if contract_handler() is not None else None),
        OutputSheet(INSTRUCTIONS_SHEET, ["栏目", "说明", "备注"], _instruction_rows(areas),
                    column_widths=(28, 40, 60)),
    ])


__all__ = ["EXPORT_COLUMNS", "MILESTONE_EXPORT_COLUMNS", "TEMPLATE_COLUMNS", "template_workbook", "write_projects"]
