"""The documents a step needs, as data: a project is approved only with its approval letter and
accepted only with its acceptance report; a withdrawn document does not count; the table is shown."""
from __future__ import annotations

import pytest

from documents.services import withdraw
from extensions import db
from projects import services as planning
from projects.services import PlanningError
from tests import factories

EN = {"Accept-Language": "en"}


def _proposal():
    project = factories.make_project(status="proposed", review_state="agreed")
    factories.make_target(project)
    factories.make_finished_notice(project)
    return project


def test_approval_needs_the_approval_letter_named(app):
    """Without a 立项批复 the approval is refused naming it; a withdrawn one does not count; attached, it passes."""
    project = _proposal()
    with pytest.raises(PlanningError) as refused:
        planning.change_status(project, "approved")
    assert "Project approval letter" in str(refused.value.errors["documents"])
    letter = factories.attach_document("project", project.id, "x_projectApproval", "立项批复")
    withdraw(letter, reason="扫描件不清晰")
    with pytest.raises(PlanningError, match="Project approval letter"):
        planning.change_status(project, "approved")
    factories.attach_document("project", project.id, "x_projectApproval", "立项批复（重新扫描）")
    planning.change_status(project, "approved")
    assert project.status == "approved"


def test_acceptance_needs_the_acceptance_report(app):
    """A completed project whose completion notice has run is accepted only with its 验收报告."""
    project = factories.make_project(status="completed")
    factories.make_finished_notice(project, "completion")
    with pytest.raises(PlanningError, match="Acceptance report"):
        planning.change_status(project, "accepted")
    factories.attach_document("project", project.id, "x_acceptanceReport", "验收报告")
    planning.change_status(project, "accepted")
    assert project.status == "accepted"


def test_the_page_refuses_naming_the_document_in_chinese(client, auth):
    """The project page's approval is refused with the missing document's Chinese name; nothing changes."""
    project = _proposal()
    db.session.commit()
    auth.as_role("planner")
    page = client.post(f"/projects/{project.id}/status", data={"target": "approved"},
                       follow_redirects=True).get_data(as_text=True)
    assert "立项批复" in page
    db.session.refresh(project)
    assert project.status == "proposed"


def test_the_table_of_required_documents_is_shown(client, auth):
    """Finance sees each step, the document it needs and from what amount."""
    auth.as_role("finance")
    page = client.get("/documents/required", headers=EN).get_data(as_text=True)
    assert "Approving a payment request" in page and "Invoice" in page and "10,000.00" in page
    assert "Accepting a completed project" in page and "Acceptance report" in page
