"""Performance targets (绩效目标): the indicator's rules, actual values, the approval gate, the
self-assessment score, and what the notice and the public page disclose of them."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from disclosure import services as disclosure
from extensions import db
from projects import services as planning
from projects.services import PlanningError
from projects.targets import services
from projects.targets.models import Target
from projects.targets.services import TargetError, TargetInput
from tests import factories

TODAY = date.today()


def _input(**changes) -> TargetInput:
    values = dict(tier="output", category="quantity", name="硬化道路长度", unit="公里", comparison="ge",
                  target_value="2.4")
    values.update(changes)
    return TargetInput(**values)


@pytest.mark.parametrize(("changes", "field"), [
    (dict(unit=" "), "unit"),                         # a target without its unit
    (dict(name=""), "name"),
    (dict(target_value="两公里"), "target_value"),     # not a number
    (dict(comparison=">"), "comparison"),
    (dict(tier="benefit", category="quantity"), "category"),  # a category of another tier
])
def test_bad_indicators_are_refused(app, changes, field):
    """An indicator without unit or name, with a value that is no number, an unknown comparison or a
    category of another tier is refused on that field, nothing stored."""
    project = factories.make_project(status="proposed")
    with pytest.raises(TargetError) as refused:
        services.add_target(project, _input(**changes))
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count(Target.id))) == 0


def test_indicator_is_stored_and_audited(app):
    """A good indicator is stored with its value exact (full-width digits read) and the addition audited."""
    project = factories.make_project(status="proposed")
    target = services.add_target(project, _input(target_value="２.４"))
    assert (target.target_value, target.unit, target.actual_value) == (Decimal("2.4"), "公里", None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target.create"))
    assert event is not None and event.after["target_value"] == "2.4"


def test_actual_value_must_be_a_number_and_comes_after_approval(app):
    """An actual value is refused on a proposal and when it is not a number, named with the target's unit."""
    project = factories.make_project(status="proposed")
    target = factories.make_target(project)
    with pytest.raises(TargetError, match="once the project"):
        services.record_actual(target, project, "2.5")
    project.status = "completed"
    with pytest.raises(TargetError) as refused:
        services.record_actual(target, project, "差不多")
    assert "公里" in str(refused.value.errors["actual_value"])
    services.record_actual(target, project, "2.6")
    assert target.actual_value == Decimal("2.6") and services.is_met(target)


def test_met_follows_the_comparison(app):
    """≥, ≤ and = compare the actual value with the target."""
    project = factories.make_project()
    cases = [("ge", "90", "89.9", False), ("ge", "90", "90", True), ("le", "5", "4", True), ("le", "5", "6", False),
             ("eq", "100", "100", True), ("eq", "100", "99", False)]
    for comparison, target_value, actual, met in cases:
        target = factories.make_target(project, comparison=comparison, target_value=Decimal(target_value),
                                       actual_value=Decimal(actual))
        assert services.is_met(target) is met, (comparison, target_value, actual)


def test_targets_are_removed_only_from_a_proposal(app):
    """A proposal's indicator can be removed; an approved project's cannot."""
    project = factories.make_project(status="proposed")
    target = factories.make_target(project)
    services.remove_target(target, project)
    kept = factories.make_target(project)
    project.status = "approved"
    with pytest.raises(TargetError):
        services.remove_target(kept, project)


def test_approval_needs_an_output_target(app):
    """A proposal whose notice has run is still refused approval without an output indicator, named."""
    project = factories.make_project(status="proposed")
    factories.make_finished_notice(project)
    factories.attach_document("project", project.id, "x_projectApproval", "立项批复")
    factories.make_target(project, tier="satisfaction", category="beneficiary", unit="%", target_value=Decimal(90))
    with pytest.raises(PlanningError) as refused:
        planning.change_status(project, "approved")
    assert "output indicator" in str(refused.value.errors["targets"])
    factories.make_target(project)
    planning.change_status(project, "approved")
    assert project.status == "approved"


def test_self_assessment_scores_on_the_weights(app):
    """Budget execution 10 (spent / allocated), output 50, benefit 30, satisfaction 10, shared among each
    tier's indicators; a missed target earns nothing and is listed, an unmeasured one is counted apart."""
    project = factories.make_project(status="completed", allocated_fen=1_000_000, spent_fen=800_000)
    met = factories.make_target(project, actual_value=Decimal("2.5"))
    missed = factories.make_target(project, name="按期完工率", unit="%", target_value=Decimal(100),
                                   actual_value=Decimal(90), category="timeliness")
    factories.make_target(project, tier="benefit", category="social", name="受益人口", unit="人",
                          target_value=Decimal(300), actual_value=Decimal(320))
    unmeasured = factories.make_target(project, tier="satisfaction", category="beneficiary", name="满意度",
                                       unit="%", target_value=Decimal(90))
    result = services.assess(project, services.targets_of(project.id))
    assert result.points == {"budget": Decimal(8), "output": Decimal(25), "benefit": Decimal(30),
                             "satisfaction": Decimal(0)}
    assert (result.total, result.maximum) == (Decimal("63.0"), 100)
    assert result.missed == [missed] and result.unmeasured == [unmeasured] and met not in result.missed
    other = services.assess(project, services.targets_of(project.id),
                            {"budget": 20, "output": 40, "benefit": 30, "satisfaction": 10})
    assert other.total == Decimal("66.0")  # the weights are data


def test_notice_and_public_page_disclose_the_targets(app, client):
    """A notice's frozen snapshot carries the targets; the public page shows them, in Chinese by default."""
    project = factories.make_project(status="proposed", description="硬化道路2.4公里", responsible_unit="江村镇人民政府")
    factories.make_target(project)
    disclosure.post_notice(project, kind="pre_approval", place="village_board", start_date=TODAY - timedelta(days=2),
                           end_date=TODAY + timedelta(days=8))
    db.session.commit()
    page = client.get(f"/public/projects/{project.code}").get_data(as_text=True)
    assert "硬化道路长度" in page and "≥ 2.4 公里" in page and "绩效目标" in page


def test_target_pages_add_refuse_and_measure(client, auth):
    """From the project page: an indicator without unit is refused with the reason and not stored; a good one
    is added; the portfolio page lists the project's missed target."""
    auth.as_role("planner")
    project = factories.make_project(status="proposed")
    db.session.commit()
    form = {"tier": "output", "category": "quantity", "name": "硬化道路长度", "comparison": "ge", "target_value": "2.4"}
    page = client.post(f"/projects/{project.id}/targets", data={**form, "unit": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "unit" in page and db.session.scalar(select(func.count(Target.id))) == 0
    client.post(f"/projects/{project.id}/targets", data={**form, "unit": "公里"})
    target = db.session.scalar(select(Target))
    assert target is not None
    db.session.query(type(project)).filter_by(id=project.id).update({"status": "completed"})
    db.session.commit()
    client.post(f"/projects/targets/{target.id}/actual", data={"actual_value": "2.1"})
    db.session.refresh(target)
    assert target.actual_value == Decimal("2.1")
    board = client.get("/projects/assessments").get_data(as_text=True)
    assert project.code in board and "硬化道路长度: 2.1" in board
