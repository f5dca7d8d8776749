"""A planner, in a real browser, imports a spreadsheet: the upload goes by XMLHttpRequest with progress,
the preview is shown, the import runs under a busy bar and the project list says what was imported."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from projects.imports import views as import_views
from projects.models import Project
from tests import factories
from tests.spreadsheet_builders import PROJECT_HEADERS, make_county, project_line, xlsx_bytes


def test_planner_imports_a_workbook_with_progress(browser, live_server, sign_in, monkeypatch, tmp_path):
    """Upload by XHR (progress shown), land on the preview, confirm, see the summary on the list."""
    monkeypatch.setattr(import_views, "_folder", lambda: tmp_path / "uploads")
    factories.make_user("planner", username="planner1")
    make_county()
    db.session.commit()
    workbook = tmp_path / "projects.xlsx"
    workbook.write_bytes(xlsx_bytes(("项目", [PROJECT_HEADERS] + [project_line(f"E-{i}") for i in range(3)])))
    page = browser.new_context(locale="en-US").new_page()
    sign_in(page, "planner1", factories.PASSWORD)
    page.goto(f"{live_server}/projects/import")
    page.set_input_files("input[type=file]", str(workbook))
    with page.expect_request(lambda request: request.method == "POST" and request.resource_type == "xhr"):
        page.click("form[data-upload-progress] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/projects/import/[0-9a-f]{32}/preview$"))
    expect(page.get_by_role("cell", name="E-2", exact=True)).to_be_visible()
    page.click("text=Import now")
    expect(page).to_have_url(re.compile(r"/projects/$"))
    expect(page.get_by_text("Imported 3 new, 0 changed, 0 unchanged projects.")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Project.id))) == 3


def test_unreadable_upload_shows_the_reason_in_the_page(browser, live_server, sign_in, monkeypatch, tmp_path):
    """With JavaScript, a refused upload still shows the form's error message in place."""
    monkeypatch.setattr(import_views, "_folder", lambda: tmp_path / "uploads")
    factories.make_user("planner", username="planner1")
    db.session.commit()
    junk = tmp_path / "projects.xlsx"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    page = browser.new_context(locale="en-US").new_page()
    sign_in(page, "planner1", factories.PASSWORD)
    page.goto(f"{live_server}/projects/import")
    page.set_input_files("input[type=file]", str(junk))
    page.click("form[data-upload-progress] button[type=submit]")
    expect(page.get_by_text("This file is neither an .xlsx spreadsheet nor CSV text.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/projects/import$"))
