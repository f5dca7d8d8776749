"""Reading bank and treasury statements: Chinese headers, encodings, xlsx, money columns, located problems."""
from __future__ import annotations

import hashlib
from datetime import date, datetime

from core.forms import MONEY_MESSAGES
from core.money import MAX_FEN
from funds.reconcile.columns import guess_mapping, mapping_from_names, mapping_problems, needs_mapping
from funds.reconcile.statements import read_statement
from tests.spreadsheet_builders import csv_bytes, xlsx_bytes

BANK_HEADERS = ["交易日期", "摘要", "对方户名", "对方账号", "支出金额（元）", "收入金额（元）", "余额", "凭证号"]


def _bank_file(encoding="gb18030"):
    return csv_bytes([
        ["账号：4300 1234 5678", None], ["户名：双牌县财政局（示例）"], ["起止日期：2026-03-01 至 2026-03-31"],
        BANK_HEADERS,
        ["2026-03-04", "付记-2026-0001号 路基工程款", "永州某某路桥建设 有限公司", "6222 0001", "123,456.78", "", "1,000", ""],
        ["2026/3/6", "手续费", "", "", "１５.００", "0.00", "985", ""],
        ["20260307", "退款", "某某劳务", "", "", "8,000.00", "8,985", "R-7"],
        ["合计", "", "", "", "123,471.78", "8,000.00", "", ""],
    ], encoding)


def _summary(statement):
    return [(l.row_number, l.txn_date, l.direction, l.amount_fen, l.payee, l.summary) for l in statement.lines]


def test_gb18030_bank_export_with_account_details_above_the_header():
    """A Chinese bank CSV in GB18030: the header below the account details is found, totals row skipped."""
    statement = read_statement(_bank_file("gb18030"), "工商银行流水.csv")
    assert statement.problems == []
    assert statement.sheet.header_row == 4
    assert _summary(statement) == [
        (5, date(2026, 3, 4), "debit", 12_345_678, "永州某某路桥建设 有限公司", "付记-2026-0001号 路基工程款"),
        (6, date(2026, 3, 6), "debit", 1_500, "", "手续费"),
        (7, date(2026, 3, 7), "credit", 800_000, "某某劳务", "退款")]
    assert statement.lines[0].account == "6222 0001" and statement.lines[2].reference == "R-7"


def test_utf8_bom_and_gb18030_read_alike():
    """The same statement saved as UTF-8 with BOM and as GB18030 gives the same lines and fingerprints."""
    utf8, gbk = read_statement(_bank_file("utf-8-sig")), read_statement(_bank_file("gb18030"))
    assert _summary(utf8) == _summary(gbk)
    assert [l.fingerprint for l in utf8.lines] == [l.fingerprint for l in gbk.lines]


def test_signed_amount_column_negative_is_money_out():
    """In one signed amount column a negative amount is a debit, a positive one a credit."""
    data = csv_bytes([["记账日期", "交易金额", "对方户名称", "用途"], ["2026-03-01 10:22:33", "-5,000.00", "甲公司", "材料款"],
                      ["2026年3月2日", "+1200", "乙公司", "退款"], ["2026-03-03T09:00", "−30", "", "手续费"]])
    statement = read_statement(data, "signed.csv")
    assert statement.problems == []
    assert [(l.txn_date, l.direction, l.amount_fen) for l in statement.lines] == [
        (date(2026, 3, 1), "debit", 500_000), (date(2026, 3, 2), "credit", 120_000), (date(2026, 3, 3), "debit", 3_000)]


def test_amount_with_debit_credit_flag():
    """An amount beside a 借/贷 flag column takes its direction from the flag."""
    data = csv_bytes([["交易日期", "金额", "借贷标志", "对方户名"], ["2026-03-01", "100.00", "借", "甲"], ["2026-03-02", "50", "贷", "乙"],
                      ["2026-03-03", "7", "?", "丙"]], "utf-8")
    statement = read_statement(data)
    assert [(l.direction, l.amount_fen) for l in statement.lines] == [("debit", 10_000), ("credit", 5_000)]
    assert [(p.row, p.column, p.header) for p in statement.problems] == [(4, "C", "借贷标志")]


def test_xlsx_with_real_date_and_number_cells():
    """An .xlsx with date cells, numeric amounts and a numeric account number reads exactly."""
    data = xlsx_bytes(("明细", [
        ["交易时间", "借方发生额", "贷方发生额", "对方户名", "对方帐号", "交易流水号", "摘要"],
        [datetime(2026, 3, 5, 14, 30), 1234.56, None, "双牌某某建筑工程有限公司", 6222020012345678, "FT001", "工程款"],
        [date(2026, 3, 6), None, 0.1, "银行", None, 20260306, "利息"]]))
    statement = read_statement(data, "statement.xlsx")
    assert statement.problems == []
    first, second = statement.lines
    assert (first.txn_date, first.direction, first.amount_fen, first.account, first.reference) == (
        date(2026, 3, 5), "debit", 123_456, "6222020012345678", "FT001")
    assert (second.direction, second.amount_fen, second.reference) == ("credit", 10, "20260306")


def test_bad_rows_are_reported_with_spreadsheet_row_and_column():
    """Every bad cell is reported by its row number and column as the spreadsheet shows them; no line is kept."""
    data = csv_bytes([["交易日期", "摘要", "对方户名", "支出金额", "收入金额"],
                      ["2026-03-01", "好的", "甲", "10.00", ""],
                      ["2026-02-30", "日期不对", "乙", "abc", ""],
                      ["", "没有日期", "丙", "5", "5"],
                      ["2026-03-04", "没有金额", "丁", "", ""],
                      ["2026-03-05", "太精确", "戊", "1.234", ""]])
    statement = read_statement(data, "bad.csv")
    assert [(p.row, p.column, p.header) for p in statement.problems] == [
        (3, "A", "交易日期"), (3, "D", "支出金额"), (4, "A", "交易日期"), (4, "D", "支出金额"), (5, "D", "支出金额"),
        (6, "D", "支出金额")]
    assert "2026-03-01" in str(statement.problems[0].message)
    assert [line.row_number for line in statement.lines] == [2]


def test_unreadable_or_empty_file_is_one_problem():
    """An old .xls or an empty file is one problem for the whole file (row 0)."""
    old = read_statement(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls")
    assert [(p.row, p.column) for p in old.problems] == [(0, "")] and ".xls" in str(old.problems[0].message)
    header_only = read_statement(csv_bytes([["交易日期", "支出金额"]]), "empty.csv")
    assert [p.row for p in header_only.problems] == [0]


def test_unknown_headers_need_a_mapping_and_a_mapping_fixes_them():
    """Headers not recognised ask for a mapping; with one, the file reads."""
    headers = ["记账日", "借方数", "贷方数", "对方", "备注"]
    assert needs_mapping(headers)
    assert [str(m) for m in mapping_problems(guess_mapping(headers))] == [
        "Choose the column that holds the date.", "Choose the amount column, or the debit and credit columns."]
    assert not needs_mapping(BANK_HEADERS)  # 余额 is known and not read
    assert guess_mapping(["交易日期", "发生额（借）", "发生额(贷)(元)"]) == {0: "date", 1: "debit", 2: "credit"}
    mapping = mapping_from_names(headers, {"date": "记账日", "debit": "借方数", "credit": "贷方数", "payee": "对方"})
    data = csv_bytes([headers, ["2026-03-01", "10", "", "甲", "x"]])
    statement = read_statement(data, mapping=mapping)
    assert statement.problems == [] and (statement.lines[0].payee, statement.lines[0].summary) == ("甲", "x")


def test_mapping_must_be_coherent():
    """A mapping with both a signed amount and debit/credit columns, or a field twice, is refused."""
    assert len(mapping_problems({0: "date", 1: "amount", 2: "debit"})) == 1
    assert len(mapping_problems({0: "date", 1: "debit", 2: "debit"})) == 1
    assert mapping_problems({0: "date", 1: "debit", 2: "credit"}) == []


def test_twin_lines_keep_distinct_fingerprints_and_rereading_repeats_them():
    """Two identical lines in one file get different fingerprints; reading the file again gives the same ones."""
    rows = [["交易日期", "支出金额", "对方户名"], ["2026-03-01", "10", "甲"], ["2026-03-01", "10", "甲"],
            ["2026-03-01", "10", "甲 "]]
    first, again = read_statement(csv_bytes(rows)), read_statement(csv_bytes(rows))
    prints = [line.fingerprint for line in first.lines]
    assert len(set(prints)) == 3 and prints == [line.fingerprint for line in again.lines]


def test_messy_amounts_in_gb18030_read_as_the_forms_read_them():
    """Amounts as Chinese bank exports write them (full-width, padded, ¥, 万, grouped, no decimals, at the
    limit) read exactly, and the malformed, too precise and too large ones are refused with the forms' words."""
    headers = ["交易日期", "支出金额（元）", "收入金额（元）", "对方户名", "摘要"]
    rows = [["2026-03-01", "1,234.56", "", "永州某某路桥建设有限公司（示例）", "工程款"],
            ["2026/3/2", "１,２３４.５０", "", "ＡＢＣ　建设", " 材料款 "], ["20260303", " 12.5 ", "", "甲", ""],
            ["2026年3月4日", "¥3.05", "", "乙", ""], ["2026-03-05 09:30:00", "12万", "", "丙", ""],
            ["2026-03-06", "", "0.1", "银行", "利息"], ["2026-03-07", "100,000,000,000.00", "", "丁", ""],
            ["2026-03-08", "007", "", "戊", ""], ["２０２６-03-09", "5.", "", "己", ""],
            ["2026-03-10", "100000000000.01", "", "庚", ""], ["2026-03-11", "1.234", "", "辛", ""],
            ["2026-03-12", "1,23", "", "壬", ""], ["2026-03-13", "-5", "", "癸", ""],
            ["合计", "100,000,001,260.11", "0.10", "", ""]]
    statement = read_statement(csv_bytes([headers] + rows, "gb18030"), "messy.csv")
    assert [(l.row_number, l.txn_date.day, l.direction, l.amount_fen) for l in statement.lines] == [
        (2, 1, "debit", 123_456), (3, 2, "debit", 123_450), (4, 3, "debit", 1_250), (5, 4, "debit", 305),
        (6, 5, "debit", 12_000_000), (7, 6, "credit", 10), (8, 7, "debit", MAX_FEN), (9, 8, "debit", 700),
        (14, 13, "credit", 500)]  # a negative debit is money in
    assert (statement.lines[1].payee, statement.lines[1].summary) == ("ＡＢＣ　建设", "材料款")
    assert [(p.row, p.column, str(p.message)) for p in statement.problems] == [
        (10, "B", str(MONEY_MESSAGES["malformed"])), (11, "B", str(MONEY_MESSAGES["too_large"])),
        (12, "B", str(MONEY_MESSAGES["too_precise"])), (13, "B", str(MONEY_MESSAGES["malformed"]))]


def test_signs_in_a_signed_amount_column():
    """In one signed column a leading minus (ASCII or −) is money out, a plus money in, and -0 is no amount."""
    data = csv_bytes([["记账日期", "交易金额", "对方户名"], ["2026-03-01", "-1,234.50", "甲"], ["2026-03-02", "+1,234.50", "乙"],
                      ["2026-03-03", "−7", "丙"], ["2026-03-04", "--7", "丁"], ["2026-03-05", "+-7", "戊"],
                      ["2026-03-06", "-0", "己"]], "gb18030")
    statement = read_statement(data, "signed.csv")
    assert [(l.row_number, l.direction, l.amount_fen) for l in statement.lines] == [
        (2, "debit", 123_450), (3, "credit", 123_450), (4, "debit", 700), (5, "debit", 700), (6, "credit", 700)]
    assert [(p.row, p.column) for p in statement.problems] == [(7, "B")]


def test_fingerprint_is_the_sha256_of_the_line_as_written_down():
    """The fingerprint's recipe is fixed (statements imported before a change must be recognised after it):
    SHA-256 of date, direction, fen and the texts full-width folded with runs of spaces as one, then the
    occurrence of the same content in the file, joined by US (0x1f)."""
    data = csv_bytes([["交易日期", "支出金额", "对方户名", "对方账号", "摘要", "凭证号"],
                      ["2026-03-04", "123,456.78", "永州某某路桥建设  有限公司（示例）", "6222 0001", "工程款", "ＦＴ-001"],
                      ["2026-03-04", "123,456.78", "永州某某路桥建设 有限公司(示例)", "6222 0001", "工程款", "FT-001"]],
                     "gb18030")
    content = "\x1f".join(["2026-03-04", "debit", "12345678", "FT-001", "永州某某路桥建设 有限公司(示例)", "6222 0001", "工程款"])
    expected = [hashlib.sha256(f"{content}\x1f{occurrence}".encode()).hexdigest() for occurrence in (0, 1)]
    assert [line.fingerprint for line in read_statement(data, "twins.csv").lines] == expected
