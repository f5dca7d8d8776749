"""The project spreadsheet carries contracts, the library entry and performance targets both ways: an
export imported into an empty database exports the same again; a county sheet's contract columns register
the contractor and the contract; every bad cell is refused naming its row and column, nothing stored."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from audit.models import AuditEvent
from contracts import uscc
from contracts.contract_services import ContractInput, add_variation, create_contract
from contracts.models import Contract, ContractMilestone, Contractor, ContractVariation
from contracts.services import ContractorInput, register_contractor
from core.sheets.cells import CellError
from extensions import db
from funds.ledger import services as ledger
from projects.imports import apply_import, fully_recognised, guess_import_mapping, plan_import, read_import_file
from projects.imports.contract_rows import retention_value
from projects.imports.exporting import write_projects
from projects.imports.targets import comparison_value
from projects.models import Milestone, ProgressUpdate, Project, ProjectChange
from projects.targets.models import Target
from tests import factories
from tests.spreadsheet_builders import PROJECT_HEADERS, make_county, project_line, xlsx_bytes

APPROVED = "已批复（双发改〔2026〕12号）"
TARGET_HEADERS = ["项目编号", "指标层级", "指标类别", "指标名称", "比较", "目标值", "单位", "实际值", "实际值日期"]
CONTRACT_HEADERS = ["项目编号", "合同编号", "承包单位", "统一社会信用代码", "合同类别", "采购方式", "签订日期",
                    "合同金额（元）", "质保金比例（%）", "缺陷责任期（月）", "变更原因"]

# These rows bring in existing works (in progress, with contracts): the library's gates on entering a
# project past proposal have their own tests (tests/test_entry_gates.py); here, the sheet's mechanics.
pytestmark = pytest.mark.usefixtures("gates_lifted")


def code(serial: str) -> str:
    """A valid unified social credit code ending in the check character of `serial` (17 characters)."""
    return serial + uscc.check_character(serial)


ROAD_CO, BRIDGE_CO = code("91431100MA4L00001"), code("91431100MA4L00002")


def run_import(data: bytes, name: str = "projects.xlsx"):
    """Plan the file with the guessed mapping and, when it has no problem, apply and commit it."""
    sheets = read_import_file(data, name)
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name=name, sha256="x")
    if plan.ok:
        apply_import(plan)
        db.session.commit()
    return plan


def problems(plan) -> list[tuple[str, int, str, str]]:
    """(sheet, row, column, message) of each problem."""
    return [(p.sheet, p.row, p.column, str(p.message)) for p in plan.problems]


def count(model) -> int:
    """How many rows `model`'s table holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def _county_records():
    """Two projects as a county keeps them: library entry, milestones, indicators (one measured), a contract
    varied once and a contract with retention, a contractor carried over without a credit code."""
    county = make_county()
    road = factories.make_project(county["LB-YM"], code="R-001", name="阳明社区道路硬化", budget_fen=300_000_000,
                                  nature="rebuild", beneficiaries="阳明社区居民", beneficiary_count=1200,
                                  beneficiary_poverty_count=86, beneficiary_monitored_count=9,
                                  benefit_linkage="务工带动：优先聘用脱贫劳动力", library_year=2026,
                                  responsible_unit="县交通运输局", description="硬化道路 2.4 公里",
                                  actual_start=date(2026, 3, 10), progress_bp=6000)
    factories.make_milestone(road, sequence=1, name="路基", planned_cost_fen=100_000_000, progress_pct=60)
    factories.make_target(road)
    factories.make_target(road, tier="satisfaction", category="beneficiary", name="群众满意度", unit="%",
                          target_value=Decimal("90"), actual_value=Decimal("93.5"), actual_on=date(2026, 10, 8))
    bridge = factories.make_project(county["JC-DT"], code="B-002", name="大塘村便民桥", category="bridge",
                                    status="proposed", budget_fen=80_000_000, nature="new")
    factories.make_target(bridge, tier="benefit", category="social", name="受益群众", unit="人", comparison="ge",
                          target_value=Decimal("350"))
    road_co = register_contractor(ContractorInput(name="永州市路桥建设有限公司", uscc=ROAD_CO))
    bridge_co = register_contractor(ContractorInput(name="双牌县桥梁工程有限公司", uscc=BRIDGE_CO))
    works = create_contract(ContractInput(contract_no="SP-2026-001", project_id=road.id, contractor_id=road_co.id,
                                          subject="works", method="public_tender", signed_on=date(2026, 3, 5),
                                          value_fen=250_000_000, retention_bp=300, defects_liability_months=24))
    add_variation(works, delta_fen=-12_000_000, reason="设计变更：取消一座涵洞", varied_on=date(2026, 6, 1))
    create_contract(ContractInput(contract_no="SP-2026-002", project_id=road.id, contractor_id=bridge_co.id,
                                  subject="supervision", method="small_direct", signed_on=date(2026, 3, 8),
                                  value_fen=4_500_000))
    create_contract(ContractInput(contract_no="SP-2026-003", project_id=bridge.id, contractor_id=bridge_co.id,
                                  subject="works", method="competitive_consultation", signed_on=date(2026, 4, 1),
                                  value_fen=70_000_000, retention_bp=250))
    db.session.commit()


def _export(fmt: str = "xlsx") -> bytes:
    stream = BytesIO()
    write_projects(db.session.scalars(select(Project).order_by(Project.code)).all(), stream, fmt)
    return stream.getvalue()


def _cells(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _empty_the_database() -> None:
    for model in (Target, ContractVariation, ContractMilestone, Contract, Contractor, ProgressUpdate, ProjectChange,
                  Milestone, Project):
        db.session.execute(delete(model))
    db.session.commit()


def test_export_into_an_empty_database_and_out_again_is_identical(app):
    """The county's records exported, imported into an empty database (the clerk giving the approval the
    existing works were entered on) and exported again give the same workbook: library entry, indicators
    with their actual values, contracts at their current value with contractor, code and retention."""
    _county_records()
    first = _export()
    cells = _cells(first)
    assert cells["合同"][1:] == [
        ["B-002", "SP-2026-003", "双牌县桥梁工程有限公司", BRIDGE_CO, "工程", "竞争性磋商", cells["合同"][1][6], 700000,
         2.5, 0, None],
        ["R-001", "SP-2026-001", "永州市路桥建设有限公司", ROAD_CO, "工程", "公开招标", cells["合同"][2][6], 2380000, 3,
         24, None],
        ["R-001", "SP-2026-002", "双牌县桥梁工程有限公司", BRIDGE_CO, "监理", "小额直接采购", cells["合同"][3][6], 45000,
         0, 0, None]]
    assert [row[:7] for row in cells["绩效指标"][1:]] == [
        ["B-002", "效益指标", "社会效益指标", "受益群众", "≥", "350", "人"],
        ["R-001", "产出指标", "数量指标", "硬化道路长度", "≥", "2.4", "公里"],
        ["R-001", "满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"]]
    book = load_workbook(BytesIO(first))
    reason_column = [cell.value for cell in book["项目"][1]].index("变更原因") + 1
    for row in range(2, book["项目"].max_row + 1):
        book["项目"].cell(row=row, column=reason_column, value=APPROVED)
    filled = BytesIO()
    book.save(filled)
    _empty_the_database()

    plan = run_import(filled.getvalue(), "records.xlsx")

    assert problems(plan) == []
    assert plan.counts() == {"projects": {"new": 2, "changed": 0, "unchanged": 0},
                             "milestones": {"new": 1, "changed": 0, "unchanged": 0},
                             "targets": {"new": 3, "changed": 0, "unchanged": 0},
                             "contracts": {"new": 3, "changed": 0, "unchanged": 0}}
    again = _cells(_export())
    for title, rows in cells.items():
        for first_row, second_row in zip(rows, again[title], strict=True):
            assert [(rows[0][i], a, b) for i, (a, b) in enumerate(zip(first_row, second_row)) if a != b] == []
    assert again == cells
    road = db.session.scalar(select(Project).where(Project.code == "R-001"))
    assert (road.nature, road.beneficiary_count, road.beneficiary_poverty_count, road.library_year) == (
        "rebuild", 1200, 86, 2026)
    assert count(Contractor) == 2


def test_reimporting_the_export_changes_nothing(app):
    """The export read back into the database it came from: every project, indicator and contract unchanged,
    no audit event written."""
    _county_records()
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    plan = run_import(_export(), "export.xlsx")
    assert problems(plan) == []
    assert plan.counts()["targets"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert plan.counts()["contracts"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_english_headers_read_the_library_and_the_indicators(app):
    """A sheet headed in English gives the library entry and the indicators, a new indicator on a proposal."""
    make_county()
    db.session.commit()
    headers = ["Project code", "Project name", "Category", "Township", "Village / community", "Budget (yuan)",
               "Nature of construction", "Beneficiaries", "People benefiting", "Of whom poverty-alleviated",
               "Benefit-linkage mechanism"]
    data = xlsx_bytes(
        ("Projects", [headers, ["E-1", "村道", "road", "江村镇", "大塘村", 500000, "Expansion", "villagers", 300, 20,
                                "wages for local workers"]]),
        ("Performance targets", [["Project code", "Tier", "Indicator category", "Indicator", "Comparison",
                                  "Target value", "Unit"], ["E-1", "output", "Quantity", "road length", ">=", 1.2,
                                                            "km"]]))
    plan = run_import(data)
    assert problems(plan) == []
    project = db.session.scalar(select(Project).where(Project.code == "E-1"))
    assert (project.nature, project.beneficiaries, project.beneficiary_count, project.beneficiary_poverty_count,
            project.benefit_linkage) == ("expansion", "villagers", 300, 20, "wages for local workers")
    target = db.session.scalars(select(Target)).one()
    assert (target.tier, target.category, target.name, target.comparison, target.target_value, target.unit) == (
        "output", "quantity", "road length", "ge", Decimal("1.2"), "km")


def test_bad_indicators_are_refused_naming_row_and_column_nothing_stored(app):
    """An unknown tier, a missing unit, a category of another tier and a target that is no number are each
    refused on their row and column; nothing of the file is stored."""
    make_county()
    db.session.commit()
    data = xlsx_bytes(
        ("项目", [PROJECT_HEADERS, project_line("T-1")]),
        ("绩效指标", [TARGET_HEADERS,
                     ["T-1", "过程指标", "数量指标", "长度", "≥", 2, "公里", None, None],
                     ["T-1", "产出指标", "数量指标", "宽度", "≥", 4.5, None, None, None],
                     ["T-1", "产出指标", "社会效益", "户数", "≥", 30, "户", None, None],
                     ["T-1", "效益指标", "经济效益", "增收", "≥", "很多", "元", None, None]]))
    plan = run_import(data)
    found = problems(plan)
    assert [(sheet, row, column) for sheet, row, column, _ in found] == [
        ("绩效指标", 2, "指标层级"), ("绩效指标", 3, "单位"), ("绩效指标", 4, "指标类别"), ("绩效指标", 5, "目标值")]
    assert "过程指标" in found[0][3]
    assert (count(Project), count(Target)) == (0, 0)


def test_a_stated_target_is_not_restated_but_its_actual_value_is_recorded(app):
    """On a stored project an indicator's actual value is recorded (audited); restating its target is refused."""
    county = make_county()
    project = factories.make_project(county["LB-YM"], code="S-1")
    target = factories.make_target(project)
    db.session.commit()
    row = ["S-1", "产出指标", "数量指标", "硬化道路长度", "≥", "2.4", "公里", "2.6", date(2026, 11, 20)]
    plan = run_import(xlsx_bytes(("绩效指标", [TARGET_HEADERS, row])))
    assert problems(plan) == [] and plan.counts()["targets"]["changed"] == 1
    db.session.refresh(target)
    assert (target.actual_value, target.actual_on) == (Decimal("2.6"), date(2026, 11, 20))
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "project.import"
    restated = run_import(xlsx_bytes(("绩效指标", [TARGET_HEADERS, row[:5] + ["3", "公里", None, None]])))
    assert [(p[1], p[2]) for p in problems(restated)] == [(2, "目标值")]


def test_a_county_sheet_with_contract_columns_registers_contractor_and_contract(app):
    """A project row carrying 合同编号, 统一社会信用代码, 合同金额（万元）, 采购方式, 签订日期 and 质保金比例 registers
    the contractor (the 施工单位 column) and the contract on the project, each audited."""
    make_county()
    db.session.commit()
    headers = PROJECT_HEADERS + ["合同编号", "统一社会信用代码", "合同金额（万元）", "采购方式", "签订日期", "质保金比例"]
    line = project_line("C-1", status="在建", reason=APPROVED, contractor="双牌县通达建筑有限公司")
    plan = run_import(xlsx_bytes(("项目", [headers, line + ["SPHT-2026-07", ROAD_CO.lower(), "96.5", "公开招标",
                                                          "2026年3月2日", "3%"]])))
    assert problems(plan) == []
    contract = db.session.scalars(select(Contract)).one()
    assert (contract.contract_no, contract.contractor.name, contract.contractor.uscc, contract.value_fen,
            contract.method, contract.subject, contract.signed_on, contract.retention_bp) == (
        "SPHT-2026-07", "双牌县通达建筑有限公司", ROAD_CO, 96_500_000, "public_tender", "works", date(2026, 3, 2), 300)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"contractor.create", "contract.create", "project.import"} <= actions


def test_a_bad_credit_code_is_refused_naming_row_and_column_nothing_stored(app):
    """A credit code whose check character is wrong is refused on its row and column; neither the project,
    the contractor nor the contract is stored."""
    make_county()
    db.session.commit()
    wrong = ROAD_CO[:17] + ("0" if ROAD_CO[17] != "0" else "1")
    headers = PROJECT_HEADERS + ["合同编号", "统一社会信用代码", "合同金额（元）", "采购方式", "签订日期"]
    plan = run_import(xlsx_bytes(("项目", [headers, project_line("C-2", contractor="某建设公司") + [
        "HT-1", wrong, 100000, "公开招标", date(2026, 3, 2)]])))
    assert [(p[1], p[2]) for p in problems(plan)] == [(2, "统一社会信用代码")]
    assert "check character" in problems(plan)[0][3]
    assert (count(Project), count(Contractor), count(Contract)) == (0, 0, 0)


def test_a_new_contractor_without_a_code_and_a_contract_without_method_are_refused(app):
    """On a contracts sheet, a contractor not registered needs its code and a new contract its method."""
    county = make_county()
    factories.make_project(county["LB-YM"], code="P-9")
    db.session.commit()
    plan = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS,
                                          ["P-9", "HT-9", "新公司", None, None, None, date(2026, 3, 1), 5000, None, None,
                                           None]])))
    assert sorted((p[1], p[2]) for p in problems(plan)) == [(2, "统一社会信用代码"), (2, "采购方式")]
    assert count(Contract) == 0


def _paid_contract():
    """A contract of 1,000,000 yuan at 3% retention on which 900,000 yuan is paid."""
    county = make_county()
    source = factories.make_source(received_fen=500_000_000)
    project = factories.make_project(county["LB-YM"], code="P-1")
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=300_000_000, entry_date=date(2025, 1, 2))
    contractor = register_contractor(ContractorInput(name="合同支付测试公司", uscc=ROAD_CO))
    contract = create_contract(ContractInput(contract_no="PAY-1", project_id=project.id, contractor_id=contractor.id,
                                             subject="works", method="public_tender", signed_on=date(2025, 1, 5),
                                             value_fen=100_000_000, retention_bp=300))
    ledger.record_payment(source, project, milestone, voucher_no="V-1", payee="合同支付测试公司",
                          paid_on=date(2026, 2, 1), amount_fen=90_000_000, cost_category="materials",
                          contract_id=contract.id)
    db.session.commit()
    return contract


def _contract_line(value, reason=None):
    return ["P-1", "PAY-1", "合同支付测试公司", ROAD_CO, "工程", "公开招标", date(2025, 1, 5), value, 3, 0, reason]


def test_a_contract_value_below_what_is_paid_is_refused_nothing_stored(app):
    """A row lowering a contract's value below what is already paid under it is refused on its value column,
    even with a reason; the value stays."""
    contract = _paid_contract()
    plan = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS, _contract_line(800000, "核减")])))
    assert [(p[1], p[2]) for p in problems(plan)] == [(2, "合同金额（元）")]
    assert "already paid" in problems(plan)[0][3]
    db.session.refresh(contract)
    assert (contract.value_fen, count(ContractVariation)) == (100_000_000, 0)


def test_a_new_contract_value_is_a_variation_that_needs_its_reason(app):
    """A different value without a reason is refused on the reason column; with one it is a variation,
    keeping the value before and after."""
    contract = _paid_contract()
    refused = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS, _contract_line(1100000)])))
    assert [(p[1], p[2]) for p in problems(refused)] == [(2, "变更原因")]
    plan = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS, _contract_line("1,100,000", "增加排水沟")])))
    assert problems(plan) == [] and plan.counts()["contracts"]["changed"] == 1
    variation = db.session.scalars(select(ContractVariation)).one()
    assert (variation.value_before_fen, variation.value_after_fen, variation.reason) == (
        100_000_000, 110_000_000, "增加排水沟")
    db.session.refresh(contract)
    assert contract.value_fen == 110_000_000


def test_a_contract_on_another_project_or_with_another_contractor_is_refused(app):
    """A stored contract named on another project, or with another contractor, is refused naming the column."""
    _paid_contract()
    other = register_contractor(ContractorInput(name="别家公司", uscc=BRIDGE_CO))
    factories.make_project(code="P-2")
    db.session.commit()
    line = _contract_line(1000000)
    moved = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS, ["P-2", *line[1:]]])))
    assert [(p[1], p[2], "P-1" in p[3]) for p in problems(moved)] == [(2, "合同编号", True)]
    switched = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS, [*line[:2], other.name, other.uscc, *line[4:]]])))
    assert [(p[1], p[2]) for p in problems(switched)] == [(2, "承包单位")]
    assert "合同支付测试公司" in problems(switched)[0][3]


def test_library_counts_that_do_not_add_up_and_a_contract_named_twice_are_refused(app):
    """More poverty-alleviated people than beneficiaries, an unknown nature of construction and one contract
    number on two project rows are each refused on their row and column; nothing is stored."""
    make_county()
    db.session.commit()
    headers = PROJECT_HEADERS + ["建设性质", "受益人数", "其中脱贫人口", "合同编号", "统一社会信用代码", "合同金额（元）",
                                 "采购方式", "签订日期"]
    contract = ["HT-1", ROAD_CO, 100000, "公开招标", date(2026, 3, 2)]
    plan = run_import(xlsx_bytes(("项目", [
        headers,
        project_line("L-1", contractor="某建设公司") + ["新建", 100, 120, None, None, None, None, None],
        project_line("L-2", contractor="某建设公司") + ["翻新", 50, 5, None, None, None, None, None],
        project_line("L-3", contractor="某建设公司") + ["新建", 50, 5, *contract],
        project_line("L-4", contractor="某建设公司") + ["扩建", 50, 5, *contract]])))
    assert sorted((p[1], p[2]) for p in problems(plan)) == [(2, "其中脱贫人口"), (3, "建设性质"), (5, "合同编号")]
    assert "row 4" in problems(plan)[-1][3]
    assert (count(Project), count(Contract), count(Contractor)) == (0, 0, 0)


def test_the_demo_countys_export_reimports_unchanged(app):
    """The demo county (contracts with variations and payments, indicators met and missed, library entries)
    exported and read back: every column recognised, no problem, nothing changes, no audit event."""
    from demo.seed import seed_demo

    seed_demo(date(2026, 11, 27))
    db.session.commit()
    data = _export()
    assert len(_cells(data)["合同"]) > 1 and len(_cells(data)["绩效指标"]) > 1
    sheets = read_import_file(data, "demo.xlsx")
    assert fully_recognised(sheets, guess_import_mapping(sheets))  # no column-matching step to go through
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    plan = run_import(data, "demo.xlsx")
    assert problems(plan) == []
    assert {kind: counts["new"] + counts["changed"] for kind, counts in plan.counts().items()} == {
        "projects": 0, "milestones": 0, "targets": 0, "contracts": 0}
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_comparisons_and_rates_as_sheets_write_them():
    """≥, >=, 不低于, full-width ＝ and the export's guarded "'=" read as comparisons; 3, "3%" and "2.5" as
    retention rates, 0.03 refused as ambiguous."""
    assert [comparison_value(text) for text in ("≥", ">=", "不低于", "＝", "'=", "≤", None)] == [
        "ge", "ge", "ge", "eq", "eq", "le", None]
    assert [retention_value(value) for value in (3, "3%", "2.5", 0, None)] == [300, 300, 250, 0, None]
    with pytest.raises(CellError):
        retention_value(0.03)


def test_without_contracting_a_file_naming_contracts_is_refused(app):
    """Planning does not know contracts: in an app where contracting registered no handler, each contract row
    is refused on its number and the export has no contracts sheet."""
    county = make_county()
    factories.make_project(county["LB-YM"], code="P-9")
    db.session.commit()
    handler = app.extensions.pop("project_import_contracts")
    try:
        plan = run_import(xlsx_bytes(("合同", [CONTRACT_HEADERS, ["P-9", "HT-9", "新公司", ROAD_CO, None, "公开招标",
                                                                 date(2026, 3, 1), 5000, None, None, None]])))
        assert [(p[1], p[2], p[3]) for p in problems(plan)] == [(2, "合同编号", "Contracts cannot be imported here.")]
        assert "合同" not in _cells(_export())
    finally:
        app.extensions["project_import_contracts"] = handler
    assert count(Contract) == 0
