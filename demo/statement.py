"""The demo's bank statement: the county's fiscal account for the last three months, reconciled.

Built from the payments the demo recorded, with the mess a real export has (spaces inside payee
names, full-width digits, a bank fee, money received), imported and matched exactly as finance
would, the fee and the receipt explained, and the oldest month closed. One payment of the latest
month is left off the statement, so the reconciliation page shows work still to do. Loaded once:
a source that already has a statement is left alone.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from extensions import db
from funds.ledger.services import close_month, unreconciled_counts
from funds.models import FundSource, Payment, StatementImport, StatementLine, month_of
from funds.reconcile.services import explain_line, import_statement

HEADERS = ["交易日期", "摘要", "对方户名", "支出金额", "收入金额"]
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def _months_back(today: date, count: int) -> list[int]:
    periods, year, month = [], today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        periods.append(year * 100 + month)
    return sorted(periods)


def _rows(payments: Sequence[Payment], periods: list[int]) -> list[list[str]]:
    rows = []
    for index, payment in enumerate(payments):
        if payment.period == periods[-1] and index == len(payments) - 1:
            continue  # not yet on the bank's books: left for the reconciliation page
        payee = payment.payee.replace("（示例）", "")
        payee = payee[:2] + " " + payee[2:] if index % 3 == 0 else payee
        amount = f"{payment.amount_fen / 100:,.2f}" if payment.amount_fen > 0 else ""
        amount = amount.translate(FULL_WIDTH) if index % 4 == 1 else amount
        refund = f"{-payment.amount_fen / 100:,.2f}" if payment.amount_fen < 0 else ""
        rows.append([payment.paid_on.isoformat(), f"付{payment.voucher_no}号", payee, amount, refund])
    first = periods[0]
    rows.append([date(first // 100, first % 100, 28).isoformat(), "账户管理费", "", "15.00", ""])
    rows.append([date(first // 100, first % 100, 5).isoformat(), "上级拨款", "双牌县财政局国库", "", "500,000.00"])
    return rows


def seed_statement(source: FundSource, today: date, actor) -> int:
    """Import, match, explain and close as described above; returns the number of lines imported."""
    if db.session.scalar(select(StatementImport.id).where(StatementImport.source_id == source.id).limit(1)):
        return 0
    periods = _months_back(today, 3)
    payments = db.session.scalars(select(Payment).where(Payment.source_id == source.id,
                                                        Payment.period.in_(periods))
                                  .order_by(Payment.paid_on, Payment.id)).all()
    if not payments:
        return 0
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerows([HEADERS] + _rows(payments, periods))
    result = import_statement(source, text.getvalue().encode("gb18030"), "国库流水（演示）.csv", actor=actor)
    for line in db.session.scalars(select(StatementLine).where(
            StatementLine.source_id == source.id, StatementLine.payment_id.is_(None),
            StatementLine.summary.in_(("账户管理费", "上级拨款")))):
        explain_line(line, "银行手续费" if line.summary == "账户管理费" else "上级拨款到账", actor=actor)
    if unreconciled_counts(source.id, periods[0]) == (0, 0) and periods[0] < month_of(today):
        close_month(source, periods[0], today=today, actor=actor)
    return result.new
