"""Notices (公示): their period, the gates they hold on approval and acceptance, objections, and the
public pages (no sign-in, nothing undisclosed or personal, cacheable, rate-limited)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from disclosure import services
from disclosure.models import Notice
from disclosure.services import NoticeError
from extensions import db
from funds.ledger import services as ledger
from projects import services as planning
from projects.services import PlanningError
from tests import factories

TODAY = date.today()


def _proposal():
    project = factories.make_project(status="proposed", review_state="agreed", description="硬化道路2公里",
                                     responsible_unit="江村镇人民政府")
    factories.make_target(project)
    factories.attach_document("project", project.id, "x_projectApproval", "立项批复")
    return project


@pytest.mark.parametrize(("start", "end", "field"), [
    (TODAY, TODAY + timedelta(days=8), "end_date"),   # nine days: short of ten
    (TODAY, TODAY - timedelta(days=1), "end_date"),   # ends before it starts
    (None, TODAY, "start_date"),
])
def test_bad_notice_periods_are_refused(app, start, end, field):
    """A notice shorter than the minimum, ending before it starts or without a start is refused, nothing stored."""
    project = _proposal()
    with pytest.raises(NoticeError) as refused:
        services.post_notice(project, kind="pre_approval", place="village_board", start_date=start, end_date=end)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(select(Notice.id)) is None


def test_minimum_period_is_the_county_s_setting(app):
    """The minimum is data: with 15 days configured, a ten-day notice is refused."""
    app.config["NOTICE_MIN_DAYS"] = 15
    with pytest.raises(NoticeError, match="15"):
        services.post_notice(_proposal(), kind="pre_approval", place="village_board", start_date=TODAY,
                             end_date=TODAY + timedelta(days=9))


def test_kind_must_fit_the_project_s_stage(app):
    """A completion notice is refused for a project not completed."""
    with pytest.raises(NoticeError) as refused:
        services.post_notice(_proposal(), kind="completion", place="village_board", start_date=TODAY,
                             end_date=TODAY + timedelta(days=9))
    assert "kind" in refused.value.errors


def test_snapshot_is_frozen(app):
    """What a notice disclosed stays as it was when the project changes later."""
    project = _proposal()
    notice = services.post_notice(project, kind="pre_approval", place="village_board", start_date=TODAY,
                                  end_date=TODAY + timedelta(days=9))
    project.name = "改名后的项目"
    db.session.flush()
    assert notice.snapshot["name"] != "改名后的项目" and notice.snapshot["supervision_phone"]


def test_approval_gate_waits_for_the_full_period_and_resolved_objections(app):
    """Approval is refused with no notice, while it runs, and with an open objection; allowed after."""
    project = _proposal()
    with pytest.raises(PlanningError, match="No Pre-approval notice"):
        planning.change_status(project, "approved")
    running = Notice(project_id=project.id, kind="pre_approval", place="village_board", start_date=TODAY,
                     end_date=TODAY + timedelta(days=9), snapshot={})
    db.session.add(running)
    db.session.flush()
    with pytest.raises(PlanningError, match="runs until"):
        planning.change_status(project, "approved")
    running.start_date, running.end_date = TODAY - timedelta(days=12), TODAY - timedelta(days=1)
    objection = services.receive_objection(running, received_on=TODAY - timedelta(days=5), summary="选址有异议")
    with pytest.raises(PlanningError, match="not resolved"):
        planning.change_status(project, "approved")
    services.resolve_objection(objection, handling="现场核实", result="维持原选址", resolved_on=TODAY)
    planning.change_status(project, "approved")
    assert (project.status, project.library_year) == ("approved", TODAY.year)


def test_acceptance_gate_waits_for_the_completion_notice(app):
    """A completed project is accepted only after its completion notice has run."""
    project = factories.make_project(status="completed")
    factories.attach_document("project", project.id, "x_acceptanceReport", "验收报告")
    with pytest.raises(PlanningError, match="Completion notice"):
        planning.change_status(project, "accepted")
    db.session.add(Notice(project_id=project.id, kind="completion", place="township_board",
                          start_date=TODAY - timedelta(days=11), end_date=TODAY - timedelta(days=1), snapshot={}))
    db.session.flush()
    planning.change_status(project, "accepted")
    assert project.status == "accepted"


def test_objection_before_the_notice_or_unresolved_without_result_is_refused(app):
    """An objection dated before the notice, and a resolution without a result, are refused."""
    notice = services.post_notice(_proposal(), kind="pre_approval", place="village_board", start_date=TODAY,
                                  end_date=TODAY + timedelta(days=9))
    with pytest.raises(NoticeError):
        services.receive_objection(notice, received_on=TODAY - timedelta(days=1), summary="x")
    objection = services.receive_objection(notice, received_on=TODAY, summary="占地补偿")
    with pytest.raises(NoticeError) as refused:
        services.resolve_objection(objection, handling="协调", result="", resolved_on=TODAY)
    assert "result" in refused.value.errors


def _disclosed_county():
    """A disclosed project with money and payments, an undisclosed one, and one whose notice has not started."""
    shown = factories.make_project(name="公开的项目", contractor="永州路桥公司")
    milestone = factories.make_milestone(shown, name="路基施工")
    source = factories.make_source(received_fen=10_000_000, name="衔接推进乡村振兴补助资金")
    ledger.allocate(source, shown, delta_fen=5_000_000, entry_date=date(2026, 1, 2))
    ledger.record_payment(source, shown, milestone, voucher_no="VOUCHER-SECRET-77", payee="张三个体户",
                          paid_on=date(2026, 1, 3), amount_fen=100_000, cost_category="materials")
    services.post_notice(shown, kind="fund_use", place="county_website", start_date=TODAY - timedelta(days=3),
                         end_date=TODAY + timedelta(days=7))
    hidden = factories.make_project(name="未公示的项目")
    future = factories.make_project(name="尚未开始公示的项目")
    db.session.add(Notice(project_id=future.id, kind="fund_use", place="village_board",
                          start_date=TODAY + timedelta(days=2), end_date=TODAY + timedelta(days=12), snapshot={}))
    factories.make_user("finance", username="caiwu-secret-user")
    db.session.commit()
    return shown, hidden, future


def test_public_pages_show_the_disclosed_and_nothing_else(client):
    """Without signing in: the list holds only projects whose notice has started; others answer 404; the page
    shows disclosure, milestones and money but no payee, voucher, user name or internal id."""
    shown, hidden, future = _disclosed_county()
    listing = client.get("/public/")
    assert listing.status_code == 200 and "public" in listing.headers["Cache-Control"]
    text = listing.get_data(as_text=True)
    assert shown.name in text and hidden.name not in text and future.name not in text
    assert client.get(f"/public/projects/{hidden.code}").status_code == 404
    assert client.get(f"/public/projects/{future.code}").status_code == 404
    page = client.get(f"/public/projects/{shown.code}").get_data(as_text=True)
    assert "路基施工" in page and "衔接推进乡村振兴补助资金" in page and "永州路桥公司" in page
    for secret in ("VOUCHER-SECRET-77", "张三个体户", "caiwu-secret-user", f"/projects/{shown.id}"):
        assert secret not in page and secret not in text


def test_public_pages_search_and_speak_english(client):
    """The list is searchable, and the English switch works without signing in."""
    shown, _hidden, _future = _disclosed_county()
    assert shown.name not in client.get("/public/?q=没有这个").get_data(as_text=True)
    client.get("/lang/en")
    assert b"Public projects" in client.get("/public/").data


def test_public_pages_are_rate_limited(app, client):
    """An address asking more often than the limit in a minute gets 429 with Retry-After."""
    app.config["PUBLIC_RATE_PER_MINUTE"] = 3
    codes = [client.get("/public/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert client.get("/public/").headers.get("Retry-After")


def test_limiter_memory_is_bounded():
    """The limiter keeps at most its number of addresses, dropping the oldest."""
    from core.limits import RateLimiter

    limiter = RateLimiter(limit=1, max_keys=100, clock=lambda: 0.0)
    for number in range(1000):
        limiter.allow(f"10.0.{number // 256}.{number % 256}")
    assert len(limiter.windows) == 100


def test_gate_through_the_page_flashes_what_is_missing(client, auth):
    """The county's approval from the project page is refused naming the missing notice; nothing changes."""
    auth.as_role("planner")
    project = _proposal()
    db.session.commit()
    response = client.post(f"/projects/{project.id}/status", data={"target": "approved"}, follow_redirects=True)
    assert "Pre-approval notice" in response.get_data(as_text=True) or "计划（立项）公示" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status == "proposed"


def test_demo_public_pages_leak_nothing(app, client):
    """Every public page of the demo county: no payee, voucher number, account number or user name from the
    database (a payee that is a disclosed contractor or responsible unit is disclosed as such, not as payee),
    and every page answers without sign-in; the demo's proposal is refused approval while its notice runs."""
    from auth.models import User
    from demo.seed import seed_demo
    from funds.models import Payment, StatementLine
    from projects.models import Project

    seed_demo(TODAY)
    db.session.commit()
    projects = list(db.session.scalars(select(Project)))
    disclosed_names = {p.contractor for p in projects} | {p.responsible_unit for p in projects}
    secrets = set(db.session.scalars(select(Payment.voucher_no)))
    secrets |= set(db.session.scalars(select(Payment.payee))) - disclosed_names
    secrets |= {value for value in db.session.scalars(select(StatementLine.account)) if value}
    secrets |= {value for value in db.session.scalars(select(StatementLine.payee)) if value} - disclosed_names
    secrets |= set(db.session.scalars(select(User.username))) | set(db.session.scalars(select(User.display_name)))
    # A payee that is (part of) a project's disclosed contractor or responsible unit is disclosed as that.
    secrets = {secret for secret in secrets if len(secret) >= 3 and not any(secret in name for name in disclosed_names)}
    pages = [client.get("/public/").get_data(as_text=True)]
    codes = sorted({n.snapshot["code"] for n in db.session.scalars(select(Notice).where(Notice.start_date <= TODAY))})
    assert len(codes) >= 5
    for code in codes:
        response = client.get(f"/public/projects/{code}", environ_base={"REMOTE_ADDR": f"10.1.0.{len(pages)}"})
        assert response.status_code == 200, code
        pages.append(response.get_data(as_text=True))
    leaks = sorted({secret for secret in secrets for page in pages if secret in page})
    assert leaks == []
    proposal = db.session.scalars(select(Project).where(Project.status == "proposed")).first()
    assert proposal is not None
    with pytest.raises(PlanningError, match="runs until"):
        planning.change_status(proposal, "approved")


def test_photo_of_the_posted_board_is_a_document_of_the_notice(app, client, auth):
    """A planner attaches the photo of the posted board to the notice: it is listed on the notice's
    page (which then no longer says there is none), by the documents' store and rules."""
    import io

    from documents.models import Document

    project = factories.make_project(status="proposed", review_state="agreed")
    notice = services.post_notice(project, kind="pre_approval", place="village_board", start_date=date.today(),
                                  end_date=date.today() + timedelta(days=9))
    db.session.commit()
    auth.as_role("planner")
    english = {"Accept-Language": "en"}
    assert "No photo of the posted board yet." in client.get(f"/notices/{notice.id}", headers=english).text
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    client.post("/documents/new", content_type="multipart/form-data", headers=english, data={
        "owner": f"notice:{notice.id}", "document_type": "x_noticePhoto", "title": "村公示栏",
        "document_date": date.today().isoformat(), "file": (io.BytesIO(jpeg), "board.jpg")})
    stored = db.session.scalars(select(Document)).one()
    assert (stored.owner_kind, stored.owner_id) == ("notice", notice.id)
    page = client.get(f"/notices/{notice.id}", headers=english).text
    assert "村公示栏" in page and "No photo of the posted board yet." not in page
