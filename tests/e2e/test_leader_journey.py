"""A county leader, in a real browser, filters the dashboard, opens a project's S-curve and downloads the report."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from demo.seed import demo_password
from extensions import db
from projects.models import Area

PDF_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")


def _image_width(page, selector: str) -> int:
    """The decoded width of an image on the page (0 when it failed to load)."""
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete; }", arg=selector)
    return page.eval_on_selector(selector, "img => img.naturalWidth")


@pytest.mark.demo  # the demo county as of 2026-11-27, seeded once per run
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_leader_filters_dashboard_opens_s_curve_and_downloads_report(browser, live_server, sign_in, locale):
    """Filter by a township, see its charts and who is behind the spending schedule, open a late project's
    S-curve, download a PDF of several pages."""
    township = db.session.scalar(select(Area).where(Area.code == "LB"))
    context = browser.new_context(locale=locale, accept_downloads=True)
    page = context.new_page()
    sign_in(page, "leader", demo_password())

    page.goto(f"{live_server}/reports/")
    page.select_option("#report-filters select[name=area]", str(township.id))
    page.select_option("#report-filters select[name=year]", "2026")
    page.locator("#report-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"area={township.id}"))
    expect(page.locator("#tile-spent strong")).to_have_attribute("data-fen", re.compile(r"^[1-9]\d*$"))
    expect(page.locator("#who-is-behind tr.behind", has_text="PRF-2026")).to_be_visible()  # behind schedule
    assert _image_width(page, "#chart-fund-utilisation img") == 800
    assert _image_width(page, "#chart-spending-by-category img") == 800

    page.locator("#late-milestones a").first.click()
    expect(page).to_have_url(re.compile(r"/reports/projects/\d+$"))
    expect(page.locator("dd[data-ratio=spi]")).to_be_visible()
    assert _image_width(page, "#chart-s-curve img") == 800
    assert _image_width(page, "#chart-milestone-timeline img") == 800

    page.go_back()
    with page.expect_download() as download:
        page.locator("#meeting-report").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"%PDF-") and len(PDF_PAGE.findall(body)) >= 6
    # Fetched by the page while a notice said it was being prepared, then saved under the server's name.
    assert download.value.url.startswith("blob:")
    assert re.fullmatch(r"meeting-report-\d{4}-\d{2}-\d{2}-(zh|en)\.pdf", download.value.suggested_filename)
    expect(page.locator("#meeting-report-busy")).to_be_hidden()
    context.close()
