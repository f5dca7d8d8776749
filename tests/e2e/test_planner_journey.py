"""A planner, in a real browser, enters a project with milestones and records progress, in both languages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from projects import services
from projects.models import Project
from tests import factories

TEXT = {
    "zh-CN": {"new": "新建项目", "save": "保存", "add": "添加节点", "record": "记录", "created": "已创建"},
    "en-US": {"new": "New project", "save": "Save", "add": "Add milestone", "record": "Record", "created": "created"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_planner_enters_project_plans_milestones_and_records_progress(browser, live_server, sign_in, locale):
    """Create a project (budget in 万元), plan two milestones, record progress; the page shows 25%."""
    factories.make_user("planner", username="planner1")
    town = factories.make_area()
    factories.make_area(parent=town)
    db.session.commit()
    words = TEXT[locale]
    page = browser.new_context(locale=locale).new_page()
    sign_in(page, "planner1", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/projects/$"))

    page.get_by_role("link", name=words["new"]).click()
    page.fill("#code", "SP-E2E-001")
    page.fill("#name", "塘底乡通组公路硬化")
    page.select_option("#category", "road")
    page.select_option("#area_id", index=1)
    page.fill("#budget_fen", "80万")
    page.fill("#planned_start", "2026-03-01")
    page.fill("#planned_end", "2026-12-31")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".flash-success")).to_contain_text(words["created"])
    expect(page.locator("h1")).to_contain_text("塘底乡通组公路硬化")
    # A new project is proposed; its approval (targets, notice, the county's move) has its own journey
    # (test_library_journey): here it is approved behind the page, and the page reloaded.
    project = db.session.scalar(select(Project).where(Project.code == "SP-E2E-001"))
    factories.make_approvable(project)
    services.change_status(project, "approved", reason="双发改〔2026〕9号批复（示例）")
    db.session.commit()
    page.reload()

    for name, day, cost in (("路基", "2026-05-01", "20万"), ("路面", "2026-10-01", "60万")):
        page.locator("details summary").click() if not page.locator("details[open]").count() else None
        page.fill("details input[name=name]", name)
        page.fill("details input[name=planned_date]", day)
        page.fill("details input[name=planned_cost_fen]", cost)
        page.get_by_role("button", name=words["add"]).click()
    expect(page.locator("table.milestones tbody tr")).to_have_count(2)
    expect(page.locator(".flash-warning")).to_have_count(0)  # 20万 + 60万 = the budget

    first = page.locator("table.milestones tbody tr").first
    first.locator("input[name=progress_pct]").fill("100")
    first.get_by_role("button", name=words["record"]).click()
    expect(page.locator(".facts.money")).to_contain_text("25%")
    db.session.expire_all()
    project = db.session.scalar(select(Project).where(Project.code == "SP-E2E-001"))
    assert (project.budget_fen, project.progress_bp, project.status) == (80_000_000, 2500, "approved")
