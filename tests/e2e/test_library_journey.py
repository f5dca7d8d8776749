"""In a real browser: a township's account proposes a project with its library entry and a performance
target, the township agrees, a pre-approval notice is posted; the county's approval is refused while the
notice runs and goes through once it has ended; the public page shows the disclosure in Chinese and in
English, and on a phone (390 px) it does not scroll sideways."""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from disclosure.models import Notice
from extensions import db
from projects.models import Project
from tests import factories

PHONE = {"width": 390, "height": 844}
TODAY = date.today()


def _setup():
    town = factories.make_area("JC")
    village = factories.make_area("JC-DT", parent=town)
    staff = factories.make_user("planner", username="jiangcun")
    staff.area_id = town.id
    factories.make_user("planner", username="county")
    db.session.commit()
    return village


def _propose(page, live_server, village) -> Project:
    page.goto(f"{live_server}/projects/propose")
    page.fill("#code", "JC-LIB-01")
    page.fill("#name", "大塘村通组道路硬化")
    page.select_option("#category", "road")
    page.select_option("#area_id", str(village.id))
    page.select_option("#nature", "new")
    page.fill("#description", "硬化通组道路2.4公里，宽4.5米")
    page.fill("#budget_fen", "80万")
    page.fill("#planned_start", TODAY.replace(month=1, day=1).isoformat())
    page.fill("#planned_end", TODAY.replace(month=12, day=31).isoformat())
    page.fill("#responsible_unit", "江村镇人民政府")
    page.fill("#beneficiaries", "大塘村一、二组")
    page.fill("#beneficiary_count", "320")
    page.fill("#beneficiary_poverty_count", "41")
    page.fill("#beneficiary_monitored_count", "6")
    page.fill("#benefit_linkage", "务工优先录用脱贫户，按日结算工资")
    page.locator("form.grid-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    project = db.session.scalar(select(Project).where(Project.code == "JC-LIB-01"))
    assert project is not None and project.review_state == "submitted"
    return project


def _add_target(page):
    form = page.locator("form.target-form")
    form.locator("select[name=tier]").select_option("output")
    form.locator("select[name=category]").select_option("quantity")
    form.locator("input[name=name]").fill("硬化道路长度")
    form.locator("select[name=comparison]").select_option("ge")
    form.locator("input[name=target_value]").fill("2.4")
    form.locator("input[name=unit]").fill("公里")
    form.get_by_role("button").click()
    expect(page.locator("#targets")).to_contain_text("硬化道路长度")


def _move(page, target: str, confirm: str):
    form = page.locator("form.status-form")
    form.locator("select[name=target]").select_option(target)
    form.get_by_role("button").click()
    page.locator("#confirm-dialog").get_by_role("button", name=confirm).click()
    page.wait_for_load_state()


def test_township_proposal_to_county_approval_and_the_public_page(browser, live_server, sign_in):
    """Propose → township review → notice → approval refused while it runs → approved after it ends →
    public page in zh and en, and on a phone."""
    village = _setup()
    township = browser.new_context(locale="zh-CN").new_page()
    sign_in(township, "jiangcun", factories.PASSWORD)
    project = _propose(township, live_server, village)
    _add_target(township)
    review = township.locator("form.review-form")
    review.locator("select[name=decision]").select_option("agree")
    review.get_by_role("button").click()
    expect(township.locator(".flash-success")).to_be_visible()
    township.goto(f"{live_server}/notices/projects/{project.id}/new")
    township.select_option("#kind", "pre_approval")
    township.select_option("#place", "village_board")
    township.fill("#start_date", TODAY.isoformat())
    township.fill("#end_date", (TODAY + timedelta(days=9)).isoformat())
    township.locator("form.grid-form button[type=submit]").click()
    expect(township.locator(".flash-success")).to_be_visible()
    township.context.close()
    factories.attach_document("project", project.id, "x_projectApproval", "立项批复")  # documents.requirements
    db.session.commit()

    county = browser.new_context(locale="en-US").new_page()
    sign_in(county, "county", factories.PASSWORD)
    county.goto(f"{live_server}/projects/{project.id}")
    _move(county, "approved", "Change status")
    expect(county.locator(".flash-error")).to_contain_text("runs until")
    db.session.refresh(project)
    assert project.status == "proposed"
    notice = db.session.scalar(select(Notice).where(Notice.project_id == project.id))
    assert notice is not None
    notice.start_date, notice.end_date = TODAY - timedelta(days=11), TODAY - timedelta(days=1)  # ten days later
    db.session.commit()
    county.goto(f"{live_server}/projects/{project.id}")
    _move(county, "approved", "Change status")
    expect(county.locator(".flash-success")).to_be_visible()
    db.session.refresh(project)
    assert project.status == "approved" and project.library_year == TODAY.year
    county.context.close()

    visitor = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    visitor.goto(f"{live_server}/public/")
    visitor.get_by_role("link", name="大塘村通组道路硬化").click()
    expect(visitor.locator("h1")).to_contain_text("大塘村通组道路硬化")
    expect(visitor.locator(".public")).to_contain_text("绩效目标")
    expect(visitor.locator(".public")).to_contain_text("≥ 2.4 公里")
    expect(visitor.locator(".public")).to_contain_text("务工优先录用脱贫户")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    visitor.get_by_role("link", name="English").click()
    expect(visitor.locator(".public")).to_contain_text("Performance targets")
    expect(visitor.locator(".public")).to_contain_text("Supervision phone")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    visitor.context.close()
