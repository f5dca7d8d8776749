"""The year's project library as a spreadsheet in the layout counties file upward (项目库入库项目表).

Chinese headers whatever the interface language, as the county's own forms have them; money in 万元
with six decimals (exact to the fen); one row per project, numbered.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import BinaryIO, Optional

from flask_babel import force_locale

from core.money import format_wan
from core.sheets.tables import OutputSheet, write_xlsx
from projects.models import NATURES, Area, Project
from projects.money import PlannedLine

HEADERS = ["序号", "乡镇", "村（社区）", "项目编码", "项目名称", "建设性质", "建设内容及规模", "计划开工", "计划完工",
           "责任单位", "资金规模（万元）", "受益对象", "受益人口（人）", "其中脱贫人口（人）", "其中监测对象（人）",
           "利益联结机制", "资金来源及金额（万元）", "计划资金合计（万元）"]
WIDTHS = [6, 12, 14, 14, 30, 10, 40, 12, 12, 20, 14, 30, 12, 14, 14, 40, 40, 14]
WAN = Decimal(1_000_000)  # fen in a 万元


def _places(project: Project, areas: Mapping[int, Area]) -> tuple[str, str]:
    area = areas[project.area_id]
    if area.parent_id is None:
        return area.name_zh, ""
    return areas[area.parent_id].name_zh, area.name_zh


def funding_text(lines: Sequence[PlannedLine]) -> str:
    """The planned funding as the filed form writes it: "source 12.5；source 3" in 万元, largest first."""
    return "；".join(f"{line.source_name} {format_wan(line.planned_fen, places=6).rstrip('0').rstrip('.')}"
                    for line in lines if line.planned_fen)


def library_row(number: int, project: Project, areas: Mapping[int, Area],
                planned: Sequence[PlannedLine] = ()) -> list:
    """One project's row in the filed layout."""
    township, village = _places(project, areas)
    with force_locale("zh_CN"):
        nature = str(NATURES[project.nature]) if project.nature else ""
    scale = f"{project.scale_quantity} {project.scale_unit or ''}".strip() if project.scale_quantity is not None else ""
    content = "；".join(part for part in (project.description, scale) if part)
    return [number, township, village, project.code, project.name, nature, content, project.planned_start,
            project.planned_end, project.responsible_unit, Decimal(project.budget_fen) / WAN,
            project.beneficiaries, project.beneficiary_count, project.beneficiary_poverty_count,
            project.beneficiary_monitored_count, project.benefit_linkage, funding_text(planned),
            Decimal(sum(line.planned_fen for line in planned)) / WAN]


def write_library(projects: Iterable[Project], areas: Mapping[int, Area], stream: BinaryIO,
                  planned: Optional[Mapping[int, Sequence[PlannedLine]]] = None) -> None:
    """Write the library list as .xlsx, one sheet (`planned`: each project's planned funding by source)."""
    rows = [library_row(number, project, areas, (planned or {}).get(project.id, ()))
            for number, project in enumerate(projects, start=1)]
    write_xlsx(stream, [OutputSheet("项目库", HEADERS, rows, column_widths=WIDTHS)])
