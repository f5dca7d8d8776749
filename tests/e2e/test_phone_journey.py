"""On a phone (390 px wide), in a real browser, on the demo county: no main page scrolls sideways,
for each role that reads it. Wide tables scroll inside their own box; titles and codes do not break."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from demo.seed import demo_password, seed_demo
from extensions import db
from funds.models import FundSource, Payment
from projects.models import Project

PHONE = {"width": 390, "height": 844}
# Titles taller than four lines (one character a line, as they were), and codes or dates on more than one line.
BROKEN_TEXT = """() => {
  const broken = [];
  document.querySelectorAll("h1").forEach(function (title) {
    const line = parseFloat(getComputedStyle(title).fontSize) * 1.6;
    if (title.getBoundingClientRect().height > 4 * line) { broken.push("title " + title.textContent.trim().slice(0, 20)); }
  });
  document.querySelectorAll(".code, time").forEach(function (text) {
    if (text.getClientRects().length > 1) { broken.push("split " + text.textContent.trim()); }
  });
  return broken;
}"""


def _pages(role: str) -> list[str]:
    """The main pages of `role` on the demo county, by address."""
    project = db.session.scalar(select(Project.id).join(Payment, Payment.project_id == Project.id).limit(1))
    source = db.session.scalar(select(FundSource.id).order_by(FundSource.id).limit(1))
    common = ["/projects/", f"/projects/{project}", "/funds/", f"/funds/sources/{source}", "/funds/payments",
              f"/funds/sources/{source}/reconcile", "/funds/checks", "/funds/rules", "/reports/",
              "/reports/earned-value", f"/reports/projects/{project}"]
    extra = {"planner": ["/projects/new", f"/projects/{project}/edit", "/projects/import"],
             "finance": [f"/funds/sources/{source}/payments/new", f"/funds/sources/{source}/allocations",
                         f"/funds/sources/{source}/statements", "/funds/rules/new"],
             "auditor": ["/audit/"], "admin": ["/audit/", "/admin/", "/admin/users/new"], "leader": []}
    return common + extra[role]


@pytest.mark.parametrize("role", ["leader", "planner", "finance", "auditor", "admin"])
def test_no_main_page_scrolls_sideways_on_a_phone(browser, live_server, sign_in, role):
    """Each main page the role opens is at most 390 px wide (document.documentElement.scrollWidth), its
    title is not broken into a column of characters, and no code or date is split over lines."""
    seed_demo(date.today())
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, role, demo_password())
    if page.url.endswith("/account/password"):  # a first sign-in asks for a new password first
        pytest.fail("demo accounts should not need a password change")
    too_wide, broken = {}, {}
    for path in _pages(role):
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.ok, (role, path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        if found := page.evaluate(BROKEN_TEXT):
            broken[path] = found
    context.close()
    assert too_wide == {}, role
    assert broken == {}, role
