"""Builders for spreadsheet files in tests: .xlsx through openpyxl, CSV in a chosen encoding, a demo county."""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Sequence

from openpyxl import Workbook

from extensions import db
from projects.models import Area

PROJECT_HEADERS = ["项目编号", "项目名称", "项目类别", "乡镇", "村（社区）", "建设规模", "规模单位", "总投资（元）",
                   "计划开工日期", "计划完工日期", "实际开工日期", "实际完工日期", "项目状态", "责任单位", "施工单位",
                   "建设内容", "变更原因"]
MILESTONE_HEADERS = ["项目编号", "节点序号", "节点名称", "计划完成日期", "计划投资（元）", "完成进度（%）", "变更原因"]


def xlsx_bytes(*sheets: tuple[str, Sequence[Sequence]]) -> bytes:
    """An .xlsx with one (title, rows) per sheet, the first row being the header."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv_bytes(rows: Sequence[Sequence], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    """CSV text of `rows` in `encoding` (gb18030 as Chinese Excel saves it, utf-8-sig with a BOM)."""
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if value is None else value for value in row] for row in rows])
    return text.getvalue().encode(encoding)


def project_line(code: str, **values) -> list:
    """A row under PROJECT_HEADERS: a proposed road in 泷泊镇 阳明社区 unless told otherwise."""
    row = dict(name=f"道路{code}", category="道路", township="泷泊镇", area="阳明社区", scale=12.5, unit="公里",
               budget="1000000", planned_start=date(2026, 3, 1), planned_end=date(2026, 12, 31), actual_start=None,
               actual_end=None, status="拟建", responsible_unit="县交通运输局", contractor="", description="", reason="")
    row.update(values)
    return [code] + list(row.values())


def make_county() -> dict[str, Area]:
    """Two towns with a village each (real names of Shuangpai county), keyed by code."""
    areas = {}
    for code, zh, en, kind, parent in (("LB", "泷泊镇", "Longbo Town", "town", None),
                                       ("LB-YM", "阳明社区", "Yangming Community", "community", "LB"),
                                       ("JC", "江村镇", "Jiangcun Town", "town", None),
                                       ("JC-DT", "大塘村", "Datang Village", "village", "JC"),
                                       ("JC-YM", "阳明村", "Yangming Village", "village", "JC")):
        areas[code] = Area(code=code, name_zh=zh, name_en=en, kind=kind,
                           parent_id=areas[parent].id if parent else None)
        db.session.add(areas[code])
        db.session.flush()
    return areas
