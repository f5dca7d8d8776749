"""Planned funding (funds.planned) set at the same moment as what it is checked against, released
together through a barrier (real HTTP on the app served on loopback; SQLite, then PostgreSQL with
TEST_DATABASE_URL): two sources planned for one project at once never add up to more than its budget
(each plan holds the project's row: without it, on PostgreSQL, both were stored), and a plan lowered while its source's allocation is being written waits for it and is checked
against the new allocation (both hold the source's row; two threads ordered by events, no sleep)."""
from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from extensions import db
from funds.ledger import services as ledger
from funds.ledger.services import FundsError
from funds.models import Allocation, FundSource
from funds.planned import services as planned
from funds.planned.models import PlannedFunding
from projects.models import Project
from tests import factories
from tests.test_races import _signed_in, release_together

ROUNDS = 4


def _plan(session, project_id: int, source_id: int, amount: str, token):
    return lambda: session.post_with_token(f"/funds/projects/{project_id}/planned",
                                           {"source_id": str(source_id), "amount_fen": amount}, token)


def test_two_sources_planned_at_once_never_pass_the_budget(app, live_server):
    """Each round, two planners plan 600,000 yuan from two sources for a project of 1,000,000 at the same
    moment: one plan is stored, never both; nothing answers 500."""
    projects = [factories.make_project(status="approved", budget_fen=100_000_000) for _ in range(ROUNDS)]
    first, second = factories.make_source(), factories.make_source()
    factories.make_user("planner", username="plan-a")
    factories.make_user("planner", username="plan-b")
    db.session.commit()
    ids = [project.id for project in projects]
    [one], [two] = _signed_in(live_server, "plan-a", 1), _signed_in(live_server, "plan-b", 1)
    for project_id in ids:
        tokens = [one.form_tokens(f"/projects/{project_id}"), two.form_tokens(f"/projects/{project_id}")]
        statuses = release_together([_plan(one, project_id, first.id, "600000", tokens[0]),
                                     _plan(two, project_id, second.id, "600000", tokens[1])])
        assert 500 not in statuses
        db.session.expire_all()
        total = db.session.scalar(select(func.sum(PlannedFunding.amount_fen)).where(
            PlannedFunding.project_id == project_id))
        assert int(total or 0) == 60_000_000, total


def test_plan_lowered_while_an_allocation_is_being_written_waits_for_it_and_is_refused(app):
    """Finance's allocation of 200,000 more holds the source (written, not yet committed) when a planner
    lowers the source's plan to the 400,000 allocated before: the plan waits for the allocation's commit,
    then finds 600,000 allocated and is refused; the plan stays 800,000. (Without the source's lock the
    plan read the old allocation and was stored below the new one.) Threads ordered by events, no sleep."""
    source = factories.make_source(received_fen=1_000_000_000)
    project = factories.make_project(status="approved", budget_fen=200_000_000)
    ledger.allocate(source, project, delta_fen=40_000_000, entry_date=date(2026, 1, 5))
    planned.set_planned(project, source.id, 80_000_000)
    db.session.commit()
    source_id, project_id = source.id, project.id
    locked, planning, committed = threading.Event(), threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def allocate() -> None:
        with app.app_context():
            ledger.allocate(db.session.get_one(FundSource, source_id), db.session.get_one(Project, project_id),
                            delta_fen=20_000_000, entry_date=date(2026, 1, 6))
            db.session.flush()
            locked.set()
            planning.wait(30)
            db.session.commit()
            committed.set()

    def plan() -> None:
        with app.app_context():
            target = db.session.get_one(Project, project_id)
            locked.wait(30)
            planning.set()
            try:
                planned.set_planned(target, source_id, 40_000_000)
            except FundsError as refused:
                outcome["refused"] = str(refused.message)
                db.session.rollback()
                return
            committed.wait(30)
            db.session.commit()
            outcome["stored"] = True

    threads = [threading.Thread(target=allocate), threading.Thread(target=plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    assert "refused" in outcome, outcome
    assert db.session.scalar(select(PlannedFunding.amount_fen).where(PlannedFunding.project_id == project_id)) \
        == 80_000_000
    assert db.session.scalar(select(Allocation.amount_fen).where(Allocation.project_id == project_id)) == 60_000_000


