"""In a real browser, in Chinese and in English: the county completes a project, posts its completion
notice (竣工公示), is refused acceptance while the notice runs, accepts it once the notice has run its
full period, and hands over the asset the acceptance drafted (资产移交), which the register then shows."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from disclosure.models import Notice
from extensions import db
from projects.models import Project
from tests import factories

TODAY = date.today()
WORDS = {
    "zh-CN": {"confirm": "变更状态", "refused": "公示至", "handed": "已移交"},
    "en-US": {"confirm": "Change status", "refused": "runs until", "handed": "Handed over"},
}


def _move(page, target: str, confirm: str):
    form = page.locator("form.status-form")
    form.locator("select[name=target]").select_option(target)
    form.get_by_role("button").click()
    page.locator("#confirm-dialog").get_by_role("button", name=confirm).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", sorted(WORDS))
def test_completion_notice_holds_acceptance_until_it_has_run(browser, live_server, sign_in, locale):
    """Completed → completion notice posted → acceptance refused, naming the notice's end → accepted
    once the notice has run → its drafted asset handed over → the register shows it handed over."""
    words = WORDS[locale]
    project = factories.make_project(status="in_progress", name="大塘村通组道路硬化",
                                     actual_start=TODAY - timedelta(days=90))
    factories.make_milestone(project, progress_pct=100, actual_date=TODAY - timedelta(days=1))
    factories.attach_document("project", project.id, "x_acceptanceReport", "验收报告")  # what else acceptance needs
    factories.make_user("planner", username="county")
    db.session.commit()
    page = browser.new_context(locale=locale).new_page()
    sign_in(page, "county", factories.PASSWORD)
    page.goto(f"{live_server}/projects/{project.id}")
    _move(page, "completed", words["confirm"])
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"{live_server}/notices/projects/{project.id}/new")
    page.select_option("#kind", "completion")
    page.select_option("#place", "village_board")
    page.fill("#start_date", TODAY.isoformat())
    page.fill("#end_date", (TODAY + timedelta(days=9)).isoformat())
    page.locator("form.grid-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(f"{live_server}/projects/{project.id}")
    _move(page, "accepted", words["confirm"])
    expect(page.locator(".flash-error")).to_contain_text(words["refused"])
    expect(page.locator(".flash-error")).to_contain_text((TODAY + timedelta(days=9)).isoformat())
    db.session.expire_all()
    assert db.session.get_one(Project, project.id).status == "completed"

    notice = db.session.scalar(select(Notice).where(Notice.project_id == project.id))
    assert notice is not None
    notice.start_date, notice.end_date = TODAY - timedelta(days=11), TODAY - timedelta(days=1)  # ten days later
    db.session.commit()
    page.goto(f"{live_server}/projects/{project.id}")
    _move(page, "accepted", words["confirm"])
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get_one(Project, project.id).status == "accepted"

    page.locator("#assets a[href$='/handover']").click()  # "Hand over" on the asset the acceptance drafted
    page.select_option("#owner_type", "village_collective")
    page.fill("#owner_name", "大塘村股份经济合作社")
    page.fill("#custodian", "大塘村村民委员会")
    page.fill("#handed_over_on", TODAY.isoformat())
    page.locator("form.grid-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(f"{live_server}/assets/?handed=yes")
    row = page.locator("#asset-register tbody tr", has_text=project.code)
    expect(row).to_contain_text("大塘村村民委员会")
    expect(row).to_contain_text(TODAY.isoformat())
    expect(page.locator("select[name=handed] option:checked")).to_have_text(words["handed"])
    page.context.close()
