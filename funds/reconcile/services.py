"""Reconciling a source's bank or treasury statements with its recorded payments.

    result = import_statement(source, data, filename, mapping=None, actor=user)   # web and CLI alike
    result = import_statement_table(source, table, filename, sha256, mapping=...)  # a table parsed earlier
    manual_match(line, payment, actor=user); unmatch(line, actor=user)
    summary_by_month(source.id)

An import reads the whole file first (funds.statements) and refuses it, storing nothing, when any
row has a problem. Otherwise it stores the lines it has not seen (a line's fingerprint is unique per
source, so importing the same statement again adds nothing), then matches every unmatched line of
the months the file covers against the source's unmatched payments (funds.matching), all in the
caller's transaction: the caller commits, or rolls back and nothing happened.

Statements overlap closed months (a bank exports the whole year). A new line dated in a closed month
is stored held apart (StatementLine.held_reason): listed on its month's page with the reason, never
matched, not counted against the close; reopening the month releases it (funds.ledger.reopen_month).
Lines and payments in a closed month are neither matched nor unmatched. The web asks first
(`hold=False` raises HeldLinesToConfirm with what would be held); the command line holds and counts.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import bindparam, case, exists, func, select, update

from audit.services import record
from core import dates
from core.bulk import cycle_collector_paused, insert_rows
from core.clock import utcnow
from core.database import rows_changed
from core.dates import format_month
from core.files import sha256_hex
from core.i18n import _l
from core.money import format_yuan
from core.sheets.tables import Sheet
from extensions import db
from funds.ledger.services import (
    FundsError,
    awaiting_by_period,
    awaiting_statement_line,
    lock_source,
    month_is_closed,
    refresh_awaiting_of,
)
from funds.models import FundSource, MonthClose, Payment, SourceMonth, StatementImport, StatementLine
from funds.reconcile import matching
from funds.reconcile.statements import Problem, Statement, StatementLineData, read_statement, statement_from_table

WINDOW_DAYS = 3  # a bank books a payment a few days after the voucher date, rarely more
LINE_COLUMNS = ("import_id", "source_id", "row_number", "txn_date", "period", "direction", "amount_fen",
                "reference", "payee", "account", "summary", "fingerprint", "payment_id", "match_method",
                "matched_by_id", "matched_at", "held_reason")  # what _store writes of each new line, in order
MONTH_CLOSED = "month_closed"  # funds.models.HOLD_REASONS


class StatementRejected(ValueError):
    """The statement has problems; nothing was stored. `problems` lists each with row and column."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """What an import did. The unmatched counts cover the months the statement spans; of the new
    lines, `held_closed_month` were dated in a closed month and held apart."""

    import_id: Optional[int]
    lines: int
    new: int
    matched: int
    unmatched_lines: int
    unmatched_payments: int
    first_period: int
    last_period: int
    held_closed_month: int = 0

    def as_json(self) -> dict:
        """The counts the CLI prints with --json."""
        return {"lines": self.lines, "new": self.new, "matched": self.matched,
                "unmatched_lines": self.unmatched_lines, "unmatched_payments": self.unmatched_payments,
                "held_closed_month": self.held_closed_month}


@dataclass(frozen=True)
class StatementPreview:
    """What importing a statement would do: lines read, new ones (the rest are on file already), and
    the new ones that would be held apart, with their closed months (yyyymm)."""

    lines: int
    new: int
    held: int
    held_periods: tuple[int, ...]


class HeldLinesToConfirm(ValueError):
    """The statement has new lines in closed months and the caller asked to confirm first; nothing
    was stored. `preview` says what the import would do."""

    def __init__(self, preview: StatementPreview):
        super().__init__(f"{preview.held} line(s) in closed months")
        self.preview = preview


def display_filename(name: str) -> str:
    """The uploaded file's name as text to show and keep (never a path): its last part, printable, short."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in last if char.isprintable())[:255] or "statement"


def closed_periods(source_id: int) -> set[int]:
    """The source's months that are closed and not reopened."""
    return set(db.session.scalars(select(MonthClose.period).where(
        MonthClose.source_id == source_id, MonthClose.reopened_at.is_(None))))


def import_statement(source: FundSource, data: bytes, filename: str, *, mapping: Optional[Mapping[int, str]] = None,
                     actor=None, hold: bool = True) -> ImportResult:
    """Store the statement's new lines (those of closed months held apart) and match what can be
    matched; raise StatementRejected (storing nothing) when the file has any problem, and
    HeldLinesToConfirm (storing nothing) when lines would be held and `hold` is false."""
    with cycle_collector_paused():
        statement = read_statement(data, filename, mapping, window=dates.window())
        return _import_statement(source, statement, filename, sha256_hex(data), actor, hold)


def import_statement_table(source: FundSource, table: Sheet, filename: str, sha256: str, *,
                           mapping: Optional[Mapping[int, str]] = None, actor=None, hold: bool = True) -> ImportResult:
    """import_statement for a table parsed earlier (at upload, kept while finance maps its columns);
    `sha256` is the uploaded file's, for the import record."""
    with cycle_collector_paused():
        statement = statement_from_table(table, mapping, window=dates.window())
        return _import_statement(source, statement, filename, sha256, actor, hold)


def preview_statement_table(source: FundSource, table: Sheet, *,
                            mapping: Optional[Mapping[int, str]] = None) -> StatementPreview:
    """What importing the table would do (StatementRejected when it has problems); nothing is written."""
    with cycle_collector_paused():
        statement = statement_from_table(table, mapping, window=dates.window())
        if statement.problems:
            raise StatementRejected(statement.problems)
        _first, _last, new_lines, held = _sorted_out(source.id, statement.lines, closed_periods(source.id))
        return _preview(statement.lines, new_lines, held)


def _preview(lines: list[StatementLineData], new_lines: list[StatementLineData],
             held: list[StatementLineData]) -> StatementPreview:
    return StatementPreview(len(lines), len(new_lines), len(held), tuple(sorted({line.period for line in held})))


def _sorted_out(source_id: int, lines: list[StatementLineData], closed: set[int]):
    """(first month, last month, the lines not on file yet, those of them to hold apart)."""
    first, last = min(line.period for line in lines), max(line.period for line in lines)
    new_lines = _unseen(source_id, lines, first, last)
    return first, last, new_lines, [line for line in new_lines if line.period in closed]


def _import_statement(source: FundSource, statement: Statement, filename: str, sha256: str, actor,
                      hold: bool) -> ImportResult:
    if statement.problems:
        raise StatementRejected(statement.problems)
    lock_source(source.id)
    lines = statement.lines
    closed = closed_periods(source.id)
    first, last, new_lines, held = _sorted_out(source.id, lines, closed)
    if held and not hold:
        raise HeldLinesToConfirm(_preview(lines, new_lines, held))
    fresh = [line for line in new_lines if line.period not in closed]
    name = display_filename(filename)
    # Match first, then store the new lines already matched: no re-reading and updating them after.
    on_stored, on_fresh = match_lines(source.id, first, last, closed, fresh)
    matches = {fresh[position].fingerprint: match for position, match in on_fresh.items()}
    import_id = _store(source, new_lines, name, sha256, len(lines), actor, matches, closed)
    _record_matches(on_stored, actor)
    matched = len(on_stored) + len(on_fresh)
    result = ImportResult(import_id, len(lines), len(new_lines), matched, *_unmatched_counts(source.id, first, last),
                          first, last, len(held))
    if new_lines or matched:
        record("statement.import", user=actor, object_type="statement_import", object_id=import_id,
               after={"source": source.code, "filename": name, "sha256": sha256, **result.as_json()})
    return result


def _unseen(source_id: int, lines: list[StatementLineData], first: int, last: int) -> list[StatementLineData]:
    """The lines whose fingerprint the source does not have yet (one query over the file's months)."""
    known = set(db.session.scalars(select(StatementLine.fingerprint).where(
        StatementLine.source_id == source_id, StatementLine.period.between(first, last))))
    return [line for line in lines if line.fingerprint not in known]


def _store(source: FundSource, lines: list[StatementLineData], filename: str, sha256: str, total: int,
           actor, matches: Mapping[str, matching.Match], closed: set[int]) -> Optional[int]:
    """Record the import and bulk-insert its new lines, with the match of each (by fingerprint) when
    it has one, those dated in a `closed` month held apart; None when there is nothing new."""
    if not lines:
        return None
    held = sum(1 for line in lines if line.period in closed)
    statement_import = StatementImport(source_id=source.id, filename=filename, file_sha256=sha256,
                                       line_count=total, new_line_count=len(lines), held_line_count=held,
                                       imported_by_id=getattr(actor, "id", None))
    db.session.add(statement_import)
    db.session.flush()
    import_id, source_id, actor_id, now = statement_import.id, source.id, getattr(actor, "id", None), utcnow()
    unmatched = (None, None, None, None)
    rows = []
    for line in lines:
        match = matches.get(line.fingerprint)
        rows.append((import_id, source_id, line.row_number, line.txn_date, line.period, line.direction,
                     line.amount_fen, line.reference, line.payee, line.account, line.summary, line.fingerprint,
                     *((match.payment_id, match.method, actor_id, now) if match else unmatched),
                     MONTH_CLOSED if line.period in closed else None))
    insert_rows(db.session.connection(), StatementLine.__table__, LINE_COLUMNS, rows)  # no ORM work per row
    refresh_awaiting_of(match.payment_id for line in lines if (match := matches.get(line.fingerprint)))
    return statement_import.id


def _payment_is_matched():
    return exists().where(StatementLine.payment_id == Payment.id)


FRESH = 1 << 62  # keys of lines not stored yet: they sort after every stored line, in file order


def match_lines(source_id: int, first: int, last: int, closed: set[int],
                fresh: Sequence[StatementLineData] = ()) -> tuple[list[matching.Match], dict[int, matching.Match]]:
    """Match the source's unmatched stored lines of months first..last (closed months aside) and the
    `fresh` lines about to be stored against its unmatched payments of open months.

    Returns the matches of stored lines, and those of fresh lines keyed by their position in `fresh`.
    """
    lines = [matching.LineToMatch(*row) for row in db.session.execute(
        select(StatementLine.id, StatementLine.txn_date, StatementLine.direction, StatementLine.amount_fen,
               StatementLine.reference, StatementLine.payee, StatementLine.summary).where(
            StatementLine.source_id == source_id, StatementLine.period.between(first, last),
            StatementLine.payment_id.is_(None), StatementLine.explanation.is_(None),
            StatementLine.held_reason.is_(None), StatementLine.period.not_in(closed)))]
    lines += [matching.LineToMatch(FRESH + position, line.txn_date, line.direction, line.amount_fen, line.reference,
                                   line.payee, line.summary) for position, line in enumerate(fresh)]
    if not lines:
        return [], {}
    amounts = {line.signed_fen for line in lines}  # only a payment of an amount some line has can match
    payments = [matching.PaymentToMatch._make(row) for row in db.session.execute(
        select(Payment.id, Payment.paid_on, Payment.amount_fen, Payment.voucher_no, Payment.payee)
        .where(Payment.source_id == source_id, ~_payment_is_matched(), Payment.period.not_in(closed)))
        if row.amount_fen in amounts]
    matches = matching.match_statement_lines(lines, payments, WINDOW_DAYS)
    return ([match for match in matches if match.line_id < FRESH],
            {match.line_id - FRESH: match for match in matches if match.line_id >= FRESH})


def _record_matches(matches: list[matching.Match], actor) -> None:
    """Write matches of stored lines."""
    if matches:
        table = StatementLine.__table__
        db.session.execute(  # Core executemany: no ORM work per row
            update(table).where(table.c.id == bindparam("line")).values(
                payment_id=bindparam("payment"), match_method=bindparam("method"),
                matched_by_id=getattr(actor, "id", None), matched_at=utcnow()),
            [{"line": match.line_id, "payment": match.payment_id, "method": match.method} for match in matches])
        refresh_awaiting_of(match.payment_id for match in matches)


def _unmatched_counts(source_id: int, first: int, last: int) -> tuple[int, int]:
    """(unmatched lines, unmatched payments) of the source in months first..last (held lines aside)."""
    lines = db.session.scalar(select(func.count(StatementLine.id)).where(
        StatementLine.source_id == source_id, StatementLine.period.between(first, last),
        StatementLine.payment_id.is_(None), StatementLine.explanation.is_(None), StatementLine.held_reason.is_(None)))
    payments = db.session.scalar(select(func.count(Payment.id)).where(
        Payment.source_id == source_id, Payment.period.between(first, last), awaiting_statement_line()))
    return int(lines or 0), int(payments or 0)


def _refuse_closed(line: StatementLine, payment: Payment) -> None:
    for day in (line.txn_date, payment.paid_on):
        if month_is_closed(line.source_id, day):
            raise FundsError("line", _l("The month %(month)s is closed for this source.",
                                        month=day.strftime("%Y-%m")))


def _lock_and_refresh(line: StatementLine) -> None:
    """Take the line's source lock, then read the line again: what the caller loaded may be stale."""
    lock_source(line.source_id)
    db.session.refresh(line)


def manual_match(line: StatementLine, payment: Payment, *, actor=None) -> None:
    """Match a line to a payment by hand: same source, equal amounts, both still free, months open."""
    _lock_and_refresh(line)
    if payment.source_id != line.source_id:
        raise FundsError("payment", _l("The payment is from another fund source."))
    if line.payment_id is not None:
        raise FundsError("line", _l("This statement line is already matched."))
    if line.explanation is not None:
        raise FundsError("line", _l("This statement line is explained; withdraw the explanation first."))
    if db.session.scalar(select(exists().where(StatementLine.payment_id == payment.id))):
        raise FundsError("payment", _l("This payment is already matched to another statement line."))
    signed = line.amount_fen if line.direction == "debit" else -line.amount_fen
    if signed != payment.amount_fen:
        raise FundsError("payment", _l(
            "The amounts differ: the statement line is %(line)s yuan, the payment %(payment)s yuan.",
            line=format_yuan(signed), payment=format_yuan(payment.amount_fen)))
    _refuse_closed(line, payment)
    moved = rows_changed(update(StatementLine).where(
        StatementLine.id == line.id, StatementLine.payment_id.is_(None)).values(
        payment_id=payment.id, match_method=matching.MANUAL, matched_by_id=getattr(actor, "id", None),
        matched_at=utcnow()))
    if not moved:
        raise FundsError("line", _l("This statement line is already matched."))
    refresh_awaiting_of([payment.id])
    record("statement.match", user=actor, object_type="statement_line", object_id=line.id,
           after={"payment_id": payment.id, "voucher_no": payment.voucher_no, "amount_fen": payment.amount_fen,
                  "txn_date": line.txn_date, "method": matching.MANUAL})


def unmatch(line: StatementLine, *, actor=None) -> None:
    """Free a matched line and its payment (months open), so either can be matched again."""
    _lock_and_refresh(line)
    payment = db.session.get(Payment, line.payment_id) if line.payment_id is not None else None
    if payment is None:
        raise FundsError("line", _l("This statement line is not matched."))
    _refuse_closed(line, payment)
    before = {"payment_id": payment.id, "voucher_no": payment.voucher_no, "method": line.match_method}
    db.session.execute(update(StatementLine).where(StatementLine.id == line.id).values(
        payment_id=None, match_method=None, matched_by_id=None, matched_at=None))
    refresh_awaiting_of([payment.id])
    record("statement.unmatch", user=actor, object_type="statement_line", object_id=line.id, before=before)


def explain_line(line: StatementLine, reason: str, *, actor=None) -> None:
    """Settle a line no payment will match (a bank fee, money received) with a reason; month open."""
    _lock_and_refresh(line)
    if line.payment_id is not None:
        raise FundsError("line", _l("This statement line is already matched."))
    if line.explanation is not None:
        raise FundsError("line", _l("This statement line is already explained."))
    if not (reason or "").strip():
        raise FundsError("reason", _l("Say what the line is, e.g. a bank fee or money received."))
    if month_is_closed(line.source_id, line.txn_date):
        raise FundsError("line", _l("The month %(month)s is closed for this source.",
                                    month=line.txn_date.strftime("%Y-%m")))
    line.explanation = reason.strip()[:500]
    line.explained_by_id = getattr(actor, "id", None)
    line.explained_at = utcnow()
    db.session.flush()
    record("statement.explain", user=actor, object_type="statement_line", object_id=line.id,
           after={"explanation": line.explanation, "amount_fen": line.amount_fen, "direction": line.direction,
                  "txn_date": line.txn_date})


def withdraw_explanation(line: StatementLine, *, actor=None) -> None:
    """Make an explained line unsettled again (month open)."""
    _lock_and_refresh(line)
    if line.explanation is None:
        raise FundsError("line", _l("This statement line is not explained."))
    if month_is_closed(line.source_id, line.txn_date):
        raise FundsError("line", _l("The month %(month)s is closed for this source.",
                                    month=line.txn_date.strftime("%Y-%m")))
    before = {"explanation": line.explanation}
    line.explanation, line.explained_by_id, line.explained_at = None, None, None
    db.session.flush()
    record("statement.unexplain", user=actor, object_type="statement_line", object_id=line.id, before=before)


@dataclass(frozen=True)
class MonthSummary:
    """A source's month: its statement lines and payments, matched or not."""

    period: int
    lines: int = 0
    matched_lines: int = 0
    debit_fen: int = 0
    credit_fen: int = 0
    payments: int = 0
    matched_payments: int = 0
    paid_fen: int = 0
    closed: bool = False
    held: int = 0  # lines held apart (the month is closed), not among `lines`

    @property
    def reconciled(self) -> bool:
        """Every line and every payment of the month is matched (and there is something)."""
        return (self.lines + self.payments > 0 and self.matched_lines == self.lines
                and self.matched_payments == self.payments)

    @property
    def label(self) -> str:
        """The month as YYYY-MM."""
        return format_month(self.period)


def summary_by_month(source_id: int) -> list[MonthSummary]:
    """Every month with statement lines or payments of the source, newest first (the money of held
    lines counted apart: they are not the month's until it is reopened)."""
    held = StatementLine.held_reason.is_not(None)
    line_rows = db.session.execute(
        select(StatementLine.period, func.count(StatementLine.id) - func.count(StatementLine.held_reason),
               func.count(StatementLine.payment_id) + func.count(StatementLine.explanation),
               func.sum(case((held, 0), (StatementLine.direction == "debit", StatementLine.amount_fen), else_=0)),
               func.sum(case((held, 0), (StatementLine.direction == "credit", StatementLine.amount_fen), else_=0)),
               func.count(StatementLine.held_reason))
        .where(StatementLine.source_id == source_id).group_by(StatementLine.period))
    # Payments from the month summary kept in step; matched = entries less those awaiting a line (a
    # payment and its reversal that no line matches settle each other: neither awaits one).
    awaiting = awaiting_by_period(source_id)
    payment_rows = [(period, entries, entries - awaiting.get(period, 0), paid + reversed_)
                    for period, entries, paid, reversed_ in db.session.execute(
                        select(SourceMonth.period, SourceMonth.entries, SourceMonth.paid_fen, SourceMonth.reversed_fen)
                        .where(SourceMonth.source_id == source_id, SourceMonth.entries > 0))]
    months: dict[int, dict] = {}
    for period, count, matched, debit, credit, held_count in line_rows:
        months[period] = {"lines": count, "matched_lines": matched, "debit_fen": int(debit or 0),
                          "credit_fen": int(credit or 0), "held": held_count}
    for period, count, matched, paid in payment_rows:
        months.setdefault(period, {}).update(payments=count, matched_payments=matched, paid_fen=int(paid or 0))
    closed = closed_periods(source_id)
    return [MonthSummary(period, closed=period in closed, **values)
            for period, values in sorted(months.items(), reverse=True)]
