"""The columns of a bank or treasury statement: fields, the headers Chinese exports use, and guessing.

A statement holds a date, the money (one signed amount column, an amount with a 借/贷 flag, or
separate debit and credit columns) and, usually, a reference, the counterparty, its account and a
summary (摘要). Headers are compared after folding full-width characters, case and spaces and
setting aside a unit in brackets, so "支出金额（元）" is the debit column. Columns every bank adds
but reconciliation does not need (余额, 币种, 交易网点 ...) count as recognised and are not read.

Plain data and functions: no Flask app, no database.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from core.i18n import _l
from core.sheets.cells import split_header

DATE, DEBIT, CREDIT, AMOUNT, DIRECTION = "date", "debit", "credit", "amount", "direction"
REFERENCE, PAYEE, ACCOUNT, SUMMARY = "reference", "payee", "account", "summary"
HEADER_SEARCH_ROWS = 10  # rows of account details a bank puts above the real header


@dataclass(frozen=True)
class StatementField:
    """A field a statement column may hold: its key, label and the headers that name it."""

    key: str
    label: str  # a lazy translatable string (core.i18n._l)
    aliases: tuple[str, ...]


FIELDS: tuple[StatementField, ...] = (
    StatementField(DATE, _l("Date"), (
        "交易日期", "日期", "记账日期", "入账日期", "交易时间", "发生日期", "支付日期", "付款日期", "业务日期",
        "会计日期", "记账时间", "交易日", "date", "transaction date", "value date", "posting date", "booking date")),
    StatementField(DEBIT, _l("Debit: money out"), (
        "支出金额", "借方金额", "支出", "借方", "借方发生额", "付款金额", "转出金额", "支付金额", "出账金额",
        "debit", "debit amount", "withdrawal", "withdrawals", "money out", "paid out")),
    StatementField(CREDIT, _l("Credit: money in"), (
        "收入金额", "贷方金额", "收入", "贷方", "贷方发生额", "收款金额", "转入金额", "入账金额", "存入金额",
        "credit", "credit amount", "deposit", "deposits", "money in", "paid in")),
    StatementField(AMOUNT, _l("Amount (negative = money out)"), (
        "金额", "交易金额", "发生额", "变动金额", "amount", "transaction amount", "signed amount")),
    StatementField(DIRECTION, _l("Debit/credit flag (借/贷)"), (
        "借贷标志", "收支标志", "借贷方向", "收支方向", "借/贷", "收/支", "借贷", "收支", "方向", "交易方向",
        "direction", "dr/cr", "debit/credit")),
    StatementField(REFERENCE, _l("Reference or voucher number"), (
        "凭证号", "参考号", "凭证号码", "凭证编号", "流水号", "交易流水号", "银行流水号", "业务编号", "支付凭证号",
        "交易参考号", "票据号", "票据号码", "支付令号", "回单号", "交易编号", "reference", "ref", "ref no",
        "reference no", "voucher", "voucher no", "transaction id")),
    StatementField(PAYEE, _l("Counterparty (payee)"), (
        "对方户名", "对方账户名称", "对方帐户名称", "对方账户名", "对方名称", "对方单位", "对方户名称", "收款人",
        "收款人名称", "收款人全称", "收款单位", "收款方", "交易对方", "payee", "payee name", "counterparty",
        "beneficiary")),
    StatementField(ACCOUNT, _l("Counterparty account"), (
        "对方账号", "对方帐号", "对方账户", "对方帐户", "收款人账号", "收款人帐号", "收款账号", "对方卡号",
        "account", "account no", "counterparty account", "payee account")),
    StatementField(SUMMARY, _l("Summary (摘要)"), (
        "摘要", "用途", "附言", "备注", "交易摘要", "摘要说明", "交易用途", "资金用途", "说明", "summary", "memo",
        "description", "narrative", "remarks", "purpose")),
)

# Headers banks add that reconciliation does not read: recognised, so they never ask for a mapping.
IGNORED_HEADERS = (
    "余额", "账户余额", "帐户余额", "可用余额", "联机余额", "币种", "货币", "钞汇", "钞汇标志", "序号", "交易机构",
    "交易网点", "网点", "交易渠道", "渠道", "本方账号", "本方户名", "本方账户", "交易类型", "业务类型", "对方开户行",
    "对方行名", "对方开户机构", "收款人开户行", "balance", "currency", "no", "#", "branch", "channel", "type")


def _header_name(header: str) -> str:
    return split_header(header)[0]


_BY_HEADER: dict[str, str] = {}
for _field in FIELDS:
    for _alias in (_field.key,) + _field.aliases:
        _BY_HEADER.setdefault(_header_name(_alias), _field.key)
_IGNORED = {_header_name(header) for header in IGNORED_HEADERS}
_AMOUNT_SIDES = {**dict.fromkeys(("借", "借方", "支", "支出", "付", "付出", "出", "debit", "dr", "out"), DEBIT),
                 **dict.fromkeys(("贷", "贷方", "收", "收入", "入", "存入", "credit", "cr", "in"), CREDIT)}
LABELS = {field.key: field.label for field in FIELDS}


def field_for_header(header: str) -> Optional[str]:
    """The statement field a header names, or None. An amount header whose bracket says which way
    the money goes is that column: "发生额（借）" is the debit column, "金额(收入)" the credit column."""
    if not header:
        return None
    name, units = split_header(header)
    key = _BY_HEADER.get(name)
    if key == AMOUNT:
        for word in units.split():
            if word in _AMOUNT_SIDES:
                return _AMOUNT_SIDES[word]
    return key


def guess_mapping(headers: Sequence[str]) -> dict[int, str]:
    """{column index: field} for the recognised headers, each field at most once (leftmost wins)."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = field_for_header(header)
        if key is not None and key not in mapping.values():
            mapping[index] = key
    return mapping


def unrecognised_headers(headers: Sequence[str]) -> list[int]:
    """Indexes of the non-empty headers that name neither a field nor a column banks add."""
    return [index for index, header in enumerate(headers)
            if header and field_for_header(header) is None and _header_name(header) not in _IGNORED]


def mapping_problems(mapping: Mapping[int, str]) -> list:
    """Why a mapping cannot be used (translatable messages); empty when it can."""
    fields = list(mapping.values())
    problems = [_l("%(field)s is chosen for more than one column.", field=LABELS[key])
                for key in sorted(set(fields)) if fields.count(key) > 1]
    chosen = set(fields)
    if DATE not in chosen:
        problems.append(_l("Choose the column that holds the date."))
    if not chosen & {AMOUNT, DEBIT, CREDIT}:
        problems.append(_l("Choose the amount column, or the debit and credit columns."))
    if AMOUNT in chosen and chosen & {DEBIT, CREDIT}:
        problems.append(_l("Choose either one amount column or debit and credit columns, not both."))
    if DIRECTION in chosen and AMOUNT not in chosen:
        problems.append(_l("A debit/credit flag needs an amount column beside it."))
    return problems


def needs_mapping(headers: Sequence[str]) -> bool:
    """True when someone must say what the columns hold: a header is unknown or a needed field is missing."""
    return bool(unrecognised_headers(headers) or mapping_problems(guess_mapping(headers)))


def looks_like_header(values: Sequence) -> bool:
    """True when a row's texts name a date column and an amount column: the statement's header row."""
    fields = {field_for_header(str(value)) for value in values if value is not None}
    return DATE in fields and bool(fields & {AMOUNT, DEBIT, CREDIT})


def mapping_from_names(headers: Sequence[str], names: Mapping[str, str]) -> dict[int, str]:
    """The guessed mapping overridden by {field: header text} (as the CLI's --map FIELD=HEADER gives).

    Raises KeyError naming the field or header that does not exist.
    """
    mapping = guess_mapping(headers)
    folded = [_header_name(header) for header in headers]
    for key, header in names.items():
        if key not in LABELS:
            raise KeyError(key)
        try:
            index = folded.index(_header_name(header))
        except ValueError:
            raise KeyError(header) from None
        mapping = {i: k for i, k in mapping.items() if k != key and i != index}
        mapping[index] = key
    return mapping


def choices() -> list[tuple[str, str]]:
    """(key, label) of the mapping page's select: not used, then every field."""
    return [("", _l("— not used —"))] + [(field.key, field.label) for field in FIELDS]
