"""The spreadsheet import checks every row, imports all or nothing, is idempotent, and round-trips the export."""
from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from audit.models import AuditEvent
from core.sheets.cells import CellError, amount_value, date_value, quantity_value
from extensions import db
from projects.imports import apply_import, guess_import_mapping, plan_import, read_import_file
from projects.imports.columns import MILESTONES, PROJECTS, guess_kind, guess_mapping
from projects.imports.exporting import template_workbook, write_projects
from projects.imports.values import AreaFinder, AreaRow
from projects.models import Milestone, Project, ProjectChange
from tests import factories
from tests.spreadsheet_builders import (
    MILESTONE_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    make_county,
    project_line,
    xlsx_bytes,
)

APPROVED = "已批复（双发改〔2026〕12号）"  # why an existing work is entered as approved

# --- pieces, without the app ---------------------------------------------------------------------


def test_chinese_and_english_headers_are_recognised():
    """A county sheet's usual headers, in either language, map to the right fields without help."""
    chinese = ["序号", "项目编码", "项目名称", "类别", "所在乡镇", "建设规模", "单位", "总投资(万元)", "计划开工",
               "计划完工时间", "实际开工日期", "项目状态", "业主单位", "承建单位", "备注", "变更原因"]
    assert guess_mapping(chinese) == {
        1: "code", 2: "name", 3: "category", 4: "township", 5: "scale_quantity", 6: "scale_unit", 7: "budget_wan",
        8: "planned_start", 9: "planned_end", 10: "actual_start", 11: "status", 12: "responsible_unit",
        13: "contractor", 14: "description", 15: "change_reason"}
    english = ["Project Code", "Name", "Category", "Township", "Village", "Budget (yuan)", "Planned start",
               "Planned End", "Status", "Contractor", "Description"]
    assert list(guess_mapping(english).values()) == [
        "code", "name", "category", "township", "area", "budget", "planned_start", "planned_end", "status",
        "contractor", "description"]
    assert guess_mapping(["编码", "预算（万元）", "Budget, 10k yuan"]) == {0: "code", 1: "budget_wan"}


def test_sheet_kind_is_guessed_from_headers_and_title():
    """Projects and milestones sheets are told apart; an unrelated sheet is neither."""
    assert guess_kind("Sheet1", PROJECT_HEADERS) == PROJECTS
    assert guess_kind("Sheet2", MILESTONE_HEADERS) == MILESTONES
    assert guess_kind("里程碑", ["项目编号", "序号", "名称", "计划日期"]) == MILESTONES
    assert guess_kind("填写说明", PROJECT_HEADERS) is None
    assert guess_kind("Sheet3", ["日期", "摘要", "金额"]) is None


@pytest.mark.parametrize("cell, expected", [
    (date(2026, 3, 1), date(2026, 3, 1)), ("2026-03-01", date(2026, 3, 1)), ("2026/3/1", date(2026, 3, 1)),
    ("2026.3.1", date(2026, 3, 1)), ("2026年3月1日", date(2026, 3, 1)), ("20260301", date(2026, 3, 1)),
    (20260301, date(2026, 3, 1)), ("２０２６年３月１日", date(2026, 3, 1)), (None, None), ("  ", None),
])
def test_dates_in_the_forms_clerks_write(cell, expected):
    """Date cells and the usual written forms of a date all read as the same date."""
    assert date_value(cell) == expected


@pytest.mark.parametrize("cell", ["2026-02-30", "3/1/2026", "2026年3月", "明年", 46082.0])
def test_what_is_not_a_date_is_refused(cell):
    """An impossible or ambiguous date is a problem, never a guess."""
    with pytest.raises(CellError):
        date_value(cell)


def test_a_well_written_day_that_does_not_exist_is_named():
    """30 February is written correctly but is no day: the message says which value, not 'wrong format'."""
    with pytest.raises(CellError) as refused:
        date_value("2027-2-30")
    assert str(refused.value.message) == "2027-2-30 is not a day of the calendar; write a date such as 2026-03-01."


@pytest.mark.parametrize("cell, unit, fen", [
    ("1,234.56", "yuan", 123456), ("１２３４．５", "yuan", 123450), (1234.56, "yuan", 123456),
    (0.1, "yuan", 10), (12.5, "wan", 12_500_000), ("12.5", "wan", 12_500_000), ("6080万", "yuan", 6_080_000_000),
    (Decimal("0.01"), "wan", 10_000), (3, "yuan", 300), ("¥99.9", "yuan", 9990),
])
def test_amounts_are_exact_fen(cell, unit, fen):
    """Text as in the forms and numeric cells (through Decimal(str(value))) give exact fen."""
    assert amount_value(cell, unit) == fen


@pytest.mark.parametrize("cell", ["-5", -5, "12.345", 0.001, "一百万", "1.2.3"])
def test_bad_amounts_are_refused(cell):
    """Negative, over-precise and malformed amounts are problems."""
    with pytest.raises(CellError):
        amount_value(cell)


def test_scale_may_carry_its_unit():
    """"12.5公里" is 12.5 with unit 公里; a plain number has no unit."""
    assert quantity_value("12.5公里") == (Decimal("12.5"), "公里")
    assert quantity_value(1200) == (Decimal("1200"), "")


def test_areas_by_code_name_or_pair():
    """An area is found by code or Chinese/English name, inside its township, or as "乡镇/村"."""
    finder = AreaFinder([AreaRow(1, "LB", "泷泊镇", "Longbo Town", None), AreaRow(2, "LB-YM", "阳明社区", "Yangming", 1),
                         AreaRow(3, "JC", "江村镇", "Jiangcun Town", None), AreaRow(4, "JC-YM", "阳明社区", "Yangming 2", 3)])
    assert finder.find("泷泊镇", "") == 1
    assert finder.find("", "longbo town") == 1
    assert finder.find("LB", "阳明社区") == 2
    assert finder.find("江村镇／阳明社区", None) == 4
    assert finder.find(None, "LB-YM") == 2
    with pytest.raises(CellError):
        finder.find("", "阳明社区")  # two of them: the township must say which
    with pytest.raises(CellError):
        finder.find("泷泊镇", "大塘村")


# --- the import, against a database ------------------------------------------------------------


def run_import(data: bytes, name: str = "projects.xlsx", actor=None):
    """Plan the file with the guessed mapping and, when it has no problem, apply and commit it."""
    sheets = read_import_file(data, name)
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name=name, sha256="x")
    if plan.ok:
        apply_import(plan, actor)
        db.session.commit()
    return plan


def audit_count() -> int:
    """How many audit events are stored."""
    return db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.mark.usefixtures("gates_lifted")
def test_template_round_trip(app):
    """The downloadable template, filled in like a clerk would, imports projects and milestones."""
    make_county()
    db.session.commit()
    stream = BytesIO()
    template_workbook(stream)
    workbook = load_workbook(BytesIO(stream.getvalue()))
    workbook["项目"].append(project_line("LB-2026-01", status="在建", budget="6,080万", reason=APPROVED))
    workbook["项目"].append(project_line("JC-2026-02", township="江村镇", area="", category="Bridge", status="approved",
                                        reason=APPROVED))
    workbook["节点"].append(["LB-2026-01", 1, "路基施工", "2026-06-30", 2_000_000, 40, ""])
    filled = BytesIO()
    workbook.save(filled)
    plan = run_import(filled.getvalue())
    assert plan.problems == [] and plan.counts()["projects"]["new"] == 2
    road = db.session.scalar(select(Project).where(Project.code == "LB-2026-01"))
    assert (road.status, road.budget_fen, road.area.code, road.scale_unit) == (
        "in_progress", 6_080_000_000, "LB-YM", "公里")
    assert [(m.sequence, m.name, m.planned_cost_fen, m.progress_pct) for m in road.milestones] == [
        (1, "路基施工", 200_000_000, 40)]
    bridge = db.session.scalar(select(Project).where(Project.code == "JC-2026-02"))
    assert (bridge.category, bridge.status, bridge.area.code) == ("bridge", "approved", "JC")


def _stored_projects():
    county = make_county()
    first = factories.make_project(county["LB-YM"], code="R-001", name="=HYPERLINK(\"http://x\",\"y\")",
                                   scale_quantity=Decimal("12.500"), scale_unit="km", description="-老路改造\n二期",
                                   budget_fen=123_456_789)
    factories.make_milestone(first, sequence=1, planned_cost_fen=50_000_000, progress_pct=30)
    factories.make_project(county["JC"], code="R-002", status="proposed", planned_start=None, planned_end=None,
                           contractor="@承建公司", budget_fen=0)
    db.session.commit()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(app, fmt):
    """An export re-imports as all unchanged: no write, no audit event, formula text restored exactly."""
    _stored_projects()
    stream = BytesIO()
    write_projects(db.session.scalars(select(Project).order_by(Project.code)).all(), stream, fmt)
    before = audit_count()
    plan = run_import(stream.getvalue(), f"export.{fmt}")
    assert plan.problems == []
    assert plan.counts()["projects"] == {"new": 0, "changed": 0, "unchanged": 2}
    assert plan.milestones == [] if fmt == "csv" else plan.counts()["milestones"]["unchanged"] == 1
    assert audit_count() == before
    assert plan.projects[0].data.name == "=HYPERLINK(\"http://x\",\"y\")"


def test_export_neutralises_formulas(app):
    """A project name that is a formula is exported as inert text, in xlsx and CSV."""
    _stored_projects()
    projects = db.session.scalars(select(Project).order_by(Project.code)).all()
    xlsx, text = BytesIO(), BytesIO()
    write_projects(projects, xlsx, "xlsx")
    write_projects(projects, text, "csv")
    cell = load_workbook(BytesIO(xlsx.getvalue()))["项目"]["B2"]
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert load_workbook(BytesIO(xlsx.getvalue()))["项目"]["H2"].value == 1234567.89
    assert "'=HYPERLINK" in text.getvalue().decode("utf-8-sig") and ",'@承建公司," in text.getvalue().decode("utf-8-sig")


@pytest.mark.usefixtures("gates_lifted")
def test_values_as_code_or_label_in_either_language(app):
    """Category and status read as code, Chinese label or English label; areas as code or either name."""
    make_county()
    rows = [PROJECT_HEADERS,
            project_line("A1", category="road", status="in_progress", township="LB", area="LB-YM", reason=APPROVED),
            project_line("A2", category="道路", status="在建", township="泷泊镇", area="", reason=APPROVED),
            project_line("A3", category="Broadband / telecom", status="In progress", township="Jiangcun Town",
                         area="Datang Village", reason=APPROVED)]
    plan = run_import(csv_bytes(rows, "gb18030"), "清单.csv")
    assert plan.problems == []
    stored = {p.code: (p.category, p.status, p.area.code) for p in db.session.scalars(select(Project))}
    assert stored == {"A1": ("road", "in_progress", "LB-YM"), "A2": ("road", "in_progress", "LB"),
                      "A3": ("telecom", "in_progress", "JC-DT")}


def test_wan_column_and_full_width_digits(app):
    """A header saying 万元 puts the column in 万元; full-width digits read as digits."""
    make_county()
    headers = [h.replace("总投资（元）", "总投资（万元）") for h in PROJECT_HEADERS]
    rows = [headers, project_line("W1", budget=12.5), project_line("W2", budget="１２３４．５６")]
    assert run_import(csv_bytes(rows, "utf-8-sig"), "w.csv").problems == []
    budgets = dict(db.session.execute(select(Project.code, Project.budget_fen)).all())
    assert budgets == {"W1": 12_500_000, "W2": 1_234_560_000}


def test_one_bad_row_stops_everything_and_every_problem_is_reported(app):
    """Nothing is stored; each problem names the spreadsheet's row (header = row 1) and column."""
    make_county()
    factories.make_project(code="OLD-1")
    db.session.commit()
    projects = [PROJECT_HEADERS, project_line("G1"), [None] * len(PROJECT_HEADERS),
                project_line("B1", township="火星镇", budget="-5"),
                project_line("B2", planned_start="2026/12/31", planned_end="2026年1月1日", category="飞机"),
                project_line("G1", name="")]
    milestones = [MILESTONE_HEADERS, ["G1", 1, "路基", "2026-06-30", 100, 0, ""],
                  ["NOPE-9", 1, "路基", "2026-06-30", 100, 0, ""], ["G1", 2, "", "someday", "", 150, ""]]
    before = (audit_count(), db.session.scalar(select(func.count(Project.id))))
    plan = run_import(xlsx_bytes(("项目", projects), ("里程碑", milestones)))
    found = [(p.sheet, p.row, p.column) for p in plan.problems]
    assert found == [("项目", 4, "乡镇"), ("项目", 4, "总投资（元）"), ("项目", 5, "项目类别"), ("项目", 5, "计划完工日期"),
                     ("项目", 6, "项目编号"), ("项目", 6, "项目名称"), ("里程碑", 3, "项目编号"), ("里程碑", 4, "节点名称"),
                     ("里程碑", 4, "计划完成日期"), ("里程碑", 4, "计划投资（元）"), ("里程碑", 4, "完成进度（%）")]
    assert str(plan.problems[4].message) == "The code G1 is also on row 2."
    assert (audit_count(), db.session.scalar(select(func.count(Project.id)))) == before


@pytest.mark.usefixtures("gates_lifted")
def test_reimport_is_idempotent(app):
    """The same file twice: the second time every row is unchanged and no audit event is written."""
    make_county()
    data = xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("I1", status="在建", reason=APPROVED), project_line("I2")]),
                      ("里程碑", [MILESTONE_HEADERS, ["I1", 1, "路基", "2026-06-30", "10万", 50, ""]]))
    first = run_import(data)
    assert first.counts() == {"projects": {"new": 2, "changed": 0, "unchanged": 0},
                              "milestones": {"new": 1, "changed": 0, "unchanged": 0}}
    events = audit_count()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "project.import")) == 1
    second = run_import(data)
    assert second.counts() == {"projects": {"new": 0, "changed": 0, "unchanged": 2},
                               "milestones": {"new": 0, "changed": 0, "unchanged": 1}}
    assert audit_count() == events


def test_approved_plan_change_needs_a_reason(app):
    """Changing an approved project's budget without a reason is a problem; with one it is recorded."""
    county = make_county()
    factories.make_project(county["LB-YM"], code="C1", status="approved", budget_fen=100_000_000)
    db.session.commit()
    line = project_line("C1", status="已立项", budget="1200000")
    plan = run_import(csv_bytes([PROJECT_HEADERS, line]), "c.csv")
    assert [(p.row, p.column) for p in plan.problems] == [(2, "变更原因")]
    line[-1] = "追加桥涵工程"
    plan = run_import(csv_bytes([PROJECT_HEADERS, line]), "c.csv")
    assert plan.problems == [] and plan.counts()["projects"]["changed"] == 1
    change = db.session.scalar(select(ProjectChange).where(ProjectChange.field == "budget_fen"))
    assert (change.new_value, change.reason) == ("120000000", "追加桥涵工程")


def test_status_moves_follow_the_lifecycle(app):
    """An impossible status move is a problem; an allowed one is made, finishing milestones first."""
    county = make_county()
    project = factories.make_project(county["LB"], code="S1", status="proposed", planned_start=None, planned_end=None)
    done = factories.make_project(county["LB"], code="S2", status="in_progress")
    factories.make_milestone(done, sequence=1, planned_cost_fen=100, progress_pct=50)
    db.session.commit()
    bad = run_import(csv_bytes([PROJECT_HEADERS, project_line("S1", township="泷泊镇", area="", status="已完工",
                                                              planned_start=None, planned_end=None)]), "s.csv")
    assert [(p.row, p.column) for p in bad.problems] == [(2, "项目状态")]
    assert project.status == "proposed"
    rows = [project_line("S2", township="泷泊镇", area="", status="completed", budget="1000000",
                         planned_start="2026-01-01", planned_end="2026-12-31")]
    good = run_import(xlsx_bytes(("项目", [PROJECT_HEADERS] + rows),
                                 ("里程碑", [MILESTONE_HEADERS, ["S2", 1, "路基施工", "2026-06-30", 1, 100, ""]])))
    assert good.problems == []
    db.session.refresh(done)
    assert done.status == "completed" and done.milestones[0].progress_pct == 100


def test_title_row_above_the_header_is_skipped(app):
    """A sheet with a title row on top still finds its header, and rows keep their numbers."""
    make_county()
    rows = [["双牌县2026年重点项目表"], PROJECT_HEADERS, project_line("T1", name="")]
    plan = run_import(xlsx_bytes(("Sheet1", rows)))
    assert [(p.row, p.column) for p in plan.problems] == [(3, "项目名称")]


def test_cli_dry_run_and_exit_codes(app, runner, tmp_path):
    """--dry-run stores nothing; problems exit 1 listing each row and column; a good file exits 0."""
    make_county()
    db.session.commit()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.xlsx"
    good.write_bytes(csv_bytes([PROJECT_HEADERS, project_line("K1"), project_line("K2")], "gb18030"))
    bad.write_bytes(csv_bytes([PROJECT_HEADERS, project_line("K3", budget="abc"), project_line("K4", category="?")]))
    result = runner.invoke(args=["projects", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "2 new" in result.output
    assert db.session.scalar(select(func.count(Project.id))) == 0
    result = runner.invoke(args=["projects", "import", str(bad)])
    assert result.exit_code == 1
    assert "row 2, column 总投资（元）:" in result.output and "row 3, column 项目类别:" in result.output
    assert db.session.scalar(select(func.count(Project.id))) == 0
    result = runner.invoke(args=["projects", "import", str(good)])
    assert result.exit_code == 0 and "2 new" in result.output
    assert db.session.scalar(select(func.count(Project.id))) == 2


def test_cli_refuses_a_file_that_holds_no_table(app, runner, tmp_path):
    """`projects import hello.txt` exits 1 saying the file holds no table."""
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello")
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 1 and "This file holds no table" in result.output


def test_cli_export_then_import(app, runner, tmp_path):
    """`projects export` writes .xlsx or .csv by extension and the file re-imports unchanged."""
    _stored_projects()
    for name in ("all.xlsx", "all.csv"):
        result = runner.invoke(args=["projects", "export", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["projects", "import", str(tmp_path / name)])
        assert result.exit_code == 0 and "0 new, 0 changed, 2 unchanged" in result.output, result.output
    assert runner.invoke(args=["projects", "export", str(tmp_path / "all.pdf")]).exit_code == 2
    (tmp_path / "junk.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = runner.invoke(args=["projects", "import", str(tmp_path / "junk.xlsx")])
    assert result.exit_code == 1 and "neither" in result.output
    assert db.session.scalar(select(func.count(Milestone.id))) == 1


def test_a_bad_project_row_does_not_also_fail_its_milestones(app):
    """A milestone of a project whose own row is wrong is not reported again as 'no such project'."""
    make_county()
    plan = run_import(xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("Q1", budget="x")]),
                                 ("里程碑", [MILESTONE_HEADERS, ["Q1", 1, "路基", "2026-06-30", 100, 0, ""]])))
    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [("项目", 2, "总投资（元）")]


@pytest.mark.usefixtures("gates_lifted")
def test_new_accepted_project_keeps_its_finished_milestones(app):
    """A finished project is created approved (with its reason), given its milestones, then moved along its
    lifecycle to accepted."""
    make_county()
    plan = run_import(xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("H1", status="已验收", reason=APPROVED)]),
                                 ("里程碑", [MILESTONE_HEADERS, ["H1", 1, "竣工", "2025-06-30", 100, 100, ""]])))
    assert plan.problems == []
    project = db.session.scalar(select(Project).where(Project.code == "H1"))
    assert project.status == "accepted" and project.milestones[0].progress_pct == 100


def test_a_partial_sheet_updates_only_its_columns(app):
    """A sheet of codes and statuses moves stored projects and keeps the rest; a new code there lacks columns."""
    county = make_county()
    factories.make_project(county["LB"], code="U1", status="approved", contractor="老承建商")
    db.session.commit()
    plan = run_import(csv_bytes([["项目编号", "项目状态"], ["U1", "在建"]]), "u.csv")
    assert plan.problems == [] and plan.counts()["projects"]["changed"] == 1
    project = db.session.scalar(select(Project).where(Project.code == "U1"))
    assert (project.status, project.contractor) == ("in_progress", "老承建商")
    plan = run_import(csv_bytes([["项目编号", "项目状态"], ["U2", "在建"]]), "u.csv")
    assert {str(p.message) for p in plan.problems} == {
        "New rows need a column for Project name.", "New rows need a column for Category.",
        "New rows need a column for Budget (yuan).", "New rows need a column for Township.",
        "A project entered as already approved needs the reason, e.g. its approval document."}


@pytest.mark.skipif(not os.environ.get("LIANDONG_BENCH"), reason="set LIANDONG_BENCH=1 to time a 5,000-row import")
def test_five_thousand_projects_import_in_under_15_seconds(app):
    """A 5,000-project workbook (with 1,000 milestones) is read, checked and stored in under 15 s."""
    make_county()
    db.session.commit()
    projects = [PROJECT_HEADERS] + [project_line(f"B-{i:05d}", status="在建", reason=APPROVED) for i in range(5000)]
    milestones = [MILESTONE_HEADERS] + [[f"B-{i:05d}", 1, "路基", "2026-06-30", 1000, 10, ""] for i in range(1000)]
    data = xlsx_bytes(("项目", projects), ("里程碑", milestones))
    started = time.perf_counter()
    plan = run_import(data)
    elapsed = time.perf_counter() - started
    assert plan.ok and plan.counts()["projects"]["new"] == 5000
    assert elapsed < 15, f"{elapsed:.1f} s"
