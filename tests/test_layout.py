"""What every page has: dates that never wrap, codes that never break, a skip link to the content, the
focus always visible, and a stylesheet that keeps phones (390 px) from scrolling sideways (the
browser journeys measure that on the real pages: tests/e2e/test_phone_journey.py)."""
from __future__ import annotations

import os
import re
from datetime import date, datetime

from markupsafe import Markup

from core.web import show_dates
from extensions import db
from tests import factories
from tests.conftest import ROOT

EN = {"Accept-Language": "en"}
with open(os.path.join(ROOT, "static", "style.css"), encoding="utf-8") as _stylesheet:
    STYLE = _stylesheet.read()


def test_a_date_is_printed_as_a_time_element_and_nothing_else_is():
    """Jinja's finalize turns a date into <time>; a datetime, text and numbers print as they are."""
    assert show_dates(date(2026, 3, 1)) == Markup('<time datetime="2026-03-01">2026-03-01</time>')
    moment = datetime(2026, 3, 1, 8, 30)
    assert show_dates(moment) is moment and show_dates("2026-03-01") == "2026-03-01" and show_dates(5) == 5


def test_dates_on_pages_never_wrap_and_codes_never_break(client, auth):
    """A project's dates come as <time> elements, which the stylesheet keeps on one line with codes."""
    project = factories.make_project(code="SP-2026-001", planned_start=date(2026, 3, 1))
    factories.make_milestone(project, planned_date=date(2026, 6, 30))
    db.session.commit()
    auth.as_role("leader")
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert '<time datetime="2026-06-30">2026-06-30</time>' in page
    assert '<small class="code">SP-2026-001</small>' in page
    assert re.search(r"time, \.code \{ white-space: nowrap; \}", STYLE)


def test_every_page_has_a_skip_link_and_visible_focus(client, auth):
    """The first thing to tab to skips the header; the focus is outlined wherever it is."""
    auth.as_role("leader")
    page = client.get("/projects/", headers=EN).data.decode()
    body = page.split("<body>")[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#content">Skip to the content</a>')
    assert '<main id="content" tabindex="-1">' in page
    assert ":focus-visible { outline: 3px solid" in STYLE and ".skip-link:focus { top: .5rem; }" in STYLE


def test_stylesheet_keeps_wide_tables_in_their_own_box_on_phones():
    """Below 40rem a table scrolls inside itself; grids never ask for more than the screen; a heading's
    title takes the room and its buttons wrap below it."""
    phone = STYLE.split("@media (max-width: 40rem)")[1]
    assert "table { display: block; max-width: 100%; overflow-x: auto; }" in phone
    assert "minmax(min(22rem, 100%), 1fr)" in STYLE and "minmax(min(18rem, 100%), 1fr)" in STYLE
    assert ".heading h1 { flex: 1 1 18rem; min-width: 0; }" in STYLE


def test_no_date_is_printed_inside_an_attribute(client, auth):
    """A date printed inside an attribute would become markup there: every page puts dates in text only."""
    project = factories.make_project(code="SP-2026-002", planned_start=date(2026, 3, 1), actual_start=date(2026, 3, 5))
    factories.make_milestone(project, planned_date=date(2026, 6, 30))
    source = factories.make_source(received_fen=1_000, code="FIS-T")
    db.session.commit()
    auth.as_role("admin")
    for url in ("/projects/", f"/projects/{project.id}", f"/projects/{project.id}/edit", "/funds/",
                f"/funds/sources/{source.id}", "/funds/payments", f"/funds/sources/{source.id}/reconcile",
                "/reports/", "/reports/earned-value", f"/reports/projects/{project.id}", "/audit/", "/admin/"):
        page = client.get(url, headers=EN).data.decode()
        assert not re.search(r'="[^"]*<time', page), url
