"""Builders for spreadsheet files in tests: .xlsx through openpyxl or part by part from XML, CSV in a
chosen encoding, a demo county."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Optional
from xml.sax.saxutils import escape

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


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."


def worksheet_xml(sheet_data: str, prefix: str = "") -> str:
    """A worksheet part around the given <sheetData> content (rows), optionally with prefixed names."""
    declaration = f'xmlns:{prefix[:-1]}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{prefix}worksheet {declaration}>'
            f"<{prefix}sheetData>{sheet_data}</{prefix}sheetData></{prefix}worksheet>")


def shared_strings_xml(items: Sequence[str], unique_count: Optional[int] = None) -> str:
    """A sharedStrings part; each item is the XML inside one <si> (such as <t>text</t> or rich runs)."""
    count = len(items) if unique_count is None else unique_count
    return (f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'
            + "".join(f"<si>{item}</si>" for item in items) + "</sst>")


def styles_xml(number_formats: Sequence[int], custom: Optional[dict] = None) -> str:
    """A styles part whose cellXfs have the given number format ids (style s="i" is the i-th), with
    custom formats {id: code}; cellStyleXfs holds a date format that must not count."""
    custom = custom or {}
    formats = "".join(f'<numFmt numFmtId="{key}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
                      for key, code in custom.items())
    xfs = "".join(f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="0" xfId="0"/>' for number in number_formats)
    return (f'<styleSheet xmlns="{MAIN}"><numFmts count="{len(custom)}">{formats}</numFmts>'
            '<cellStyleXfs count="1"><xf numFmtId="22" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(number_formats)}">{xfs}</cellXfs></styleSheet>')


def xlsx_from_parts(sheets: Sequence[tuple[str, str]], shared_strings: Optional[str] = None,
                    styles: Optional[str] = None, date1904: bool = False, replace: Optional[dict] = None,
                    compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An .xlsx written part by part: (title, worksheet XML) per sheet, optional shared strings and
    styles; `replace` swaps any part's content (or adds a part) as it is stored."""
    count = len(sheets)
    overrides = [("/xl/workbook.xml", "sheet.main+xml")] + [
        (f"/xl/worksheets/sheet{n}.xml", "worksheet+xml") for n in range(1, count + 1)]
    relations = [f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                 for n in range(1, count + 1)]
    parts = {}
    for name, content, kind in (("xl/sharedStrings.xml", shared_strings, "sharedStrings"),
                                ("xl/styles.xml", styles, "styles")):
        if content is not None:
            parts[name] = content
            overrides.append((f"/{name}", f"{kind}+xml"))
            relations.append(f'<Relationship Id="r{kind}" Type="{RELATIONSHIPS}/{kind}" Target="{name[3:]}"/>')
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{CONTENT_TYPE}{kind}"/>' for name, kind in overrides)
        + "</Types>")
    parts["_rels/.rels"] = (f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
                            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = (f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{"".join(relations)}'
                                           "</Relationships>")
    sheet_list = "".join(f'<sheet name="{escape(title)}" sheetId="{n}" r:id="rId{n}"/>'
                         for n, (title, _xml) in enumerate(sheets, start=1))
    parts["xl/workbook.xml"] = (f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
                                f'<workbookPr date1904="{int(date1904)}"/><sheets>{sheet_list}</sheets></workbook>')
    for n, (_title, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
    parts.update(replace or {})
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
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
