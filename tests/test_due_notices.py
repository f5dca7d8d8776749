"""Fund-use notices (资金使用公示) made due by rules: when payments reach a share of the allocation and at
completion, within days that are settings; listed at /notices/due and as the check notice_due on the
fund-rule checks; met by a notice of a serving kind posted on or after the trigger."""
from __future__ import annotations

from datetime import date, timedelta

from disclosure.due import ProjectMoneyFacts, crossed_on, due_notices
from extensions import db
from funds.ledger import services as ledger
from tests import factories

EN = {"Accept-Language": "en"}
D = date(2026, 5, 1)


def test_the_share_is_crossed_on_the_payment_that_reaches_it():
    """Payments of 30 and 25 against 100 allocated reach 50% on the second's day; reversals count net."""
    payments = [(D + timedelta(days=9), 25), (D, 30)]
    assert crossed_on(payments, 100, 50) == D + timedelta(days=9)
    assert crossed_on(payments + [(D + timedelta(days=10), -10)], 100, 50) == D + timedelta(days=9)
    assert crossed_on([(D, 49)], 100, 50) is None and crossed_on([(D, 5)], 0, 50) is None


def test_due_until_a_serving_notice_starts_on_or_after_the_trigger():
    """A crossing is due by its day + the days and overdue after; an older fund-use notice does not
    meet it, a later one does; completion is also met by a completion notice."""
    fact = ProjectMoneyFacts(1, "P-1", "路", 100, [(D, 60)], actual_end=D + timedelta(days=30))
    due = due_notices([fact], {1: [("fund_use", D - timedelta(days=1))]}, 50, 15, D + timedelta(days=40))
    assert [(n.trigger, n.triggered_on, n.due_by, n.overdue) for n in due] == [
        ("spent_share", D, D + timedelta(days=15), True),
        ("completion", D + timedelta(days=30), D + timedelta(days=45), False)]
    met = due_notices([fact], {1: [("fund_use", D + timedelta(days=2)), ("completion", D + timedelta(days=31))]},
                      50, 15, D + timedelta(days=40))
    assert met == []
    assert due_notices([fact], {}, 70, 15, D + timedelta(days=40))[0].trigger == "completion"  # 60% < 70%


def test_due_list_and_the_checks_page_name_the_project(app, client, auth):
    """A project that spent 60% of its allocation 20 days ago shows as overdue on /notices/due and in the
    fund-rule checks; with 30 days configured it is due but not late; a fund-use notice clears it."""
    project = factories.make_project(name="江村产业路", actual_start=date.today() - timedelta(days=60))
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000)
    ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date.today() - timedelta(days=50))
    paid_on = date.today() - timedelta(days=20)
    ledger.record_payment(source, project, milestone, voucher_no="记-1", payee="某公司", paid_on=paid_on,
                          amount_fen=600_000, cost_category="materials")
    db.session.commit()
    auth.as_role("leader")
    page = client.get("/notices/due", headers=EN).data.decode()
    assert project.code in page and "Payments passed 50% of the allocation" in page and "overdue since" in page
    assert "Fund-use notices due (1)" in client.get("/funds/checks", headers=EN).data.decode()
    app.config["FUND_USE_NOTICE_DAYS"] = 30
    page = client.get("/notices/due", headers=EN).data.decode()
    assert (paid_on + timedelta(days=30)).isoformat() in page and "overdue since" not in page

    from disclosure.services import post_notice  # as the planning office records it (audited: the cached list moves)

    post_notice(project, kind="fund_use", place="village_board", start_date=paid_on,
                end_date=paid_on + timedelta(days=10), actor=None)
    db.session.commit()
    assert "No fund-use notice is due." in client.get("/notices/due", headers=EN).data.decode()


def test_the_crossing_day_summed_by_the_database_is_the_one_payment_by_payment(app):
    """Random payments and reversals over a few days: the day the database finds (a running total of
    day sums) is the day crossed_on finds walking the payments one by one, for several shares."""
    import random

    from sqlalchemy import select

    from disclosure.due import crossing_days
    from projects.models import Project

    rng = random.Random(14)
    source = factories.make_source(received_fen=10**10)
    projects = []
    for number in range(12):
        project = factories.make_project(code=f"SP-X-{number:03d}")
        milestone = factories.make_milestone(project)
        ledger.allocate(source, project, delta_fen=2_400_000, entry_date=D - timedelta(days=1))
        paid = []
        for _ in range(rng.randint(1, 6)):
            day = D + timedelta(days=rng.randint(0, 4))
            payment = ledger.record_payment(source, project, milestone, voucher_no=f"记-{number}-{len(paid)}",
                                            payee="某公司", paid_on=day, amount_fen=rng.randint(1, 4) * 100_000,
                                            cost_category="materials")
            paid.append((day, payment.amount_fen))
            if rng.random() < 0.3:
                back = day + timedelta(days=rng.randint(0, 2))
                ledger.reverse_payment(payment, voucher_no=f"冲-{number}-{len(paid)}", reversed_on=back, reason="错")
                paid.append((back, -payment.amount_fen))
        projects.append((project.id, paid))
    db.session.commit()
    for pct in (10, 35, 50, 80, 100):
        found = crossing_days(pct, select(Project.id))
        for project_id, paid in projects:
            assert found.get(project_id) == crossed_on(paid, 2_400_000, pct), (pct, paid)


def test_the_due_list_comes_a_page_at_a_time(app, client, auth):
    """Three notices due with two rows a page: the first page lists two and offers the next, which
    lists the third; the checks page still counts all three."""
    source = factories.make_source(received_fen=10_000_000)
    paid_on = date.today() - timedelta(days=20)
    for number in range(3):
        project = factories.make_project(code=f"SP-D-{number}", actual_start=date.today() - timedelta(days=60))
        milestone = factories.make_milestone(project)
        ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date.today() - timedelta(days=50))
        ledger.record_payment(source, project, milestone, voucher_no=f"记-D{number}", payee="某公司", paid_on=paid_on,
                              amount_fen=600_000, cost_category="materials")
    db.session.commit()
    app.config["PAGE_SIZE"] = 2
    auth.as_role("leader")
    first = client.get("/notices/due", headers=EN).data.decode()
    second = client.get("/notices/due?page=2", headers=EN).data.decode()
    shown = [[code for code in ("SP-D-0", "SP-D-1", "SP-D-2") if code in page] for page in (first, second)]
    assert len(shown[0]) == 2 and len(shown[1]) == 1 and set(shown[0] + shown[1]) == {"SP-D-0", "SP-D-1", "SP-D-2"}
    assert "Page 1 of 2" in first and "Fund-use notices due (3)" in first
    checks = client.get("/funds/checks", headers=EN).data.decode()
    assert "Fund-use notices due (3)" in checks and "All 3 fund-use notices due" not in checks  # 50 shown


def test_the_checks_page_links_to_the_notices_due_it_does_not_list(app, client, auth, monkeypatch):
    """With two shown on the checks page and three due, it lists two and links to the whole list."""
    import disclosure

    monkeypatch.setattr(disclosure, "CHECKS_SHOWN", 2)
    source = factories.make_source(received_fen=10_000_000)
    for number in range(3):
        project = factories.make_project(code=f"SP-L-{number}")
        milestone = factories.make_milestone(project)
        ledger.allocate(source, project, delta_fen=1_000_000, entry_date=date.today() - timedelta(days=50))
        ledger.record_payment(source, project, milestone, voucher_no=f"记-L{number}", payee="某公司",
                              paid_on=date.today() - timedelta(days=20), amount_fen=600_000, cost_category="materials")
    db.session.commit()
    auth.as_role("auditor")
    checks = client.get("/funds/checks", headers=EN).data.decode()
    assert "Fund-use notices due (3)" in checks and "All 3 fund-use notices due" in checks
    assert sum(code in checks for code in ("SP-L-0", "SP-L-1", "SP-L-2")) == 2
