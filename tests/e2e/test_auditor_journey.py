"""An auditor, in a real browser and in Chinese, filters the audit trail and exports what was filtered."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from audit.models import AuditEvent
from demo.seed import demo_password, seed_demo
from extensions import db


def test_auditor_filters_the_trail_and_exports_it_in_chinese(browser, live_server, sign_in):
    """Choose 冲销支付 from the list of actions and 成功 as the outcome, follow an event to its payment,
    come back, download the .xlsx: it holds those events under their Chinese names, and the export is
    itself in the trail."""
    seed_demo(date.today())
    db.session.commit()
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, "auditor", demo_password())

    page.goto(f"{live_server}/audit/")
    expect(page.locator("h1")).to_have_text("审计日志")
    page.select_option("#trail-filters select[name=action]", label="冲销支付")
    page.select_option("#trail-filters select[name=outcome]", label="成功")
    page.locator("#trail-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"action=payment\.reverse"))
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("冲销支付")
    assert rows.count() >= 1 and all("冲销支付" in text for text in rows.all_inner_texts())
    expect(rows.first).to_contain_text("元")

    rows.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/funds/sources/\d+\?period=\d{6}#payments$"))
    page.go_back()

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    body = Path(download.value.path()).read_bytes()
    sheet = load_workbook(BytesIO(body)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["记录编号", "时间（北京时间）", "用户", "操作"]
    assert len(values) == rows.count() + 1 and {row[3] for row in values[1:]} == {"冲销支付"}
    assert re.fullmatch(r"audit-trail-\d{8}\.xlsx", download.value.suggested_filename)
    db.session.expire_all()
    export = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
    assert export.username == "auditor" and export.after["rows"] == rows.count()
    context.close()
