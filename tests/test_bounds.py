"""Out-of-range input gets a clear 400, 404 or field message, never a 500 or a misleading one:
impossible dates, ids beyond 64 bits, query numbers, amounts that would overflow a sum."""
from __future__ import annotations

import io
import os
import stat
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from core.money import MAX_FEN, MAX_TOTAL_FEN
from extensions import db
from funds.ledger import services as ledger
from funds.models import Appropriation, FundSource, Payment, StatementLine
from tests import factories
from tests.spreadsheet_builders import csv_bytes

EN = {"Accept-Language": "en"}


@pytest.fixture
def funded(app):
    """A project with a milestone and 10,000 yuan of a source allocated to it."""
    project = factories.make_project(status="in_progress")
    milestone = factories.make_milestone(project)
    source = factories.make_source(pays_directly=True, received_fen=5_000_000)
    ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date(2026, 1, 2))
    db.session.commit()
    return source, project, milestone


def _pay(client, source, project, milestone, day: str):
    return client.post(f"/funds/sources/{source.id}/payments/new", headers=EN, data={
        "project_id": project.id, "milestone_id": milestone.id, "voucher_no": f"记-{day}", "payee": "某公司",
        "paid_on": day, "amount": "100", "cost_category": "materials"})


@pytest.mark.parametrize("day, message", [
    ("1900-01-01", "1900-01-01 is before 2000-01-01: check the year."),
    ("0001-01-01", "0001-01-01 is before 2000-01-01: check the year."),
    ("9999-12-31", "The date 9999-12-31 is in the future."),
    ("2026-02-30", "2026-02-30 is not a day of the calendar; write a date such as 2026-03-01."),
])
def test_a_payment_on_an_impossible_day_is_refused_naming_it(client, auth, funded, day, message):
    """The payment form says what is wrong with the date, on the date field, and stores nothing."""
    auth.as_role("finance")
    response = _pay(client, *funded, day)
    assert response.status_code == 200 and f"Payment date: {message}".encode() in response.data
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_statement_lines_outside_the_window_are_problems_not_crashes(client, auth, funded):
    """Lines dated 0001-01-01, 9999-12-30 and 9999-12-31 are refused with row and column; nothing is
    stored and matching never sees them."""
    source = funded[0]
    auth.as_role("finance")
    rows = [["交易日期", "摘要", "对方户名", "支出金额", "收入金额"], ["0001-01-01", "旧", "甲", "1.00", ""],
            ["9999-12-30", "远", "乙", "1.00", ""], ["9999-12-31", "远", "丙", "1.00", ""]]
    response = client.post(f"/funds/sources/{source.id}/statements", headers=EN, follow_redirects=True,
                           data={"file": (io.BytesIO(csv_bytes(rows)), "odd.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is before 2000-01-01" in page and page.count("is in the future") == 2
    assert db.session.scalar(select(func.count(StatementLine.id))) == 0


@pytest.mark.parametrize("path", ["/funds/sources/99999999999999999999", "/projects/99999999999999999999",
                                  "/funds/payments/99999999999999999999/reverse",
                                  "/reports/projects/18446744073709551616", "/projects/2147483648",
                                  "/projects/5849526536"])
def test_ids_beyond_the_id_columns_are_not_found(client, auth, path):
    """An id in a path beyond what an id column holds (32 bits on PostgreSQL) is a record that cannot
    exist: 404, not an overflow (PostgreSQL answered "integer out of range" with a 500)."""
    auth.as_role("finance")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path, name", [
    ("/projects/?area=99999999999999999999", "area"),
    ("/projects/?area=2147483648", "area"),
    ("/projects/export.csv?area=99999999999999999999", "area"),
    ("/reports/?area=99999999999999999999", "area"),
    ("/reports/charts/fund-utilisation.svg?source=99999999999999999999", "source"),
    ("/funds/sources/1?period=99999999999999999999", "period"),
    ("/funds/checks?source=-1", "source"),
    ("/audit/?to=9999-12-31", "to"),
    ("/reports/meeting-report.pdf?as_of=0001-01-01", "as_of"),
])
def test_out_of_range_query_values_answer_400_naming_the_parameter(client, auth, funded, path, name):
    """Numbers and dates in query strings outside what can exist: 400 with a message naming the parameter."""
    auth.as_role("auditor")
    response = client.get(path, headers=EN)
    assert (response.status_code == 400 and f"parameter {name} must be".encode() in response.data) \
        or (response.status_code == 400 and f"{name}:".encode() in response.data)


def test_receipts_stop_at_the_balance_cap_with_a_message(app):
    """Receipts of the largest single amount, one after another (95 of them overflowed into a float
    before): the source refuses the one that would pass its cap, saying so, and its balance stays an
    exact integer."""
    source = factories.make_source(pays_directly=True)
    db.session.commit()
    refused = None
    for number in range(MAX_TOTAL_FEN // MAX_FEN + 5):
        try:
            ledger.receive_appropriation(source, document_no=f"财-{number}", received_on=date(2026, 1, 5),
                                         amount_fen=MAX_FEN)
            db.session.commit()
        except ledger.FundsError as error:
            db.session.rollback()
            refused = (number, error.field, str(error.message))
            break
    assert refused == (MAX_TOTAL_FEN // MAX_FEN, "amount", "A fund source can hold at most 10,000,000,000,000.00 yuan in all.")
    total = db.session.scalar(select(func.sum(Appropriation.amount_fen)))
    received = db.session.get(FundSource, source.id).received_fen
    assert not isinstance(total, float) and int(total) == received == MAX_TOTAL_FEN and isinstance(received, int)


def test_the_database_refuses_amounts_beyond_the_caps_whatever_writes_them(app):
    """Raw SQL that pushes a balance past its cap or writes a too-large entry is refused by a CHECK."""
    source = factories.make_source(pays_directly=True, received_fen=100)
    db.session.commit()
    for statement in (f"UPDATE fund_source SET received_fen = {MAX_TOTAL_FEN + 1}",
                      "INSERT INTO appropriation (source_id, document_no, received_on, amount_fen, note, created_at) "
                      f"VALUES ({source.id}, 'X', '2026-01-01', {MAX_FEN + 1}, '', '2026-01-01')"):
        with pytest.raises(IntegrityError):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()


def test_database_and_backup_files_are_owner_only(app, runner, tmp_path):
    """The SQLite database (and its WAL) and a backup are readable by their owner only: they hold
    password hashes and every money record."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("file modes are SQLite's")
    factories.make_user("admin")
    db.session.commit()
    database = db.engine.url.database
    from app import create_app
    from tests.conftest import _settings
    fresh = tmp_path / "fresh.sqlite3"
    create_app({**_settings(f"sqlite:///{fresh}", str(tmp_path))})
    result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code == 0, result.output
    for path in (fresh, tmp_path / "copy.sqlite3"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert os.path.exists(database)


def test_a_form_without_its_one_time_token_stores_nothing(client, auth, funded, app):
    """A script posting a payment without the form's one-time token is refused with a message; the
    same form with its token is stored."""
    app.config["ONCE_TOKEN_REQUIRED"] = True
    source, project, milestone = funded
    auth.as_role("finance")
    refused = _pay(client, source, project, milestone, "2026-02-01")
    assert b"without its one-time token" in refused.data
    assert db.session.scalar(select(func.count(Payment.id))) == 0
    stored = client.post(f"/funds/sources/{source.id}/payments/new", data={
        "project_id": project.id, "milestone_id": milestone.id, "voucher_no": "记-T-1", "payee": "某公司",
        "paid_on": "2026-02-01", "amount": "100", "cost_category": "materials", "once": "token-1"})
    assert stored.status_code == 302 and db.session.scalar(select(func.count(Payment.id))) == 1
