"""The columns of the planning spreadsheet: fields, their headers in Chinese and English, and guessing.

Two kinds of sheet are imported: projects (one row per project, keyed by project code) and
milestones (one row per milestone, keyed by project code and sequence). A county sheet's headers
are matched after folding full-width characters, case and spaces, and after setting aside a unit
in brackets: "总投资（万元）" is the budget column in 万元, "建设规模(km)" the scale column.

Plain data and functions: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from core.i18n import _l
from core.sheets.cells import fold, split_header

PROJECTS, MILESTONES, TARGETS, CONTRACTS = "projects", "milestones", "targets", "contracts"
SHEET_KINDS = {PROJECTS: _l("Projects"), MILESTONES: _l("Milestones"), TARGETS: _l("Performance targets"),
               CONTRACTS: _l("Contracts")}


@dataclass(frozen=True)
class Column:
    """A field a column may hold: its key, label, template header (Chinese and English), aliases, and the
    note the template shows on it (Chinese: the template is in the county's working language)."""

    key: str
    label: object  # a lazy translatable string
    header_zh: str
    header_en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""


POSITION_NOTE = ("WGS84（GPS）坐标，十进制度，如 111.660000，经度与纬度同时填写或同时留空；高德、腾讯等网络地图"
                 "拾取的是 GCJ-02 坐标，请在项目页面录入并选择坐标系，由系统换算")
READ_ONLY_NOTE = "导出供查阅；导入时不读取"
CONTRACT_NOTE = "有合同时填写；新合同须同时填写签订日期、采购方式、金额及统一社会信用代码"
_USCC_ALIASES = ("统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码", "uscc", "credit code",
                 "unified social credit code")
_NUMBER_ALIASES = ("合同号", "合同编码", "contract no", "contract number", "contract")
_VALUE_ALIASES = ("合同金额", "合同价", "合同价款", "中标金额", "中标价", "合同额", "contract value", "contract amount")
_METHOD_ALIASES = ("采购方式", "招标方式", "发包方式", "采购形式", "procurement method", "method")
_SIGNED_ALIASES = ("签订日期", "合同签订日期", "签订时间", "合同签订时间", "signed on", "signed", "date signed")
_RETENTION_ALIASES = ("质保金比例", "质保金", "质保金比例(%)", "retention", "retention rate")
_MONTHS_ALIASES = ("缺陷责任期", "质保期", "缺陷责任期(月)", "defects liability months", "defects liability period")
CONTRACT_ON_PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("contract_no", _l("Contract number"), "合同编号", "Contract number", _NUMBER_ALIASES, False, CONTRACT_NOTE),
    Column("uscc", _l("Unified social credit code"), "统一社会信用代码", "Unified social credit code", _USCC_ALIASES),
    Column("contract_value", _l("Contract value (yuan)"), "合同金额（元）", "Contract value (yuan)", _VALUE_ALIASES),
    Column("contract_value_wan", _l("Contract value (10,000 yuan)"), "合同金额（万元）", "Contract value (10,000 yuan)"),
    Column("method", _l("Procurement method"), "采购方式", "Procurement method", _METHOD_ALIASES),
    Column("subject", _l("Contract covers"), "合同类别", "Contract covers", ("合同类型", "contract type", "subject")),
    Column("signed_on", _l("Signed on"), "签订日期", "Signed on", _SIGNED_ALIASES),
    Column("retention", _l("Retention rate (%)"), "质保金比例（%）", "Retention rate (%)", _RETENTION_ALIASES),
    Column("defects_months", _l("Defects-liability period (months)"), "缺陷责任期（月）",
           "Defects-liability period (months)", _MONTHS_ALIASES),
)
CONTRACT_KEYS = frozenset(column.key for column in CONTRACT_ON_PROJECT_COLUMNS)
PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("code", _l("Project code"), "项目编号", "Project code",
           ("项目编码", "编码", "编号", "项目代码", "项目编号", "code", "project code", "project no", "project id"), True),
    Column("name", _l("Project name"), "项目名称", "Project name", ("名称", "项目", "name", "project", "project name"), True),
    Column("category", _l("Category"), "项目类别", "Category",
           ("类别", "类型", "项目类型", "category", "type"), True, "填写类别名称或代码，如：道路（road）"),
    Column("township", _l("Township"), "乡镇", "Township",
           ("所在乡镇", "乡镇(街道)", "乡镇名称", "township", "town"), False,
           "填写乡镇名称或代码；也可写成“乡镇/村”"),
    Column("area", _l("Village or community"), "村（社区）", "Village / community",
           ("村", "村(社区)", "村/社区", "社区", "地点", "建设地点", "项目地点", "所在地", "area", "village", "location"), False,
           "填写村（社区）名称或代码；项目在乡镇一级时留空"),
    Column("scale_quantity", _l("Scale"), "建设规模", "Scale", ("规模", "数量", "工程量", "scale", "quantity")),
    Column("scale_unit", _l("Scale unit"), "规模单位", "Scale unit", ("单位", "计量单位", "unit", "scale unit")),
    Column("budget", _l("Budget (yuan)"), "总投资（元）", "Budget (yuan)",
           ("总投资", "预算", "概算", "投资", "投资额", "计划总投资", "项目总投资", "估算", "总投资额",
            "budget", "total investment", "investment"), True),
    Column("budget_wan", _l("Budget (10,000 yuan)"), "总投资（万元）", "Budget (10,000 yuan)", (), True),
    Column("planned_start", _l("Planned start"), "计划开工日期", "Planned start",
           ("计划开工", "计划开工时间", "开工日期", "开工时间", "planned start", "planned start date", "start")),
    Column("planned_end", _l("Planned end"), "计划完工日期", "Planned end",
           ("计划完工", "计划完工时间", "计划竣工", "计划竣工日期", "计划完成时间", "完工日期", "竣工日期",
            "planned end", "planned end date", "planned finish", "planned completion", "end")),
    Column("actual_start", _l("Actual start"), "实际开工日期", "Actual start",
           ("实际开工", "实际开工时间", "actual start", "actual start date")),
    Column("actual_end", _l("Actual end"), "实际完工日期", "Actual end",
           ("实际完工", "实际完工时间", "实际竣工", "实际竣工日期", "actual end", "actual end date",
            "actual finish", "actual completion")),
    Column("status", _l("Status"), "项目状态", "Status", ("状态", "status", "project status"), False,
           "填写状态名称或代码，如：在建（in_progress）"),
    Column("responsible_unit", _l("Responsible unit"), "责任单位", "Responsible unit",
           ("建设单位", "业主单位", "项目业主", "实施单位", "主管单位", "responsible unit", "owner", "project owner")),
    Column("contractor", _l("Contractor"), "施工单位", "Contractor",
           ("承建单位", "承包单位", "中标单位", "contractor", "builder")),
    Column("description", _l("Description"), "建设内容", "Description",
           ("主要建设内容", "项目内容", "建设规模及内容", "项目简介", "备注", "description", "scope", "notes", "remarks")),
    Column("change_reason", _l("Reason for change"), "变更原因", "Reason for change",
           ("调整原因", "变更理由", "变更说明", "change reason", "reason for change", "reason"), False,
           "已批准项目变更预算或计划日期时必填；暂停、取消项目时也须填写"),
    # What the list export adds for its readers; the finance ledger and the progress reports keep
    # these, so an import recognises the columns (a re-imported export needs no mapping) and ignores them.
    Column("allocated", _l("Allocated (yuan)"), "已分配资金（元）", "Allocated (yuan)", (), False, READ_ONLY_NOTE),
    Column("spent", _l("Spent (yuan)"), "已支付（元）", "Spent (yuan)", (), False, READ_ONLY_NOTE),
    Column("progress", _l("Physical progress (%)"), "实物进度（%）", "Physical progress (%)", (), False,
           READ_ONLY_NOTE),
    # The library entry (projects.library): imported as any other optional column.
    Column("nature", _l("Nature of construction"), "建设性质", "Nature of construction",
           ("建设类型", "nature", "nature of construction"), False, "新建、改建、扩建或维修养护"),
    Column("beneficiaries", _l("Beneficiaries"), "受益对象", "Beneficiaries", ("受益群众", "beneficiaries")),
    Column("beneficiary_count", _l("People benefiting"), "受益人数", "People benefiting",
           ("受益人口", "受益人数（人）", "people benefiting", "beneficiary count")),
    Column("beneficiary_poverty_count", _l("Of whom poverty-alleviated"), "其中脱贫人口", "Of whom poverty-alleviated",
           ("脱贫人口", "受益脱贫人口", "of whom poverty alleviated", "poverty alleviated")),
    Column("beneficiary_monitored_count", _l("Of whom monitored"), "其中监测对象", "Of whom monitored",
           ("监测对象", "受益监测对象", "of whom monitored", "monitored")),
    Column("benefit_linkage", _l("Benefit-linkage mechanism"), "利益联结机制", "Benefit-linkage mechanism",
           ("联农带农机制", "带农益农机制", "benefit linkage", "benefit-linkage mechanism")),
    Column("library_year", _l("In the library of"), "入库年度", "Library year",
           ("入库年份", "library year", "year in library"), False, "项目批准入库的年度，如 2026"),
    # Where the works are (projects.positions): WGS84 decimal degrees, both or neither, inside the county.
    Column("longitude", _l("Longitude"), "经度", "Longitude", ("东经", "经度(wgs84)", "longitude", "lon", "lng"), False,
           POSITION_NOTE),
    Column("latitude", _l("Latitude"), "纬度", "Latitude", ("北纬", "纬度(wgs84)", "latitude", "lat"), False,
           POSITION_NOTE),
    # A contract on the project, as a county sheet carries it on the project's row (one contract a row;
    # the contractor is the 施工单位 column). The export writes every contract on a sheet of its own.
    *CONTRACT_ON_PROJECT_COLUMNS,
)
LIBRARY_COLUMNS = frozenset({"nature", "beneficiaries", "beneficiary_count", "beneficiary_poverty_count",
                             "beneficiary_monitored_count", "benefit_linkage", "library_year"})
READ_ONLY = frozenset({"allocated", "spent", "progress"})  # exported, never imported

MILESTONE_COLUMNS: tuple[Column, ...] = (
    Column("project_code", _l("Project code"), "项目编号", "Project code",
           ("项目编码", "编码", "项目代码", "code", "project code", "project no", "project id"), True),
    Column("sequence", _l("Sequence"), "节点序号", "Sequence",
           ("序号", "顺序", "里程碑序号", "节点编号", "sequence", "seq", "no", "#"), True),
    Column("name", _l("Milestone"), "节点名称", "Milestone",
           ("里程碑", "里程碑名称", "节点", "名称", "milestone", "milestone name", "name"), True),
    Column("planned_date", _l("Planned date"), "计划完成日期", "Planned date",
           ("计划日期", "计划时间", "计划完成时间", "完成时限", "planned date", "due date", "date"), True),
    Column("planned_cost", _l("Planned cost (yuan)"), "计划投资（元）", "Planned cost (yuan)",
           ("计划投资", "计划费用", "计划成本", "计划金额", "投资", "planned cost", "cost"), True),
    Column("planned_cost_wan", _l("Planned cost (10,000 yuan)"), "计划投资（万元）", "Planned cost (10,000 yuan)", (), True),
    Column("progress_pct", _l("Progress %"), "完成进度（%）", "Progress %",
           ("进度", "完成进度", "形象进度", "完成比例", "完成率", "progress", "progress %", "% complete", "percent complete")),
    Column("change_reason", _l("Reason for change"), "变更原因", "Reason for change",
           ("调整原因", "变更理由", "change reason", "reason for change", "reason")),
)

# Performance indicators (绩效指标), one a row, keyed by project code, tier and indicator name.
TARGET_COLUMNS: tuple[Column, ...] = (
    Column("project_code", _l("Project code"), "项目编号", "Project code",
           ("项目编码", "项目代码", "code", "project code", "project no"), True),
    Column("tier", _l("Tier"), "指标层级", "Tier", ("一级指标", "指标层次", "tier"), True, "产出指标、效益指标或满意度指标"),
    Column("category", _l("Indicator category"), "指标类别", "Indicator category",
           ("二级指标", "indicator category", "category"), True, "如：数量指标、质量指标、社会效益"),
    Column("name", _l("Indicator"), "指标名称", "Indicator", ("三级指标", "指标", "indicator", "indicator name"), True),
    Column("comparison", _l("Comparison"), "比较", "Comparison", ("比较符", "比较方式", "comparison"), True,
           "≥、≤ 或 ="),
    Column("target_value", _l("Target value"), "目标值", "Target value",
           ("指标值", "目标", "年度指标值", "target", "target value"), True),
    Column("unit", _l("Unit"), "单位", "Unit", ("计量单位", "度量单位", "unit"), True),
    Column("actual_value", _l("Actual value"), "实际值", "Actual value",
           ("实际完成值", "完成值", "actual", "actual value")),
    Column("actual_on", _l("Actual value measured on"), "实际值日期", "Actual value measured on",
           ("实际值测定日期", "measured on", "actual on")),
)
# Contracts on projects (contracts), one a row, keyed by contract number.
CONTRACT_COLUMNS: tuple[Column, ...] = (
    Column("project_code", _l("Project code"), "项目编号", "Project code",
           ("项目编码", "项目代码", "code", "project code", "project no"), True),
    Column("contract_no", _l("Contract number"), "合同编号", "Contract number", _NUMBER_ALIASES, True),
    Column("contractor", _l("Contractor"), "承包单位", "Contractor",
           ("施工单位", "中标单位", "承建单位", "供应商", "乙方", "contractor", "supplier"), True,
           "填写登记的单位全称"),
    Column("uscc", _l("Unified social credit code"), "统一社会信用代码", "Unified social credit code", _USCC_ALIASES,
           False, "新登记的单位必填；18 位，末位为校验码"),
    Column("subject", _l("Contract covers"), "合同类别", "Contract covers", ("合同类型", "contract type", "subject"),
           False, "工程、货物、服务、设计或监理；留空为工程"),
    Column("method", _l("Procurement method"), "采购方式", "Procurement method", _METHOD_ALIASES, True),
    Column("signed_on", _l("Signed on"), "签订日期", "Signed on", _SIGNED_ALIASES, True),
    Column("value", _l("Contract value (yuan)"), "合同金额（元）", "Contract value (yuan)", _VALUE_ALIASES, True,
           "现行合同金额；与已录入的金额不同时按变更处理，须填写变更原因"),
    Column("value_wan", _l("Contract value (10,000 yuan)"), "合同金额（万元）", "Contract value (10,000 yuan)", (), True),
    Column("retention", _l("Retention rate (%)"), "质保金比例（%）", "Retention rate (%)", _RETENTION_ALIASES, False,
           "如 3 表示 3%"),
    Column("defects_months", _l("Defects-liability period (months)"), "缺陷责任期（月）",
           "Defects-liability period (months)", _MONTHS_ALIASES),
    Column("change_reason", _l("Reason for change"), "变更原因", "Reason for change",
           ("调整原因", "变更理由", "change reason", "reason for change", "reason"), False, "合同金额变更时必填"),
)

COLUMNS = {PROJECTS: PROJECT_COLUMNS, MILESTONES: MILESTONE_COLUMNS, TARGETS: TARGET_COLUMNS,
           CONTRACTS: CONTRACT_COLUMNS}
# Columns holding the same thing in another unit: mapping both is mapping one field twice.
SAME_FIELD = {"budget_wan": "budget", "planned_cost_wan": "planned_cost", "value_wan": "value",
              "contract_value_wan": "contract_value"}
WAN_FIELDS = {"budget": "budget_wan", "planned_cost": "planned_cost_wan", "value": "value_wan",
              "contract_value": "contract_value_wan"}
# Sheets whose title says they explain the others (the template's own instructions sheet).
IGNORED_TITLES = ("填写说明", "说明", "instructions", "readme")
# Tie-break hints in a sheet's title.
_TITLE_HINTS = {TARGETS: ("绩效", "指标", "target", "indicator"), CONTRACTS: ("合同", "contract"),
                MILESTONES: ("里程碑", "节点", "milestone"), PROJECTS: ("项目", "project")}
# The columns a sheet of each kind cannot be read without (beside at least one more).
KEY_FIELDS = {PROJECTS: ("code",), MILESTONES: ("project_code", "sequence"),
              TARGETS: ("project_code", "name", "target_value"), CONTRACTS: ("project_code", "contract_no")}
# The columns without which a sheet of each kind is not read at all (check_mapping).
ROW_KEYS = {PROJECTS: ("code",), MILESTONES: ("project_code", "sequence"), TARGETS: ("project_code", "tier", "name"),
            CONTRACTS: ("project_code", "contract_no")}
_WAN_WORDS = ("万", "10k", "10,000", "10000", "wan", "ten thousand")


def is_wan(units: str) -> bool:
    """True when a header's unit says 万元 (10,000 yuan)."""
    return any(word in units for word in _WAN_WORDS)


def _alias_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for text in (column.key, column.header_zh, column.header_en) + column.aliases:
            name, _units = split_header(text)
            index.setdefault(name, column.key)
    return index


_ALIASES = {kind: _alias_index(kind) for kind in COLUMNS}


def field_for_header(header: str, kind: str = PROJECTS) -> Optional[str]:
    """The field a header names on a sheet of `kind`, or None when it names none."""
    name, units = split_header(header)
    key = _ALIASES[kind].get(name)
    if key in WAN_FIELDS and is_wan(units):
        return WAN_FIELDS[key]
    return key


def guess_mapping(headers: Sequence[str], kind: str = PROJECTS) -> dict[int, str]:
    """{column index: field} for the headers recognised on a `kind` sheet; each field at most once."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = field_for_header(header, kind) if header else None
        if key is None or SAME_FIELD.get(key, key) in taken:
            continue
        mapping[index] = key
        taken.add(SAME_FIELD.get(key, key))
    return mapping


def guess_kind(title: str, headers: Sequence[str]) -> Optional[str]:
    """Whether a sheet lists projects or milestones, from its headers (its title breaks a tie); None
    when it looks like neither (an instructions sheet, say)."""
    if fold(title) in IGNORED_TITLES:
        return None
    scores = {kind: len(guess_mapping(headers, kind)) for kind in COLUMNS}
    fitting = {kind: score for kind, score in scores.items() if _has_key_columns(kind, guess_mapping(headers, kind))}
    if not fitting:
        return None
    folded_title = fold(title)
    for kind, hints in _TITLE_HINTS.items():
        if kind in fitting and any(hint in folded_title for hint in hints):
            return kind
    return max(fitting, key=lambda kind: (fitting[kind], kind == PROJECTS))


def _has_key_columns(kind: str, mapping: dict[int, str]) -> bool:
    fields = set(mapping.values())
    return set(KEY_FIELDS[kind]) <= fields and len(fields) >= len(KEY_FIELDS[kind]) + 1


def column_by_key(kind: str, key: str) -> Column:
    """The Column of `kind` whose key is `key`."""
    return next(column for column in COLUMNS[kind] if column.key == key)


def choices(kind: str) -> list[tuple[str, object]]:
    """(key, label) of every field of a `kind` sheet, for the mapping page."""
    return [(column.key, column.label) for column in COLUMNS[kind]]
