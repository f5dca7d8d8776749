"""The month summary kept in step with payments, and the pages that read it instead of the payments:
whatever was paid, reversed or matched, they show what summing the payments themselves shows."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import case, func, select

from extensions import db
from funds.ledger import queries as ledger_queries
from funds.ledger import services as ledger
from funds.models import FundSource, Payment, SourceMonth, StatementLine
from funds.reconcile.services import import_statement
from reports.filters import ReportFilter
from reports.queries import monthly_payments
from tests import factories
from tests.spreadsheet_builders import csv_bytes

ROADS = "永州某某路桥建设有限公司（示例）"
HEADERS = ["交易日期", "摘要", "对方户名", "支出金额", "收入金额", "凭证号"]


@pytest.fixture
def paid(app):
    """Payments over three months of 2026 (and one of 2025) from two sources; two reversed.

    Jan: A (matched by the bank).  Feb: B; C, reversed in March and never seen by the bank.
    Mar: D (matched) reversed the same month (its reversal unmatched); E on the 20th.
    """
    project = factories.make_project(code="SP-S-001")
    milestone = factories.make_milestone(project)
    county = factories.make_source(received_fen=100_000_000, code="FIS-S")
    other = factories.make_source(received_fen=100_000_000, code="AGR-S")
    for source in (county, other):
        ledger.allocate(source, project, delta_fen=50_000_000, entry_date=date(2025, 12, 1))

    def pay(source, voucher, day, fen):
        return ledger.record_payment(source, project, milestone, voucher_no=voucher, payee=ROADS, paid_on=day,
                                     amount_fen=fen, cost_category="materials")

    pay(county, "A", date(2026, 1, 8), 1_000_000)
    pay(county, "B", date(2026, 2, 3), 2_000_000)
    c = pay(county, "C", date(2026, 2, 17), 3_000_000)
    d = pay(county, "D", date(2026, 3, 2), 4_000_000)
    pay(county, "E", date(2026, 3, 20), 500_000)
    pay(county, "Z", date(2025, 12, 30), 700_000)
    pay(other, "O-1", date(2026, 2, 9), 900_000)
    ledger.reverse_payment(c, voucher_no="C-R", reversed_on=date(2026, 3, 4), reason="重复录入")
    ledger.reverse_payment(d, voucher_no="D-R", reversed_on=date(2026, 3, 9), reason="金额有误")
    db.session.commit()
    statement = csv_bytes([HEADERS, ["2026-01-08", "A 工程款", ROADS, "10,000.00", "", "A"],
                           ["2026-03-02", "D 工程款", ROADS, "40,000.00", "", "D"]], "gb18030")
    import_statement(county, statement, "bank.csv")
    db.session.commit()
    return county, other


def _raw_months(source_id: int) -> dict[int, tuple[int, int, int, int]]:
    """(paid, reversed, entries, awaiting a line) per month, summed from the payments themselves."""
    rows = db.session.execute(
        select(Payment.period, func.sum(case((Payment.amount_fen > 0, Payment.amount_fen), else_=0)),
               func.sum(case((Payment.amount_fen < 0, Payment.amount_fen), else_=0)), func.count(Payment.id),
               func.sum(case((ledger.awaiting_statement_line(), 1), else_=0)))
        .where(Payment.source_id == source_id).group_by(Payment.period))
    return {row[0]: tuple(int(value) for value in row[1:]) for row in rows}


def test_ledger_months_match_the_payments_and_pair_unseen_reversals(paid):
    county, _ = paid
    matched = set(db.session.scalars(select(Payment.voucher_no).join(StatementLine,
                                                                    StatementLine.payment_id == Payment.id)))
    assert matched == {"A", "D"}
    shown = {line.period: (line.paid_fen, line.reversed_fen, line.entries, line.unmatched_payments)
             for line in ledger_queries.months(county.id)}
    assert shown == _raw_months(county.id)
    # B waits; C and its reversal cancel out unseen; D's reversal waits because the bank saw D; E waits.
    assert {period: row[3] for period, row in shown.items()} == {202512: 1, 202601: 0, 202602: 1, 202603: 2}


def test_month_summary_moves_with_each_payment_and_reversal(paid):
    county, other = paid
    month = db.session.get(SourceMonth, (county.id, 202603))
    assert (month.paid_fen, month.reversed_fen, month.entries) == (4_500_000, -7_000_000, 4)
    assert db.session.get(SourceMonth, (other.id, 202602)).paid_fen == 900_000
    assert db.session.get(SourceMonth, (other.id, 202603)) is None


@pytest.mark.parametrize("as_of", [date(2026, 3, 15), date(2026, 3, 31), date(2026, 1, 31), date(2027, 5, 1)])
@pytest.mark.parametrize("source", [None, "FIS-S"])
def test_monthly_spending_from_the_summary_equals_summing_payments(paid, as_of, source):
    source_id = db.session.scalar(select(FundSource.id).where(FundSource.code == source)) if source else None
    raw = select(FundSource.code, Payment.period, func.sum(Payment.amount_fen)).join(
        FundSource, FundSource.id == Payment.source_id).where(
        Payment.period.between(202601, 202612), Payment.paid_on <= as_of).group_by(FundSource.code, Payment.period)
    if source_id:
        raw = raw.where(Payment.source_id == source_id)
    expected = {(code, period): int(total) for code, period, total in db.session.execute(raw)}
    assert monthly_payments(ReportFilter(source_id=source_id), 2026, as_of) == expected
    if as_of == date(2026, 3, 15):  # E (the 20th) is after the as-of day; D and its reversal net to nothing
        assert expected[("FIS-S", 202603)] == -3_000_000


def test_reconciliation_months_count_payments_as_the_payments_do(paid):
    """The reconciliation page's months: payments, matched payments (an unseen reversal pair counts as
    settled) and net money, as summing the payments themselves gives them."""
    from funds.reconcile.services import summary_by_month

    county, _ = paid
    shown = {month.period: (month.payments, month.matched_payments, month.paid_fen)
             for month in summary_by_month(county.id) if month.payments}
    expected = {period: (entries, entries - awaiting, paid_fen + reversed_fen)
                for period, (paid_fen, reversed_fen, entries, awaiting) in _raw_months(county.id).items()}
    assert shown == expected
    assert shown[202603] == (4, 2, -2_500_000)  # D matched, C's reversal settled with C; D's reversal and E wait
