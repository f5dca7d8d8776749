"""A whole-year bank statement over closed months: lines on file are skipped, new lines of a closed month
are held apart (listed with the reason, never matched, not counted against the close), the rest
imports and matches; reopening the month releases them; the web asks first, the CLI counts them."""
from __future__ import annotations

import json
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from funds.ledger import services as ledger
from funds.models import StatementImport, StatementLine
from funds.reconcile.services import HeldLinesToConfirm, import_statement, manual_match, summary_by_month
from tests import factories
from tests.invariants import unreconciled_closed_months
from tests.spreadsheet_builders import csv_bytes

EN = {"Accept-Language": "en"}
HEADERS = ["交易日期", "摘要", "对方户名", "支出金额", "收入金额", "凭证号"]
JANUARY = [["2026-01-15", "付记-2026-0001号 路基工程款", "永州某某路桥建设有限公司", "10,000.00", "", ""]]
LATE_FEE = ["2026-01-31", "手续费", "", "15.00", "", ""]  # booked by the bank in January, seen only in the year's export
MARCH = [["2026-03-10", "付记-2026-0002号 材料款", "双牌某某建材有限公司", "2,500.00", "", ""]]


@pytest.fixture
def closed_january(app):
    """A source with a January and a March payment; January's statement imported, matched and closed."""
    project = factories.make_project(code="SP-H-001")
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000, code="FIS-H")
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 10))
    for number, (payee, day, fen) in enumerate([("永州某某路桥建设有限公司", date(2026, 1, 15), 1_000_000),
                                                ("双牌某某建材有限公司", date(2026, 3, 10), 250_000)], start=1):
        ledger.record_payment(source, project, milestone, voucher_no=f"记-2026-{number:04d}", payee=payee,
                              paid_on=day, amount_fen=fen, cost_category="materials")
    import_statement(source, statement(JANUARY), "一月.csv")
    ledger.close_month(source, 202601, today=date(2026, 12, 1))
    db.session.commit()
    return source


def statement(rows) -> bytes:
    """A GB18030 bank statement of these rows."""
    return csv_bytes([HEADERS] + rows, "gb18030")


def whole_year() -> bytes:
    """The year's export: January's line (on file), the late January fee (new), March's line (new)."""
    return statement(JANUARY + [LATE_FEE] + MARCH)


def _held():
    return db.session.scalars(select(StatementLine).where(StatementLine.held_reason.is_not(None))).all()


def _line(summary):
    return db.session.scalar(select(StatementLine).where(StatementLine.summary == summary))


def test_whole_year_statement_holds_the_closed_months_new_lines_apart(closed_january):
    """The January line on file is skipped, the late January fee is stored held apart and not matched,
    March imports and matches; the closed month still counts as reconciled; re-importing adds nothing."""
    result = import_statement(closed_january, whole_year(), "2026全年流水.csv")
    db.session.commit()
    assert (result.lines, result.new, result.matched, result.held_closed_month) == (3, 2, 1, 1)
    assert result.as_json()["held_closed_month"] == 1
    [fee] = _held()
    assert (fee.summary, fee.period, fee.held_reason, fee.payment_id) == ("手续费", 202601, "month_closed", None)
    assert _line("付记-2026-0002号 材料款").payment_id is not None
    assert unreconciled_closed_months() == [] and ledger.unreconciled_counts(closed_january.id, 202601) == (0, 0)
    january = next(month for month in summary_by_month(closed_january.id) if month.period == 202601)
    assert (january.lines, january.held, january.reconciled, january.closed) == (1, 1, True, True)
    assert db.session.scalar(select(StatementImport.held_line_count).order_by(StatementImport.id.desc())) == 1
    again = import_statement(closed_january, whole_year(), "2026全年流水.csv")
    db.session.commit()
    assert (again.new, again.matched, again.held_closed_month) == (0, 0, 0)
    assert db.session.scalar(select(func.count(StatementLine.id))) == 3


def test_held_lines_are_listed_with_the_reason_on_their_months_page(closed_january, client, auth):
    """January's reconciliation page lists the held fee with the reason, not among the lines to match."""
    import_statement(closed_january, whole_year(), "year.csv")
    db.session.commit()
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{closed_january.id}/reconcile?period=202601", headers=EN).data.decode()
    held = page[page.index("Held apart"):]
    assert "Month closed: reopen it to reconcile." in held and "15.00" in held
    unmatched = page[page.index("Statement lines with no payment"):page.index("Payments with no statement line")]
    assert "15.00" not in unmatched
    assert "1 held apart" in page


def test_held_lines_cannot_be_matched_while_the_month_is_closed(closed_january):
    """A held line is refused by hand as any line of a closed month is."""
    import_statement(closed_january, statement([["2026-01-20", "退款", "某某", "100.00", "", ""]]), "x.csv")
    db.session.commit()
    [line] = _held()
    project = factories.make_project(code="SP-H-002")
    milestone = factories.make_milestone(project)
    ledger.allocate(closed_january, project, delta_fen=100_000, entry_date=date(2026, 2, 1))
    payment = ledger.record_payment(closed_january, project, milestone, voucher_no="记-H-9", payee="某某",
                                    paid_on=date(2026, 2, 2), amount_fen=10_000, cost_category="materials")
    with pytest.raises(ledger.FundsError):
        manual_match(line, payment)
    db.session.rollback()


def test_reopening_the_month_releases_its_held_lines(closed_january):
    """Reopening January makes the held fee an ordinary unmatched line of it (audited), which can then be
    explained and the month closed again."""
    from funds.reconcile.services import explain_line

    import_statement(closed_january, whole_year(), "year.csv")
    db.session.commit()
    ledger.reopen_month(closed_january, 202601, reason="银行补记手续费")
    db.session.commit()
    fee = _line("手续费")
    assert fee.held_reason is None and fee.payment_id is None
    assert ledger.unreconciled_counts(closed_january.id, 202601) == (0, 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "statement.release"))
    assert event.after == {"period": 202601, "lines": 1, "line_ids": str(fee.id)}
    explain_line(fee, "银行手续费")
    ledger.close_month(closed_january, 202601, today=date(2026, 12, 1))
    db.session.commit()
    assert unreconciled_closed_months() == []


def test_web_preview_says_what_will_be_held_before_anything_is_stored(closed_january, client, auth, app, tmp_path):
    """The upload stops at a preview naming the held lines and their month; nothing is stored until
    finance confirms; the outcome says how many were held."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    auth.as_role("finance")
    response = client.post(f"/funds/sources/{closed_january.id}/statements", headers=EN,
                           data={"file": (BytesIO(whole_year()), "2026全年流水.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302 and "/preview" in response.headers["Location"]
    assert db.session.scalar(select(func.count(StatementLine.id))) == 1
    preview = client.get(response.headers["Location"], headers=EN).data.decode()
    assert "3 lines read: 2 new, 1 already on file (skipped)." in preview
    assert "1 of the new lines are dated in closed months (2026-01) and will be held apart." in preview
    done = client.post(response.headers["Location"], headers=EN, follow_redirects=True).data.decode()
    assert "1 new lines of closed months are held apart" in done
    assert len(_held()) == 1 and db.session.scalar(select(func.count(StatementLine.id))) == 3
    assert not list(Path(tmp_path / "uploads").glob("[0-9a-f]*.json"))


def test_web_mapping_step_then_preview_of_held_lines(closed_january, client, auth, app, tmp_path):
    """A statement whose headers need mapping goes, once mapped, to the same preview before holding lines."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    auth.as_role("finance")
    odd = csv_bytes([["日子", "出", "对方户名", "摘要"]] + [[row[0], row[3], row[2], row[1]] for row in JANUARY + [LATE_FEE]])
    response = client.post(f"/funds/sources/{closed_january.id}/statements", headers=EN,
                           data={"file": (BytesIO(odd), "odd.csv")}, content_type="multipart/form-data")
    mapping = response.headers["Location"]
    assert mapping.endswith("/mapping")
    preview = client.post(mapping, data={"c0": "date", "c1": "debit", "c2": "payee", "c3": "summary"}, headers=EN)
    assert preview.headers["Location"] == mapping.replace("/mapping", "/preview")
    assert "dated in closed months (2026-01)" in client.get(preview.headers["Location"], headers=EN).data.decode()
    client.post(preview.headers["Location"], headers=EN)
    assert [line.summary for line in _held()] == ["手续费"]


def test_web_statement_without_closed_month_lines_imports_at_once(closed_january, client, auth):
    """A statement with nothing to hold imports straight away, as before."""
    auth.as_role("finance")
    response = client.post(f"/funds/sources/{closed_january.id}/statements", headers=EN,
                           data={"file": (BytesIO(statement(MARCH)), "三月.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302 and "period=2026-03" in response.headers["Location"]


def test_hold_false_refuses_and_stores_nothing(closed_january):
    """Asked to confirm first, the service stores nothing and says what would be held."""
    with pytest.raises(HeldLinesToConfirm) as asked:
        import_statement(closed_january, whole_year(), "year.csv", hold=False)
    db.session.rollback()
    assert (asked.value.preview.new, asked.value.preview.held, asked.value.preview.held_periods) == (2, 1, (202601,))
    assert db.session.scalar(select(func.count(StatementLine.id))) == 1


def test_cli_json_counts_held_lines(closed_january, runner, tmp_path):
    """`statements import --json` reports held_closed_month; the second run holds nothing more."""
    path = tmp_path / "year.csv"
    path.write_bytes(whole_year())
    first = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-H", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"lines": 3, "new": 2, "matched": 1, "unmatched_lines": 0,
                                        "unmatched_payments": 0, "held_closed_month": 1}
    second = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-H", "--json"])
    assert json.loads(second.output)["held_closed_month"] == 0 and json.loads(second.output)["new"] == 0
    text = runner.invoke(args=["statements", "import", str(path), "--source", "FIS-H"])
    assert text.exit_code == 0 and "held apart" not in text.output
