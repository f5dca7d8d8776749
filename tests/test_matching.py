"""Matching statement lines to payments on realistic, messy bank data, without the app or a database."""
from __future__ import annotations

import time
from datetime import date, timedelta

from funds.reconcile.matching import (
    AMOUNT_PAYEE,
    PAYEE_THRESHOLD,
    REFERENCE,
    LineToMatch,
    Match,
    PaymentToMatch,
    match_statement_lines,
    normalise_name,
    normalise_reference,
    payee_similarity,
)

ROADS = "永州某某路桥建设有限公司（示例）"
BUILDER = "双牌某某建筑工程有限公司（示例）"
TELECOM = "湖南某某通信工程有限公司（示例）"


def line(id, day, amount_fen, payee="", summary="", reference="", direction="debit"):
    return LineToMatch(id, day, direction, amount_fen, reference=reference, payee=payee, summary=summary)


def payment(id, day, amount_fen, payee, voucher=None):
    return PaymentToMatch(id, day, amount_fen, voucher or f"记-2026-{id:04d}", payee)


def test_names_fold_spacing_full_width_and_suffixes():
    """Spaces, full-width letters, a （示例） note and the legal form do not make two names differ."""
    assert normalise_name("永州某某路桥建设 有限公司") == normalise_name(ROADS) == "永州某某路桥建设"
    assert normalise_name("ＡＢＣ 建设有限公司") == normalise_name("abc建设公司") == "abc建设"
    assert normalise_name("双牌县　某某劳务（示例）") == "双牌县某某劳务"


def test_payee_similarity_threshold_separates_firms():
    """An abbreviated name still matches its firm; a different firm stays below the threshold."""
    assert payee_similarity(normalise_name("双牌路桥"), normalise_name("双牌县路桥建设有限公司")) >= PAYEE_THRESHOLD
    assert payee_similarity(normalise_name("某某路桥建设"), normalise_name(ROADS)) >= PAYEE_THRESHOLD
    assert payee_similarity(normalise_name(ROADS), normalise_name(TELECOM)) < PAYEE_THRESHOLD
    assert payee_similarity("", normalise_name(ROADS)) == 0.0


def test_voucher_number_found_in_summary_despite_chinese_prefix():
    """记-2026-0001 is found in 摘要 "付记-2026-0001号工程款" and in a reference written ＪＩ 2026/0001-style."""
    assert normalise_reference("记-2026-0001") == "20260001"
    lines = [line(1, date(2026, 3, 20), 12_345_678, payee="别的名字", summary="付记-2026-0001号 路基工程款"),
             line(2, date(2026, 3, 5), 500_000, reference="记 2026 0002")]
    payments = [payment(1, date(2026, 3, 3), 12_345_678, ROADS), payment(2, date(2026, 2, 1), 500_000, BUILDER)]
    assert match_statement_lines(lines, payments) == [Match(2, 2, REFERENCE), Match(1, 1, REFERENCE)]


def test_reference_needs_the_same_amount():
    """A voucher number with a different amount is not a match, by reference or otherwise."""
    lines = [line(1, date(2026, 3, 3), 12_345_600, payee=ROADS, summary="记-2026-0001")]
    assert match_statement_lines(lines, [payment(1, date(2026, 3, 3), 12_345_678, ROADS)]) == []


def test_amount_date_and_messy_payee():
    """Without a reference, the same amount within three days to the same firm (spaced, full-width) matches."""
    lines = [line(1, date(2026, 3, 12), 5_000_000, payee="双牌某某建筑工程 有限公司"),
             line(2, date(2026, 3, 12), 800_000, payee="ＸＹＺ劳务"),
             line(3, date(2026, 3, 20), 300_000, payee=TELECOM)]
    payments = [payment(1, date(2026, 3, 10), 5_000_000, BUILDER), payment(2, date(2026, 3, 11), 800_000, "xyz劳务"),
                payment(3, date(2026, 3, 15), 300_000, TELECOM)]  # five days away: outside the window
    assert set(match_statement_lines(lines, payments)) == {Match(1, 1, AMOUNT_PAYEE), Match(2, 2, AMOUNT_PAYEE)}


def test_same_amount_twice_goes_to_the_right_payee_and_date():
    """Two lines of 50,000 on one day go to their own firms; the same firm twice goes by nearest date."""
    day = date(2026, 3, 10)
    lines = [line(1, day, 5_000_000, payee="湖南某某通信工程有限公司"), line(2, day, 5_000_000, payee="双牌某某建筑工程有限公司"),
             line(3, date(2026, 4, 8), 100_000, payee=ROADS), line(4, date(2026, 4, 2), 100_000, payee=ROADS)]
    payments = [payment(1, day, 5_000_000, BUILDER), payment(2, day, 5_000_000, TELECOM),
                payment(3, date(2026, 4, 7), 100_000, ROADS), payment(4, date(2026, 4, 3), 100_000, ROADS)]
    assert sorted(match_statement_lines(lines, payments), key=lambda m: m.line_id) == [
        Match(1, 2, AMOUNT_PAYEE), Match(2, 1, AMOUNT_PAYEE), Match(3, 3, AMOUNT_PAYEE), Match(4, 4, AMOUNT_PAYEE)]


def test_bank_fee_and_twin_lines_stay_unmatched():
    """A bank fee has no payment, and of two identical lines only one gets the single payment."""
    lines = [line(1, date(2026, 3, 31), 1_500, summary="手续费"),
             line(2, date(2026, 3, 5), 200_000, payee=ROADS), line(3, date(2026, 3, 5), 200_000, payee=ROADS)]
    matches = match_statement_lines(lines, [payment(1, date(2026, 3, 5), 200_000, ROADS)])
    assert matches == [Match(2, 1, AMOUNT_PAYEE)]


def test_refund_credit_matches_a_reversal_only():
    """Money back in matches a reversal of the same absolute amount; money out never matches a reversal."""
    reversal = payment(2, date(2026, 4, 2), -300_000, ROADS, voucher="记-2026-0009")
    credit = line(1, date(2026, 4, 3), 300_000, payee=ROADS, summary="退回 记-2026-0009", direction="credit")
    debit = line(2, date(2026, 4, 3), 300_000, payee=ROADS)
    assert match_statement_lines([credit], [reversal]) == [Match(1, 2, REFERENCE)]
    assert match_statement_lines([debit], [reversal]) == []


def test_better_payee_wins_over_file_order():
    """Candidates are ranked across all lines: the exact name gets the payment even when listed second."""
    lines = [line(1, date(2026, 3, 5), 90_000, payee="双牌路桥"), line(2, date(2026, 3, 5), 90_000, payee="双牌县路桥建设有限公司")]
    assert match_statement_lines(lines, [payment(1, date(2026, 3, 5), 90_000, "双牌县路桥建设有限公司")]) == [
        Match(2, 1, AMOUNT_PAYEE)]


def test_matching_scales_without_nested_loops():
    """20,000 lines against 100,000 payments match in a few seconds (dict and date indexes, not all pairs)."""
    start_day = date(2026, 1, 1)
    payments = [payment(i, start_day + timedelta(days=i % 300), 10_000 + i, f"供应商{i % 997}号") for i in range(100_000)]
    lines = [line(i, start_day + timedelta(days=i % 300 + 1), 10_000 + i, payee=f"供应商{i % 997}号")
             for i in range(0, 100_000, 5)]
    began = time.perf_counter()
    matches = match_statement_lines(lines, payments)
    assert len(matches) == len(lines)
    assert time.perf_counter() - began < 5
