"""Reading a county's roster or payroll sheet (.xlsx, CSV in UTF-8 or GB18030) by its headers.

The file is read by core.sheets (recognised by content, within the bounded reader's limits); the
header row is found among the first rows (county sheets carry a title row on top) by the names
counties write (姓名, 身份证号, 银行卡号, 所在村, 是否脱贫户, 出勤天数, 日工资, 应发金额, ...) or their
English field names. Each cell problem is a RowProblem naming the row and the sheet's header; a
total row (合计) is compared with the sum of the lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from core.errors import Refused
from core.i18n import _l
from core.money import format_yuan
from core.sheets.cells import CellError, amount_value, fold, is_blank, text_value
from core.sheets.limits import SpreadsheetError
from core.sheets.messages import spreadsheet_message
from core.sheets.tables import Sheet, read_table, require_table
from payroll.payrolls import amount_of, line_problems
from payroll.services import RowProblem, WorkerInput

HEADERS = {
    "name": ("姓名", "name", "务工人员姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "id_number", "idnumber"),
    "card_number": ("银行卡号", "卡号", "银行账号", "社保卡号", "card_number", "card"),
    "bank_name": ("开户行", "开户银行", "银行", "bank_name", "bank"),
    "village": ("所在村", "村", "村（社区）", "村(社区)", "村组", "village"),
    "household": ("是否脱贫户", "户类型", "农户类型", "脱贫户", "household"),
    "phone": ("电话", "联系电话", "手机号", "手机", "phone"),
    "days": ("出勤天数", "天数", "工日", "出勤", "days"),
    "daily_rate": ("日工资", "日工资标准", "日工资（元）", "日工资(元)", "daily_rate"),
    "amount": ("应发金额", "应发工资", "金额", "应发金额（元）", "应发金额(元)", "amount"),
    "manager": ("是否管理人员", "管理人员", "岗位", "manager"),
}
FOLDED = {fold(text): field for field, texts in HEADERS.items() for text in texts}
REGISTERED = {fold(word) for word in ("是", "脱贫户", "已脱贫户", "脱贫", "yes", "registered", "y", "1")}
MONITORED = {fold(word) for word in ("监测户", "监测对象", "防返贫监测户", "monitored")}
OTHER = {fold(word) for word in ("否", "一般户", "其他", "非脱贫户", "no", "other", "n", "0", "")}
MANAGERS = {fold(word) for word in ("是", "管理", "管理人员", "技术", "技术人员", "管理/技术", "yes", "manager", "y",
                                    "1")}
TOTAL_WORDS = {fold(word) for word in ("合计", "总计", "小计", "total")}
SEARCH_ROWS = 6


@dataclass
class PayrollRow:
    """One line of a payroll sheet."""

    row: int
    worker: WorkerInput
    days: Decimal
    daily_rate_fen: int
    amount_fen: int
    is_manager: bool


def _columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        field = FOLDED.get(fold(header).rstrip("*:："))
        if field and field not in found:
            found[field] = index
    return found


def read_sheet(data: bytes, filename: str, required: tuple[str, ...]) -> tuple[Sheet, dict[str, int]]:
    """The first sheet holding the required columns, its header found among its first rows."""
    try:
        sheets = require_table(read_table(data, filename))
    except SpreadsheetError as error:
        raise Refused("file", spreadsheet_message(error)) from error
    for sheet in sheets:
        columns = _columns(sheet.headers)
        if all(field in columns for field in required):
            return sheet, columns
        for number, values in sheet.rows[:SEARCH_ROWS]:
            columns = _columns([text_value(value, 100) if not is_blank(value) else "" for value in values])
            if all(field in columns for field in required):
                moved = sheet.with_header_at(number)
                return moved, _columns(moved.headers)
    names = "、".join(HEADERS[field][0] for field in required)
    raise Refused("file", _l("No sheet has the columns %(names)s.", names=names))


def _cell(values: list, columns: dict[str, int], field: str) -> Any:
    index = columns.get(field)
    return values[index] if index is not None and index < len(values) else None


def _household(value: Any) -> Optional[str]:
    folded = fold(text_value(value, 40))
    if folded in REGISTERED:
        return "registered"
    if folded in MONITORED:
        return "monitored"
    return "other" if folded in OTHER else None


def header_names(sheet: Sheet, columns: dict[str, int]) -> dict[str, str]:
    """field -> the sheet's own header (for messages)."""
    return {field: sheet.headers[index] for field, index in columns.items()} | {
        "daily_rate": sheet.headers[columns["daily_rate"]] if "daily_rate" in columns else "daily_rate"}


def _worker(row: int, values: list, columns: dict[str, int], names: dict[str, str],
            problems: list[RowProblem]) -> WorkerInput:
    texts: dict[str, str] = {}
    for field in ("name", "id_number", "card_number", "bank_name", "village", "phone"):
        try:
            texts[field] = text_value(_cell(values, columns, field), 200)
        except CellError as error:
            problems.append(RowProblem(row, names.get(field, field), error.message))
            texts[field] = ""
    household = _household(_cell(values, columns, "household"))
    if household is None:
        problems.append(RowProblem(row, names.get("household", "household"),
                                   _l("Write 是 (registered poverty-alleviated), 监测户 (monitored) or 否.")))
    return WorkerInput(household=household or "other", **texts)


def is_total_row(values: list, columns: dict[str, int]) -> bool:
    """A 合计 row: its name cell (or first cell) says total."""
    cells = [_cell(values, columns, "name"), values[0] if values else None]
    return any(fold(text_value(cell, 100)) in TOTAL_WORDS for cell in cells if not is_blank(cell))


def read_roster(data: bytes, filename: str) -> tuple[list[tuple[int, WorkerInput]], dict[str, str], list[RowProblem]]:
    """The roster sheet's workers by row, the headers' names, and the problems found reading cells."""
    sheet, columns = read_sheet(data, filename, ("name", "id_number"))
    names = header_names(sheet, columns)
    problems: list[RowProblem] = []
    rows = [(row, _worker(row, values, columns, names, problems)) for row, values in sheet.rows
            if not is_total_row(values, columns)]
    return rows, names, problems


def _days(value: Any) -> Optional[Decimal]:
    if is_blank(value):
        return None
    try:
        return Decimal(text_value(value, 20))
    except (InvalidOperation, CellError):
        return Decimal(-1)


def _money(row: int, value: Any, column: str, problems: list[RowProblem]) -> Optional[int]:
    try:
        return amount_value(value)
    except CellError as error:
        problems.append(RowProblem(row, column, error.message))
        return None


def read_payroll(data: bytes, filename: str) -> tuple[list[PayrollRow], dict[str, str], list[RowProblem]]:
    """The payroll sheet's lines, the headers' names, and every problem (cells, sums, the total row)."""
    sheet, columns = read_sheet(data, filename, ("name", "id_number", "days", "daily_rate"))
    names = header_names(sheet, columns)
    problems: list[RowProblem] = []
    lines: list[PayrollRow] = []
    declared: Optional[tuple[int, int]] = None
    for row, values in sheet.rows:
        if is_total_row(values, columns):
            amount = _money(row, _cell(values, columns, "amount"), names.get("amount", "amount"), problems)
            declared = (row, amount) if amount is not None else declared
            continue
        before = len(problems)
        worker = _worker(row, values, columns, names, problems)
        days = _days(_cell(values, columns, "days"))
        rate = _money(row, _cell(values, columns, "daily_rate"), names["daily_rate"], problems)
        amount = _money(row, _cell(values, columns, "amount"), names.get("amount", "amount"), problems)
        field_names = {"days": names["days"], "daily_rate": names["daily_rate"],
                       "amount": names.get("amount", "amount")}
        for field, message in line_problems(days, rate, amount).items():
            problems.append(RowProblem(row, field_names[field], message))
        if len(problems) == before and days is not None and rate is not None:
            manager = fold(text_value(_cell(values, columns, "manager"), 40)) in MANAGERS
            lines.append(PayrollRow(row, worker, days, rate, amount if amount is not None else amount_of(days, rate),
                                    manager))
    if declared is not None and not problems and declared[1] != sum(line.amount_fen for line in lines):
        problems.append(RowProblem(declared[0], names.get("amount", "amount"), _l(
            "Does not add up: the lines sum to %(sum)s yuan, the total row says %(total)s yuan.",
            sum=format_yuan(sum(line.amount_fen for line in lines)), total=format_yuan(declared[1]))))
    return lines, names, problems
