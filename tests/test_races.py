"""Parallel requests released together through a barrier never answer 500 and never slip between a
check and its write: month close against payments, lockout bursts, forbidden requests, exports,
sign-ins, and payments racing a reversal and a statement match.

Real HTTP against the app served on loopback by a threaded server, on whichever database the suite
runs on (SQLite, then PostgreSQL in CI's second pass). After each run the app fixture checks the
ledger invariants; these tests also check that every closed month is fully reconciled.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select, update

from audit.models import AuditEvent
from audit.services import verify_database
from extensions import db
from funds.ledger import services as ledger
from funds.models import MonthClose, Payment, StatementLine
from funds.reconcile.services import import_statement
from projects.models import Milestone, ProgressUpdate
from tests import factories
from tests.http_session import HttpSession
from tests.invariants import unreconciled_closed_months
from tests.spreadsheet_builders import csv_bytes

MONTHS = [202501 + offset for offset in range(10)]  # January to October 2025, all ended


def release_together(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread, all released at once by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def _signed_in(live_server: str, username: str, count: int) -> list[HttpSession]:
    sessions = []
    for _ in range(count):
        session = HttpSession(live_server)
        session.login(username, factories.PASSWORD)
        sessions.append(session)
    return sessions


class Ids:
    """Ids of rows made by a test, read once: threads without the app's context cannot load them."""

    def __init__(self, **rows):
        for name, row in rows.items():
            setattr(self, name, row.id)


def _funded_project(received_fen: int = 100_000_000, allocated_fen: int = 50_000_000):
    source = factories.make_source(pays_directly=True, received_fen=received_fen)
    project = factories.make_project(status="in_progress")
    milestone = factories.make_milestone(project)
    ledger.allocate(source, project, delta_fen=allocated_fen, entry_date=date(2025, 1, 1))
    factories.make_user("finance", username="racer")
    db.session.commit()
    return source, project, milestone


def _month_text(period: int) -> str:
    return f"{period // 100}-{period % 100:02d}"


def test_progress_reports_released_together_never_fall_without_a_reason(app, live_server):
    """Each round, from 20%, one report raises a milestone to 100% and three lower it to 30% with no
    note, all released together: the fall check reads the progress a report committed before it, so
    no stored report lowers the progress without a note, and nothing answers 500."""
    project = factories.make_project(status="in_progress")
    ids = Ids(project=project, milestone=factories.make_milestone(project))
    factories.make_user("planner", username="reporter")
    db.session.commit()
    reporters = _signed_in(live_server, "reporter", 4)
    report = f"/projects/milestones/{ids.milestone}/progress"
    statuses = []
    for _ in range(5):
        db.session.execute(update(Milestone).where(Milestone.id == ids.milestone).values(progress_pct=20, actual_date=None))
        last_id = db.session.scalar(select(func.max(ProgressUpdate.id))) or 0
        db.session.commit()
        tokens = [reporter.form_tokens(f"/projects/{ids.project}") for reporter in reporters]
        statuses += release_together([lambda reporter=reporter, token=tokens[number], pct=100 if number == 0 else 30:
                                      reporter.post_with_token(report, {"progress_pct": pct, "note": "",
                                                                        "reported_on": date.today().isoformat()}, token)
                                      for number, reporter in enumerate(reporters)])
        stored = db.session.scalars(select(ProgressUpdate.progress_pct).where(
            ProgressUpdate.milestone_id == ids.milestone, ProgressUpdate.id > last_id).order_by(ProgressUpdate.id)).all()
        assert 100 in stored and stored[stored.index(100) + 1:] == [], stored  # nothing fell from 100
    assert set(statuses) == {200}  # each followed its redirect to the project page


def test_month_close_and_payments_released_together(app, live_server):
    """Over ten months, six payments dated in the month and the month's close leave together: either
    the close comes first and refuses nothing but the payments, or a payment comes first and the
    close is refused; a closed month never holds a payment, and nothing answers 500."""
    ids = Ids(**dict(zip(("source", "project", "milestone"), _funded_project())))
    payers, closer = _signed_in(live_server, "racer", 6), _signed_in(live_server, "racer", 1)[0]
    pay_form = f"/funds/sources/{ids.source}/payments/new?project={ids.project}"
    statuses = []
    for period in MONTHS:
        tokens = [payer.form_tokens(pay_form) for payer in payers]
        close_tokens = closer.form_tokens(f"/funds/sources/{ids.source}")
        month = _month_text(period)
        calls = [lambda payer=payer, tokens=tokens[number], voucher=f"记-{period}-{number}", day=f"{month}-15":
                 payer.post_with_token(pay_form, {
                     "project_id": ids.project, "milestone_id": ids.milestone, "voucher_no": voucher, "payee": "某公司",
                     "paid_on": day, "amount": "100", "cost_category": "materials"}, tokens)
                 for number, payer in enumerate(payers)]
        calls.append(lambda month=month, tokens=close_tokens: closer.post_with_token(
            f"/funds/sources/{ids.source}/close", {"period": month}, tokens))
        statuses += release_together(calls)
    assert 500 not in statuses and set(statuses) <= {200, 302}
    db.session.expire_all()
    closed = set(db.session.scalars(select(MonthClose.period).where(MonthClose.source_id == ids.source)))
    paid = set(db.session.scalars(select(Payment.period).where(Payment.source_id == ids.source)))
    assert closed.isdisjoint(paid) and closed | paid == set(MONTHS)
    assert unreconciled_closed_months() == []


def test_forty_parallel_guesses_check_at_most_five_passwords(app, live_server):
    """Forty wrong passwords at once: every answer is 401, at most five passwords were checked, the
    account is locked, and the right password right after is refused too."""
    factories.make_user("finance", username="target")
    db.session.commit()
    visitors = [HttpSession(live_server) for _ in range(40)]
    tokens = [visitor.form_tokens("/login") for visitor in visitors]
    statuses = release_together([
        lambda visitor=visitor, token=token: visitor.post_with_token(
            "/login", {"username": "target", "password": "Wrong-Guess-1"}, token)
        for visitor, token in zip(visitors, tokens)])
    assert statuses == [401] * 40
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("login%"))).all()
    assert actions.count("login.failed") == 5 and actions.count("login.locked") == 35
    status, _ = HttpSession(live_server).post("/login", {"username": "target", "password": factories.PASSWORD})
    assert status == 401
    assert verify_database().ok


def test_a_burst_with_the_right_password_among_nineteen_wrong_ones(app, live_server):
    """Nineteen wrong passwords and the right one at once: at most five of the twenty are checked, so
    the burst guesses no better than five tries in a row would; no 500."""
    factories.make_user("finance", username="target")
    db.session.commit()
    passwords = ["Wrong-Guess-1"] * 19 + [factories.PASSWORD]
    visitors = [HttpSession(live_server) for _ in passwords]
    tokens = [visitor.form_tokens("/login") for visitor in visitors]
    statuses = release_together([
        lambda visitor=visitor, token=token, password=password: visitor.post_with_token(
            "/login", {"username": "target", "password": password}, token)
        for visitor, token, password in zip(visitors, tokens, passwords)])
    assert set(statuses) <= {200, 401} and statuses.count(200) <= 1  # 200: signed in (the redirect followed)
    checked = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(("login", "login.failed")))
                                 .order_by(AuditEvent.id)).all()
    # As if one after another: the right one is reached only after at most four wrong ones, else five lock.
    failures_first = checked.index("login") if "login" in checked else len(checked)
    assert failures_first <= 4 if "login" in checked else failures_first == 5


def test_sixty_parallel_forbidden_requests_are_each_refused_and_recorded(app, live_server):
    """Sixty requests a planner may not make, at once: sixty 403s, sixty audit events, an intact chain."""
    factories.make_user("planner", username="curious")
    db.session.commit()
    planners = _signed_in(live_server, "curious", 6)
    statuses = release_together([lambda planner=planner: planner.get("/audit/")[0] for planner in planners * 10])
    assert statuses == [403] * 60
    denied = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "access.denied"))
    assert denied == 60 and verify_database().ok


def test_twenty_parallel_exports_and_sign_ins(app, live_server):
    """Twenty exports of the project list and twenty sign-ins at once all succeed and are all recorded."""
    for number in range(5):
        factories.make_project(code=f"SP-R-{number}")
    factories.make_user("planner", username="exporter")
    db.session.commit()
    exporters = _signed_in(live_server, "exporter", 20)
    visitors = [HttpSession(live_server) for _ in range(20)]
    tokens = [visitor.form_tokens("/login") for visitor in visitors]
    calls = [lambda exporter=exporter: exporter.get("/projects/export.xlsx")[0] for exporter in exporters]
    calls += [lambda visitor=visitor, token=token: visitor.post_with_token(
        "/login", {"username": "exporter", "password": factories.PASSWORD}, token)
        for visitor, token in zip(visitors, tokens)]
    statuses = release_together(calls)
    assert statuses == [200] * 40  # the sign-ins' redirects to the landing page followed
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("project.export") == 20 and actions.count("login") == 40
    assert verify_database().ok


def test_payments_racing_a_reversal_a_match_and_the_close(app, live_server):
    """A payment is reversed, its statement line matched by hand, four new payments made and the month
    closed, all at once: whatever order they land in, no 500, the ledger holds, and the month is
    closed only if it is reconciled."""
    source, project, milestone = _funded_project()
    original = ledger.record_payment(source, project, milestone, voucher_no="记-原", payee="某公司",
                                     paid_on=date(2025, 3, 5), amount_fen=50_000, cost_category="materials")
    import_statement(source, csv_bytes([["交易日期", "摘要", "对方户名", "支出金额", "收入金额", "凭证号"],
                                        ["2025-03-06", "材料款", "另一家公司", "500.00", "", ""]]), "march.csv")
    db.session.commit()
    line = db.session.scalar(select(StatementLine))
    assert line.payment_id is None  # another payee and no voucher: left for a person to match
    ids = Ids(source=source, project=project, milestone=milestone, original=original, line=line)
    sessions = _signed_in(live_server, "racer", 7)
    reverse_form, pay_form = f"/funds/payments/{ids.original}/reverse", f"/funds/sources/{ids.source}/payments/new"
    reconcile = f"/funds/sources/{ids.source}/reconcile?period=202503"
    tokens = [sessions[0].form_tokens(reverse_form), sessions[1].form_tokens(reconcile),
              sessions[2].form_tokens(f"/funds/sources/{ids.source}")]
    tokens += [session.form_tokens(pay_form + f"?project={ids.project}") for session in sessions[3:]]
    calls = [
        lambda: sessions[0].post_with_token(reverse_form, {"voucher_no": "记-原-冲", "reversed_on": "2025-03-20",
                                                           "reason": "重复录入"}, tokens[0]),
        lambda: sessions[1].post_with_token(f"/funds/sources/{ids.source}/reconcile/match",
                                            {"line_id": ids.line, "payment_id": ids.original, "period": "202503"},
                                            tokens[1]),
        lambda: sessions[2].post_with_token(f"/funds/sources/{ids.source}/close", {"period": "2025-03"}, tokens[2]),
    ] + [lambda session=session, token=token, number=number: session.post_with_token(pay_form, {
        "project_id": ids.project, "milestone_id": ids.milestone, "voucher_no": f"记-新-{number}", "payee": "某公司",
        "paid_on": "2025-03-25", "amount": "100", "cost_category": "materials"}, token)
        for number, (session, token) in enumerate(zip(sessions[3:], tokens[3:]))]
    statuses = release_together(calls)
    assert 500 not in statuses and set(statuses) <= {200, 302}
    assert unreconciled_closed_months() == []
