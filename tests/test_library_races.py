"""The library's moves released together through a barrier: the county's approval against an objection
received at the same moment, and two township reviews of one proposal. Each is serialised on the
project's row (projects.services.lock_project), so neither slips between the other's check and write.

Real HTTP against the app served on loopback (tests/test_races.py), on whichever database the suite
runs on (SQLite, then PostgreSQL with TEST_DATABASE_URL).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from disclosure import services
from disclosure.models import Notice, Objection
from extensions import db
from projects.models import Project
from projects.services import change_status
from tests import factories
from tests.test_races import Ids, _signed_in, release_together

ROUNDS = 6


def _approvable_proposal(village) -> Ids:
    """A proposal the township agreed to, with a target and a pre-approval notice that has run."""
    project = factories.make_project(village, status="proposed", review_state="agreed")
    notice = factories.make_approvable(project)
    return Ids(project=project, notice=notice)


def _unresolved_before_approval(project_id: int) -> int:
    """Objections to the project's pre-approval notice still open, received on or before the day it was
    approved (0 for a project not approved)."""
    project = db.session.get_one(Project, project_id)
    if project.status != "approved":
        return 0
    approved_on = date.today()
    return int(db.session.scalar(select(func.count(Objection.id)).join(Notice).where(
        Notice.project_id == project_id, Notice.kind == "pre_approval", Objection.resolved_on.is_(None),
        Objection.received_on <= approved_on)) or 0)


def test_approval_and_objection_released_together_never_approve_over_an_open_objection(app, live_server):
    """Each round, the county approves a proposal while a township records an objection to its notice,
    released together: exactly one of them is stored, and no approved project has an unresolved
    objection received before its approval; nothing answers 500."""
    township = factories.make_area()
    village = factories.make_area(parent=township)
    rounds = [_approvable_proposal(village) for _ in range(ROUNDS)]
    factories.make_user("planner", username="county-approver")
    factories.make_user("planner", username="objection-clerk")
    db.session.commit()
    approver = _signed_in(live_server, "county-approver", 1)[0]
    clerk = _signed_in(live_server, "objection-clerk", 1)[0]
    statuses = []
    for ids in rounds:
        approve_token = approver.form_tokens(f"/projects/{ids.project}")
        object_token = clerk.form_tokens(f"/notices/{ids.notice}")
        statuses += release_together([
            lambda ids=ids, token=approve_token: approver.post_with_token(
                f"/projects/{ids.project}/status", {"target": "approved", "reason": "", "confirmed": "1"}, token),
            lambda ids=ids, token=object_token: clerk.post_with_token(
                f"/notices/{ids.notice}/objections", {"received_on": date.today().isoformat(),
                                                      "summary": "占地补偿未谈妥"}, token),
        ])
        db.session.expire_all()
        approved = db.session.get_one(Project, ids.project).status == "approved"
        objected = db.session.scalar(select(func.count(Objection.id)).where(Objection.notice_id == ids.notice))
        assert approved != bool(objected), (approved, objected)
        assert _unresolved_before_approval(ids.project) == 0
    assert set(statuses) == {200}


def test_two_township_reviews_of_one_proposal_apply_once(app, live_server):
    """Each round, two township accounts agree to and return the same proposal at once: one review is
    applied and audited, the other refused; the stored state is the one the applied review set."""
    township = factories.make_area()
    village = factories.make_area(parent=township)
    proposals = [factories.make_project(village, status="proposed", review_state="submitted") for _ in range(ROUNDS)]
    for name in ("reviewer-one", "reviewer-two"):
        factories.make_user("planner", username=name).area_id = township.id
    ids = [proposal.id for proposal in proposals]
    db.session.commit()
    reviewers = _signed_in(live_server, "reviewer-one", 1) + _signed_in(live_server, "reviewer-two", 1)
    statuses = []
    for project_id in ids:
        tokens = [reviewer.form_tokens(f"/projects/{project_id}") for reviewer in reviewers]
        decisions = [{"decision": "agree", "reason": ""}, {"decision": "return", "reason": "受益人数不清"}]
        statuses += release_together([
            lambda reviewer=reviewer, token=token, decision=decision, project_id=project_id:
            reviewer.post_with_token(f"/projects/{project_id}/review", decision, token)
            for reviewer, token, decision in zip(reviewers, tokens, decisions)])
        db.session.expire_all()
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "library.review", AuditEvent.object_id == str(project_id))).all()
        assert len(events) == 1, [event.after for event in events]
        assert db.session.get_one(Project, project_id).review_state == events[0].after["review_state"]
    assert set(statuses) == {200}


def test_an_objection_after_the_approval_is_refused_not_left_open(app):
    """Once the project is approved, an objection to its pre-approval notice is refused with a message
    saying where it goes, rather than stored open against an approval already made."""
    ids = _approvable_proposal(factories.make_area(parent=factories.make_area()))
    change_status(db.session.get_one(Project, ids.project), "approved")
    with pytest.raises(services.NoticeError, match="already been approved"):
        services.receive_objection(db.session.get_one(Notice, ids.notice), received_on=date.today(), summary="迟到的异议")
    assert db.session.scalar(select(func.count(Objection.id))) == 0
