"""Importing statements and reconciling them with payments: whole or nothing, idempotent, audited, on the
web and on the command line alike."""
from __future__ import annotations

import gc
import json
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from funds.ledger import services as ledger
from funds.ledger.services import FundsError
from funds.models import MonthClose, Payment, StatementImport, StatementLine
from funds.reconcile.services import StatementRejected, import_statement, manual_match, summary_by_month, unmatch
from tests import factories
from tests.spreadsheet_builders import csv_bytes

EN = {"Accept-Language": "en"}
HEADERS = ["交易日期", "摘要", "对方户名", "支出金额", "收入金额", "凭证号"]
ROADS, BUILDER, TELECOM = "永州某某路桥建设有限公司（示例）", "双牌某某建筑工程有限公司（示例）", "湖南某某通信工程有限公司（示例）"
MARCH_ROWS = [
    ["2026-03-04", "付记-2026-0001号 路基工程款", "永州某某路桥建设有限公司", "123,456.78", "", ""],
    ["2026-03-11", "工程款", "湖南 某某通信工程 有限公司", "50,000.00", "", ""],
    ["2026-03-11", "工程款", "双牌某某建筑工程有限公司(示例)", "５０,０００.００", "", ""],
    ["2026-03-31", "手续费", "", "15.00", "", ""],
]


@pytest.fixture
def funded(app):
    """A source paying four March payments: two of the same amount, one with no statement line."""
    project = factories.make_project(code="SP-R-001")
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=100_000_000, code="FIS-R")
    ledger.allocate(source, project, delta_fen=50_000_000, entry_date=date(2026, 2, 1))
    for number, (payee, day, fen) in enumerate([(ROADS, date(2026, 3, 3), 12_345_678), (BUILDER, date(2026, 3, 10), 5_000_000),
                                                (TELECOM, date(2026, 3, 10), 5_000_000), ("双牌县某某劳务（示例）", date(2026, 3, 20), 800_000)],
                                               start=1):
        ledger.record_payment(source, project, milestone, voucher_no=f"记-2026-{number:04d}", payee=payee, paid_on=day,
                              amount_fen=fen, cost_category="materials")
    db.session.commit()
    return source


def _statement(rows=MARCH_ROWS, encoding="gb18030"):
    return csv_bytes([HEADERS] + rows, encoding)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _payment(voucher):
    return db.session.scalar(select(Payment).where(Payment.voucher_no == voucher))


def _line(summary_or_payee):
    return db.session.scalar(select(StatementLine).where(
        (StatementLine.summary == summary_or_payee) | (StatementLine.payee == summary_or_payee)))


def test_import_matches_by_reference_then_amount_date_and_payee(funded):
    """The voucher in 摘要 matches by reference; the same amount twice goes to each firm; the fee stays open."""
    result = import_statement(funded, _statement(), "march.csv")
    db.session.commit()
    assert result.as_json() == {"lines": 4, "new": 4, "matched": 3, "unmatched_lines": 1, "unmatched_payments": 1,
                                "held_closed_month": 0}
    pairs = {line.summary + "|" + line.payee: (db.session.get(Payment, line.payment_id).voucher_no, line.match_method)
             for line in db.session.scalars(select(StatementLine).where(StatementLine.payment_id.is_not(None)))}
    assert pairs == {"付记-2026-0001号 路基工程款|永州某某路桥建设有限公司": ("记-2026-0001", "reference"),
                     "工程款|湖南 某某通信工程 有限公司": ("记-2026-0003", "amount_payee"),
                     "工程款|双牌某某建筑工程有限公司(示例)": ("记-2026-0002", "amount_payee")}
    assert _line("手续费").payment_id is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.import")).one()
    assert event.after["new"] == 4 and event.after["matched"] == 3 and len(event.after["sha256"]) == 64


def test_reimporting_the_same_statement_adds_nothing(funded):
    """The same file again, even re-encoded as UTF-8, adds no line, no import and no audit event."""
    import_statement(funded, _statement(), "march.csv")
    db.session.commit()
    again = import_statement(funded, _statement(encoding="utf-8-sig"), "march-again.csv")
    db.session.commit()
    assert (again.new, again.matched, again.lines) == (0, 0, 4)
    assert (_count(StatementLine), _count(StatementImport)) == (4, 1)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "statement.import")) == 1


def test_twin_bank_lines_are_both_kept(funded):
    """Two genuinely identical lines in one file are two lines; importing the file again keeps two."""
    fee = ["2026-03-31", "手续费", "", "15.00", "", ""]
    import_statement(funded, _statement([fee, fee]), "fees.csv")
    import_statement(funded, _statement([fee, fee]), "fees.csv")
    db.session.commit()
    assert _count(StatementLine) == 2


def test_a_bad_row_stores_nothing(funded):
    """One bad row refuses the whole file: no line, no import, no match, and the problem names row and column."""
    with pytest.raises(StatementRejected) as refused:
        import_statement(funded, _statement(MARCH_ROWS + [["2026-03-32", "x", "y", "1", "", ""]]), "bad.csv")
    db.session.rollback()
    assert [(p.row, p.column, p.header) for p in refused.value.problems] == [(6, "A", "交易日期")]
    assert (_count(StatementLine), _count(StatementImport)) == (0, 0)


def test_later_payment_matches_on_reimport(funded):
    """A line left open matches when its payment is recorded later and the statement is imported again."""
    import_statement(funded, _statement(MARCH_ROWS + [["2026-03-22", "劳务费", "双牌县某某劳务", "8,000.00", "", ""]]), "m.csv")
    db.session.commit()
    assert _line("劳务费").payment_id == _payment("记-2026-0004").id


def test_refund_matches_the_reversal(funded):
    """A credit line (money returned) matches the reversal of the same absolute amount."""
    original = _payment("记-2026-0004")
    ledger.reverse_payment(original, voucher_no="记-2026-0005", reversed_on=date(2026, 4, 2), reason="重复支付")
    db.session.commit()
    import_statement(funded, _statement([["2026-04-03", "退回 记-2026-0005", "双牌县某某劳务", "", "8,000.00", ""]]), "april.csv")
    db.session.commit()
    assert _line("退回 记-2026-0005").payment_id == _payment("记-2026-0005").id


def test_manual_match_and_unmatch_are_audited(funded):
    """Finance frees a pair and matches it again by hand; both changes leave an audit event."""
    import_statement(funded, _statement(), "march.csv")
    db.session.commit()
    line = _line("湖南 某某通信工程 有限公司")
    unmatch(line, actor=None)
    db.session.commit()
    db.session.expire_all()
    assert line.payment_id is None and line.match_method is None
    manual_match(line, _payment("记-2026-0003"), actor=None)
    db.session.commit()
    db.session.expire_all()
    assert (line.payment_id, line.match_method) == (_payment("记-2026-0003").id, "manual")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("statement.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["statement.import", "statement.unmatch", "statement.match"]


def test_manual_match_refuses_different_amounts_and_taken_payments(funded):
    """A bank fee cannot be matched to an 8,000 payment, nor a line to a payment already matched."""
    import_statement(funded, _statement(), "march.csv")
    db.session.commit()
    fee = _line("手续费")
    with pytest.raises(FundsError) as different:
        manual_match(fee, _payment("记-2026-0004"))
    assert "15.00" in str(different.value) and "8,000.00" in str(different.value)
    with pytest.raises(FundsError):
        manual_match(fee, _payment("记-2026-0001"))
    db.session.rollback()
    assert _line("手续费").payment_id is None


def test_closed_month_refuses_matching_and_unmatching_and_holds_new_lines_apart(funded):
    """Once March is closed its lines can be neither matched nor unmatched, and a new March line is held apart."""
    import_statement(funded, _statement(), "march.csv")
    db.session.add(MonthClose(source_id=funded.id, period=202603))
    db.session.commit()
    with pytest.raises(FundsError):
        unmatch(_line("湖南 某某通信工程 有限公司"))
    with pytest.raises(FundsError):
        manual_match(_line("手续费"), _payment("记-2026-0004"))
    db.session.rollback()
    result = import_statement(funded, _statement([["2026-03-20", "劳务", "双牌县某某劳务", "8,000.00", "", ""]]),
                              "late.csv")
    db.session.commit()
    assert (result.new, result.matched, result.held_closed_month) == (1, 0, 1)
    assert _line("劳务").held_reason == "month_closed" and _line("劳务").payment_id is None
    assert _count(StatementLine) == 5


def test_summary_by_month_says_when_a_month_is_reconciled(funded):
    """March is reconciled only once every line and every payment of it is matched."""
    import_statement(funded, _statement(MARCH_ROWS[:3] + [["2026-03-21", "劳务", "双牌县某某劳务", "8,000", "", ""]]), "m.csv")
    db.session.commit()
    march = summary_by_month(funded.id)[0]
    assert (march.period, march.lines, march.matched_lines, march.payments, march.matched_payments) == (202603, 4, 4, 4, 4)
    assert march.reconciled and march.debit_fen == march.paid_fen == 12_345_678 + 10_000_000 + 800_000
    unmatch(_line("劳务"))
    assert not summary_by_month(funded.id)[0].reconciled


# --- the web pages and the command line -------------------------------------------------------------


def _upload(client, source, data, name="流水.csv"):
    return client.post(f"/funds/sources/{source.id}/statements", data={"file": (BytesIO(data), name)},
                       content_type="multipart/form-data", headers=EN)


def test_web_import_then_both_sides_are_shown(funded, client, auth):
    """Finance uploads a GB18030 statement; the page shows the fee with no payment and the payment with no line."""
    auth.as_role("finance")
    response = _upload(client, funded, _statement())
    assert response.status_code == 302 and "period=2026-03" in response.headers["Location"]
    page = client.get(response.headers["Location"], headers=EN).data.decode()
    assert "4 lines read, 4 new, 3 matched" in page
    assert "手续费" in page and "记-2026-0004" in page and "By reference" in page and "By amount, date and payee" in page


def test_web_mapping_step_for_unknown_headers(funded, client, auth):
    """Unrecognised headers lead to a mapping page pre-filled with what was recognised; the chosen mapping imports."""
    auth.as_role("finance")
    data = csv_bytes([["交易日期", "本次划款", "对方户名"], ["2026-03-04", "123,456.78", "永州某某路桥建设有限公司"]])
    response = _upload(client, funded, data)
    assert "/mapping" in response.headers["Location"]
    page = client.get(response.headers["Location"], headers=EN).data.decode()
    assert "本次划款" in page and '<option selected value="date">' in page
    response = client.post(response.headers["Location"], data={"c0": "date", "c1": "debit", "c2": "payee"}, headers=EN)
    assert response.status_code == 302
    assert _line("永州某某路桥建设有限公司").payment_id == _payment("记-2026-0001").id


def test_web_statement_is_parsed_once_and_its_table_kept(funded, client, auth, app, tmp_path, monkeypatch):
    """The upload parses the file; the mapping page and the import read the kept table (not the
    file's bytes, which are not kept), and the import record has the uploaded file's SHA-256."""
    import hashlib

    from funds.reconcile import statements

    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    parses = []
    real = statements.read_table
    monkeypatch.setattr(statements, "read_table", lambda *args, **kwargs: parses.append(1) or real(*args, **kwargs))
    auth.as_role("finance")
    data = csv_bytes([["交易日期", "本次划款", "对方户名"], ["2026-03-04", "123,456.78", "永州某某路桥建设有限公司"]])
    location = _upload(client, funded, data).headers["Location"]
    token = location.rsplit("/", 2)[-2]
    assert (tmp_path / "uploads" / token).read_bytes()[:2] == b"\x1f\x8b"  # the parsed table, gzip'd
    assert client.get(location, headers=EN).status_code == 200
    assert client.post(location, data={"c0": "date", "c1": "debit", "c2": "payee"}, headers=EN).status_code == 302
    assert parses == [1]
    assert db.session.scalar(select(StatementImport.file_sha256)) == hashlib.sha256(data).hexdigest()
    assert not (tmp_path / "uploads" / token).exists()


def test_web_refused_file_lists_every_problem(funded, client, auth):
    """A bad file is refused on the page with each problem's row and column, and nothing is stored."""
    auth.as_role("finance")
    page = _upload(client, funded, _statement([["2026-03-01", "x", "y", "abc", "", ""]])).data.decode()
    assert "Nothing was stored" in page and "<td class=\"num\">2</td><td>D (支出金额)</td>" in page
    assert _count(StatementLine) == 0


@pytest.mark.parametrize("data", [b"hello", b"hello\nworld\n"])
def test_web_refuses_a_file_that_holds_no_table(funded, client, auth, data):
    """A .txt of "hello" is refused on the statement page with a message, not sent to a mapping page."""
    auth.as_role("finance")
    response = _upload(client, funded, data, "hello.txt")
    assert response.status_code == 200 and b"This file holds no table" in response.data
    assert _count(StatementLine) == 0


def test_web_manual_match_refuses_mismatched_amounts(funded, client, auth):
    """Matching a 15 yuan fee with an 8,000 yuan payment is refused with both amounts; matching equal amounts works."""
    import_statement(funded, _statement(), "march.csv")
    db.session.commit()
    auth.as_role("finance")
    fee, labour = _line("手续费"), _payment("记-2026-0004")
    response = client.post(f"/funds/sources/{funded.id}/reconcile/match", data={"line_id": fee.id, "payment_id": labour.id,
                                                                                 "period": "202603"}, headers=EN,
                           follow_redirects=True)
    assert "the statement line is 15.00 yuan, the payment 8,000.00 yuan" in response.data.decode()
    line = _line("湖南 某某通信工程 有限公司")
    client.post(f"/funds/sources/{funded.id}/reconcile/unmatch", data={"line_id": line.id, "confirmed": "1"},
                headers=EN)
    assert _line("湖南 某某通信工程 有限公司").payment_id is None
    client.post(f"/funds/sources/{funded.id}/reconcile/match",
                data={"line_id": line.id, "payment_id": _payment("记-2026-0003").id}, headers=EN)
    assert _line("湖南 某某通信工程 有限公司").match_method == "manual"


def test_leader_reads_but_cannot_import_or_match(funded, client, auth):
    """A leader sees the reconciliation but is refused the upload, the match and the unmatch."""
    auth.as_role("leader")
    assert client.get(f"/funds/sources/{funded.id}/reconcile").status_code == 200
    assert _upload(client, funded, _statement()).status_code == 403
    assert client.post(f"/funds/sources/{funded.id}/reconcile/match", data={"line_id": 1, "payment_id": 1}).status_code == 403
    assert _count(StatementLine) == 0


def test_cli_json_imports_like_the_page_and_is_idempotent(funded, runner, tmp_path):
    """`statements import --json` prints the counts; the second run adds nothing."""
    path = tmp_path / "march.csv"
    path.write_bytes(_statement())
    first = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-R", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"lines": 4, "new": 4, "matched": 3, "unmatched_lines": 1,
                                        "unmatched_payments": 1, "held_closed_month": 0}
    second = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-R", "--json"])
    assert json.loads(second.output) == {"lines": 4, "new": 0, "matched": 0, "unmatched_lines": 1,
                                         "unmatched_payments": 1, "held_closed_month": 0}


def test_cli_malformed_file_exits_non_zero_with_every_problem(funded, runner, tmp_path):
    """A malformed file exits 1 listing row, column and message of each problem, and stores nothing."""
    path = tmp_path / "bad.csv"
    path.write_bytes(_statement(MARCH_ROWS + [["2026/13/01", "x", "y", "1", "", ""], ["2026-03-02", "x", "y", "1", "2", ""]]))
    result = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-R", "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(6, "A"), (7, "D")] and all(p["message"] for p in problems)
    text = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-R"])
    assert text.exit_code == 1 and "row 6, column A (交易日期):" in text.output
    assert _count(StatementLine) == 0


def test_cli_map_option_names_unrecognised_columns(funded, runner, tmp_path):
    """--map FIELD=HEADER says what an unrecognised column holds."""
    path = tmp_path / "odd.csv"
    path.write_bytes(csv_bytes([["日子", "出", "对方户名"], ["2026-03-04", "123456.78", "永州某某路桥建设有限公司"]]))
    result = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-R", "--json",
                                 "--map", "date=日子", "--map", "debit=出"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["matched"] == 1


def test_bank_fee_explained_then_the_month_closes(funded, client, auth):
    """A fee no payment will match is explained with a reason; once every line and payment is settled,
    March can be closed, and nothing more can be dated in it."""
    import_statement(funded, _statement(MARCH_ROWS + [["2026-03-21", "劳务", "双牌县某某劳务", "8,000", "", ""]]), "m.csv")
    db.session.commit()
    assert ledger.unreconciled_counts(funded.id, 202603) == (0, 1)
    auth.as_role("finance")
    fee = _line("手续费")
    refused = client.post(f"/funds/sources/{funded.id}/reconcile/explain", data={"line_id": fee.id, "reason": " "},
                          follow_redirects=True, headers=EN)
    assert b"Say what the line is" in refused.data
    client.post(f"/funds/sources/{funded.id}/reconcile/explain", data={"line_id": fee.id, "reason": "银行手续费"})
    assert _line("手续费").explanation == "银行手续费"
    assert summary_by_month(funded.id)[0].reconciled
    client.post(f"/funds/sources/{funded.id}/close", data={"period": "2026-03", "confirmed": "1"})
    assert _count(MonthClose) == 1
    withdrawn = client.post(f"/funds/sources/{funded.id}/reconcile/unexplain", data={"line_id": fee.id},
                            follow_redirects=True, headers=EN)
    assert b"closed" in withdrawn.data and _line("手续费").explanation == "银行手续费"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "statement.explain" in actions and "month.close" in actions


def test_import_leaves_the_cycle_collector_as_it_found_it(funded):
    """The import pauses Python's cycle collector while it works and restores it, even when it refuses the file."""
    assert gc.isenabled()
    import_statement(funded, _statement(), "march.csv")
    assert gc.isenabled()
    with pytest.raises(StatementRejected):
        import_statement(funded, _statement([["2026-03-32", "x", "y", "1", "", ""]]), "bad.csv")
    assert gc.isenabled()
    gc.disable()
    try:
        import_statement(funded, _statement(), "march.csv")
        assert not gc.isenabled()
    finally:
        gc.enable()
    db.session.rollback()
