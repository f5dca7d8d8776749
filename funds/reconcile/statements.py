"""Reading a bank or treasury statement file into statement lines, with every problem located.

    statement = read_statement(data, filename)            # mapping guessed from the headers
    statement = read_statement(data, filename, mapping)   # or the one the user chose
    statement = statement_from_table(sheet, mapping)      # a table located (and kept) earlier
    statement.problems   # [Problem(row, column, header, message)], row numbers as the spreadsheet shows
    statement.lines      # [StatementLineData], each with its fingerprint

The file's kind is decided by its content (core.spreadsheets). Rows of account details above the
header are skipped, and so are 合计/小计 rows. Money is read exactly: a debit (支出/借方) is money
out of the county's account, a credit (收入/贷方) money in; in a single signed amount column a
negative amount is a debit. Plain functions: no Flask app, no database.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from core.dates import DEFAULT_WINDOW, PAST, DateWindow
from core.i18n import _l
from core.money import MAX_FEN
from core.sheets.cells import CellError, amount_value, date_value, fold, is_blank, text_value
from core.sheets.messages import spreadsheet_message
from core.sheets.tables import Sheet, SpreadsheetError, column_letter, read_table, require_table
from core.text import fold_width
from funds.models import month_of
from funds.reconcile import columns

DEBIT, CREDIT = "debit", "credit"
TEXT_LIMITS = {columns.REFERENCE: 100, columns.PAYEE: 200, columns.ACCOUNT: 64, columns.SUMMARY: 255}
TOTAL_ROW_WORDS = ("合计", "小计", "总计", "本页", "累计", "total", "subtotal")
_FLAGS = {DEBIT: ("借", "借方", "支", "支出", "出", "付", "付款", "转出", "d", "dr", "debit", "-", "out"),
          CREDIT: ("贷", "贷方", "收", "收入", "入", "存", "收款", "转入", "c", "cr", "credit", "+", "in")}
_FLAG_INDEX = {flag: direction for direction, flags in _FLAGS.items() for flag in flags}
_ISO_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[ T][0-9:.]*)?\s*$")
# An amount as most banks write it: ASCII digits, optional thousands commas and at most two decimals.
_PLAIN_YUAN = re.compile(r"(-?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?")


@dataclass(frozen=True)
class Problem:
    """A problem with the file: `row` and `column` as the spreadsheet shows them (0 and "" for the
    whole file), the column's header, and a translatable message."""

    row: int
    column: str
    header: str
    message: Any

    def as_dict(self) -> dict:
        """JSON-safe form, message in the current language."""
        return {"row": self.row, "column": self.column, "header": self.header, "message": str(self.message)}


@dataclass(slots=True)
class StatementLineData:
    """One line of a statement as read from the file (amount_fen > 0; `direction` says which way)."""

    row_number: int
    txn_date: date
    direction: str
    amount_fen: int
    reference: str = ""
    payee: str = ""
    account: str = ""
    summary: str = ""
    fingerprint: str = ""

    @property
    def period(self) -> int:
        """The yyyymm month of the line."""
        return month_of(self.txn_date)


@dataclass
class Statement:
    """A statement file read: its table, the mapping used, its lines and every problem found."""

    sheet: Optional[Sheet]
    mapping: dict[int, str]
    lines: list[StatementLineData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem_at(self, row: int, key: str, message) -> Problem:
        """A problem at `row` in the column holding field `key` (no column when none holds it)."""
        position = next((index for index, chosen in self.mapping.items() if chosen == key), None)
        return _located(self.sheet, position, row, message)


def _located(sheet: Optional[Sheet], position: Optional[int], row: int, message) -> Problem:
    if sheet is None or position is None:
        return Problem(row, "", "", message)
    return Problem(row, column_letter(position), sheet.headers[position], message)


def locate_table(data: bytes, filename: str = "") -> Sheet:
    """The statement's table: the first sheet with a recognisable header row (within the first rows,
    below any account details), else the first sheet as read. Raises SpreadsheetError, also for a
    file that is no table (core.sheets.tables.require_table)."""
    sheets = read_table(data, filename)
    return require_table([_statement_sheet(sheets)])[0]


def _statement_sheet(sheets: list[Sheet]) -> Sheet:
    for sheet in sheets:
        if columns.looks_like_header(sheet.headers):
            return sheet
        for number, values in sheet.rows[:columns.HEADER_SEARCH_ROWS]:
            if columns.looks_like_header(values):
                return sheet.with_header_at(number)
    return sheets[0]


def read_statement(data: bytes, filename: str = "", mapping: Optional[Mapping[int, str]] = None,
                   today: Optional[date] = None, window: DateWindow = DEFAULT_WINDOW) -> Statement:
    """Read every line of the statement, or say exactly what is wrong (nothing is half-read). A
    line dated outside `window` (core.dates: before its earliest day, after `today`) is a problem."""
    try:
        sheet = locate_table(data, filename)
    except SpreadsheetError as error:
        return Statement(None, {}, problems=[Problem(0, "", "", spreadsheet_message(error))])
    return statement_from_table(sheet, mapping, today, window)


def statement_from_table(sheet: Sheet, mapping: Optional[Mapping[int, str]] = None, today: Optional[date] = None,
                         window: DateWindow = DEFAULT_WINDOW) -> Statement:
    """Every line of a statement table already located (locate_table), or every problem found (a
    line dated outside `window` seen from `today` among them)."""
    chosen = dict(mapping) if mapping is not None else columns.guess_mapping(sheet.headers)
    wrong = columns.mapping_problems(chosen)
    if wrong:
        return Statement(sheet, chosen, problems=[Problem(sheet.header_row, "", "", message) for message in wrong])
    statement = Statement(sheet, chosen)
    reader = _RowReader(sheet, chosen, window, today or date.today())
    for number, values in sheet.rows:
        line, problems = reader.read(number, values)
        statement.problems.extend(problems)
        if line is not None:
            statement.lines.append(line)
    if not statement.lines and not statement.problems:
        statement.problems.append(Problem(0, "", "", _l("The statement has no lines.")))
    add_fingerprints(statement.lines)
    return statement


class _RowReader:
    """Reads one row into a line with the problems of each cell.

    The mapping is turned into column positions once, so a row costs one look-up per cell."""

    def __init__(self, sheet: Sheet, mapping: Mapping[int, str], window: DateWindow, today: date):
        self.sheet = sheet
        self.window, self.today, self.earliest = window, today, window.earliest
        self.index = {key: position for position, key in mapping.items()}
        self.width = max(self.index.values(), default=-1) + 1
        self.date_at = self.index.get(columns.DATE)
        self.texts = [(key, self.index.get(key), limit) for key, limit in TEXT_LIMITS.items()]

    def _problem(self, number: int, key: str, message) -> Problem:
        return _located(self.sheet, self.index.get(key), number, message)

    def cell(self, values: Sequence, key: str) -> Any:
        """The row's cell holding `key`, or None when no column holds it."""
        position = self.index.get(key)
        return None if position is None or position >= len(values) else values[position]

    def read(self, number: int, values: Sequence) -> tuple[Optional[StatementLineData], list[Problem]]:
        """The row's line (None for a totals row or a row with problems) and its problems."""
        if len(values) < self.width:  # a mapped column beyond the row reads as an empty cell
            values = [*values, *[None] * (self.width - len(values))]
        problems: list[Problem] = []
        date_cell = None if self.date_at is None else values[self.date_at]
        try:
            day = _read_date(date_cell)
        except CellError as error:
            day, problem = None, self._problem(number, columns.DATE, error.message)
        else:
            problem = self._problem(number, columns.DATE, _l("Enter the date.")) if day is None else None
            if day is not None and not self.earliest <= day <= self.today:  # the common case, cheaply
                problem = self._problem(number, columns.DATE, self.window.problem(day, today=self.today, kind=PAST))
        if problem is not None:
            if _is_total_row(values, date_cell):
                return None, []
            problems.append(problem)
        try:
            direction, amount = self.money(values)
        except _MoneyProblem as error:
            direction, amount = None, 0
            problems.append(self._problem(number, error.key, error.message))
        texts = []
        for key, position, limit in self.texts:
            value = None if position is None else values[position]
            if type(value) is str and not value.startswith("'"):  # plain text, as _read_text takes it
                text = value.strip()
                if len(text) <= limit:
                    texts.append(text)
                    continue
            try:
                texts.append(_read_text(value, limit))
            except CellError as error:
                problems.append(self._problem(number, key, error.message))
        if problems:
            return None, problems
        assert day is not None and direction is not None  # each one missing added a problem above
        return StatementLineData(number, day, direction, amount, *texts), []

    def money(self, values: Sequence) -> tuple[str, int]:
        """(direction, fen > 0) from the signed amount (with its flag, if any) or the debit/credit columns."""
        if columns.AMOUNT in self.index:
            signed = _signed_fen(self.cell(values, columns.AMOUNT), columns.AMOUNT)
            if columns.DIRECTION in self.index:
                # beside a 借/贷 flag the amount is as the flag says; a negative one reverses it
                flagged_out = _direction(self.cell(values, columns.DIRECTION)) == DEBIT
                out = signed if flagged_out else -signed
            else:
                out = -signed  # one signed column: negative is money out
            blame = columns.AMOUNT
        else:
            debit = _signed_fen(self.cell(values, columns.DEBIT), columns.DEBIT)
            credit = _signed_fen(self.cell(values, columns.CREDIT), columns.CREDIT)
            if debit and credit:
                raise _MoneyProblem(columns.DEBIT, _l("A line has a debit or a credit, not both."))
            out, blame = debit - credit, (columns.DEBIT if columns.DEBIT in self.index else columns.CREDIT)
        if out == 0:
            raise _MoneyProblem(blame, _l("The line has no amount."))
        return (DEBIT, out) if out > 0 else (CREDIT, -out)


class _MoneyProblem(ValueError):
    def __init__(self, key: str, message):
        super().__init__(str(message))
        self.key, self.message = key, message


def _signed_fen(value: Any, key: str) -> int:
    """Fen in a money cell, negative when the cell is; 0 for an empty cell. Plain text such as
    -1,234.56 is read directly, for speed on long statements; anything else as the forms read it."""
    if isinstance(value, str):
        plain = _PLAIN_YUAN.fullmatch(value)
        if plain is not None:
            sign, whole, cents = plain.groups()
            fen = int(whole.replace(",", "")) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
            if fen <= MAX_FEN:  # else parse_amount below says it is too large
                return -fen if sign else fen
    if is_blank(value):
        return 0
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(str(value))
        negative, text = number < 0, format(abs(number), "f")
    else:
        text = fold_width(str(value)).replace("\u2212", "-").strip()
        negative = text.startswith("-")
        text = text.lstrip("+-").strip()
    try:
        fen = amount_value(text)
    except CellError as error:
        raise _MoneyProblem(key, error.message) from error
    return -(fen or 0) if negative else (fen or 0)


def _direction(value: Any) -> str:
    """debit or credit from a 借/贷 flag cell."""
    direction = _FLAG_INDEX.get(fold(value))
    if direction is None:
        raise _MoneyProblem(columns.DIRECTION, _l("Not a debit/credit flag: write 借 or 贷."))
    return direction


def _read_date(value: Any) -> Optional[date]:
    """A date cell, or its text in any form date_value reads, a time of day after it ignored
    ("2026-03-01 10:22:33"). The common 2026-03-01 is read directly, for speed on long statements."""
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
            try:
                return date.fromisoformat(value)  # given this shape it accepts only YYYY-MM-DD
            except ValueError:
                pass  # not digits, or not a day: read below as before
        iso = _ISO_DAY.match(value)
        if iso:
            try:
                return date(int(iso[1]), int(iso[2]), int(iso[3]))
            except ValueError:
                pass  # date_value explains what is wrong
        text = fold_width(value).strip().replace("T", " ")
        value = text.split(" ", 1)[0] if text else value
    return date_value(value)


def _read_text(value: Any, limit: int) -> str:
    """A text cell, trimmed (at most `limit` characters); plain text is taken as it is, for speed."""
    if isinstance(value, str) and not value.startswith("'"):
        text = value.strip()
        if len(text) <= limit:
            return text
    return text_value(value, max_length=limit)


def _is_total_row(values: Sequence, date_cell: Any) -> bool:
    """True for a 合计/小计 row: its date cell or first cell starts with such a word."""
    for value in (date_cell, next((v for v in values if not is_blank(v)), None)):
        if isinstance(value, str) and fold(value).startswith(TOTAL_ROW_WORDS):
            return True
    return False


def _canonical(text: str) -> str:
    """Text as the fingerprint sees it: full-width folded, runs of spaces as one."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def add_fingerprints(lines: Sequence[StatementLineData]) -> None:
    """Set each line's fingerprint: SHA-256 of its normalised content and, for lines identical in
    everything, their occurrence in the file (0, 1, ...), so both of two real twin lines are kept
    while the same file imported again yields the same fingerprints."""
    seen: dict[str, int] = {}
    repeated: dict[str, str] = {}  # payees and summaries recur line after line: normalise each once
    sha256 = hashlib.sha256
    for line in lines:
        payee, summary = repeated.get(line.payee), repeated.get(line.summary)
        if payee is None:
            payee = repeated[line.payee] = _canonical(line.payee)
        if summary is None:
            summary = repeated[line.summary] = _canonical(line.summary)
        content = (f"{line.txn_date.isoformat()}\x1f{line.direction}\x1f{line.amount_fen}\x1f"
                   f"{_canonical(line.reference)}\x1f{payee}\x1f{_canonical(line.account)}\x1f{summary}")
        occurrence = seen.get(content, 0)
        seen[content] = occurrence + 1
        line.fingerprint = sha256(f"{content}\x1f{occurrence}".encode()).hexdigest()
