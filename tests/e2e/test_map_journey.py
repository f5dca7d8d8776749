"""A leader opens the project map in a real browser: Leaflet draws the county and the demo's markers under
the strict CSP, a popup shows a project's facts, a project's page has its small map, and no request
leaves 127.0.0.1."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from demo.seed import demo_password


@pytest.mark.demo  # the demo county as of 2026-11-27, seeded once per run
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_leader_sees_the_demo_county_on_the_map(browser, live_server, sign_in, locale):
    """Markers for the positioned demo projects, filterable; popups as text; nothing fetched from outside."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    outside, problems = [], []
    page.route(re.compile(r"^(?!" + re.escape(live_server) + r"/).*"),
               lambda route: (outside.append(route.request.url), route.abort()))
    page.on("request", lambda request: None if request.url.startswith(live_server + "/") else outside.append(
        request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, "leader", demo_password())

    page.goto(f"{live_server}/projects/map")
    expect(page.locator("#project-map")).to_have_attribute("data-markers", re.compile(r"^[1-9]\d*$"))
    markers = page.locator("#project-map path.map-marker")
    shown = int(page.locator("#project-map").get_attribute("data-markers") or 0)
    assert shown >= 20 and markers.count() == shown
    expect(page.locator("#project-map path.county-outline")).to_have_count(1)
    expect(page.locator("#project-map .town-label")).to_have_count(11)
    assert page.locator("#project-map path.marker-late").count() >= 1
    expect(page.locator("#map-summary")).to_contain_text(str(shown))

    markers.first.click(force=True)
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup).to_be_visible()
    expect(popup.locator("a")).to_have_attribute("href", re.compile(r"^/projects/\d+$"))
    link = popup.locator("a").get_attribute("href")

    page.select_option("form.filters select[name=status]", "completed")
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"status=completed"))
    expect(page.locator("#project-map")).to_have_attribute("data-markers", re.compile(r"^\d+$"))
    assert int(page.locator("#project-map").get_attribute("data-markers") or 0) < shown

    page.goto(f"{live_server}{link}")
    expect(page.locator("#project-map.small")).to_have_attribute("data-markers", "1")
    expect(page.locator("#project-map.small path.county-outline")).to_have_count(1)

    assert outside == [] and problems == [], (outside, problems)
    context.close()
