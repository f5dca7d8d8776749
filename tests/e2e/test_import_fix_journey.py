"""A planner imports a sheet with one bad row, sees every problem and nothing stored, fixes it,
imports it, then exports the list — in Chinese and in English."""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import func, select

from extensions import db
from projects.models import Project
from tests import factories
from tests.spreadsheet_builders import PROJECT_HEADERS, make_county, project_line, xlsx_bytes

WORDS = {"zh-CN": {"import": "立即导入", "problems": "个问题"},
         "en-US": {"import": "Import now", "problems": "Problems found"}}


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Project.id)))


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_bad_row_then_fix_then_import_then_export(browser, live_server, sign_in, tmp_path, locale):
    """Row 3's budget is malformed: the preview lists it (row 3, budget column) and nothing is stored;
    the fixed file imports all three; the export holds them."""
    factories.make_user("planner", username="planner1")
    make_county()
    db.session.commit()
    words = WORDS[locale]
    rows = [project_line("IMP-1"), project_line("IMP-2", budget="12,34.5"), project_line("IMP-3")]
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    bad.write_bytes(xlsx_bytes(("项目", [PROJECT_HEADERS] + rows)))
    rows[1] = project_line("IMP-2", budget="1,234.50")
    good.write_bytes(xlsx_bytes(("项目", [PROJECT_HEADERS] + rows)))

    page = browser.new_context(locale=locale, accept_downloads=True).new_page()
    sign_in(page, "planner1", factories.PASSWORD)
    page.goto(f"{live_server}/projects/import")
    page.set_input_files("input[type=file]", str(bad))
    page.click("form[data-upload-progress] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/preview$"))
    expect(page.locator("h2", has_text=words["problems"])).to_be_visible()
    problem = page.locator("table.problems tbody tr").first
    expect(problem.locator("td").first).to_have_text("3")
    expect(problem).to_contain_text("总投资")
    expect(page.get_by_role("button", name=words["import"])).to_have_count(0)
    assert _count() == 0

    page.goto(f"{live_server}/projects/import")
    page.set_input_files("input[type=file]", str(good))
    page.click("form[data-upload-progress] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/preview$"))
    page.get_by_role("button", name=words["import"]).click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    assert _count() == 3

    with page.expect_download() as download:
        page.click("a[href*='/projects/export.xlsx']")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["IMP-1", "IMP-2", "IMP-3"]
    budgets = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    column = next(i for i, header in enumerate(budgets) if header and "总投资" in str(header))
    assert [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)][1] == pytest.approx(1234.5)
