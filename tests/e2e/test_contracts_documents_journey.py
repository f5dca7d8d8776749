"""In a real browser, in both languages: a planner registers a contractor (a wrong credit code first),
enters a contract on a project, records a variation, attaches a document, downloads it and withdraws it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from contracts.models import Contract
from documents.models import Document
from extensions import db
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = {
    "zh-CN": {"register": "登记承包单位", "save": "保存", "check": "校验码", "enter": "录入合同", "record": "记录",
              "attach": "上传", "withdraw": "撤回", "withdrawn": "已撤回", "variation": "登记变更"},
    "en-US": {"register": "Register a contractor", "save": "Save", "check": "check character", "enter": "Enter a contract",
              "record": "Record", "attach": "Attach", "withdraw": "Withdraw", "withdrawn": "withdrawn",
              "variation": "Record a variation"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_contractor_contract_variation_and_documents(browser, live_server, sign_in, locale, tmp_path):
    """Contractor (wrong code refused on its field) -> contract -> variation -> document attached,
    downloaded as an attachment, withdrawn with a reason."""
    factories.make_user("planner", username="planner1")
    project = factories.make_project()
    factories.make_milestone(project)
    db.session.commit()
    words = TEXT[locale]
    page = browser.new_context(locale=locale, accept_downloads=True).new_page()
    sign_in(page, "planner1", factories.PASSWORD)

    page.goto(f"{live_server}/contracts/contractors/")
    page.get_by_role("link", name=words["register"]).first.click()
    page.fill("#name", "双牌县路桥工程有限公司")
    page.fill("#uscc", "91350100M000100Y44")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".has-error")).to_contain_text(words["check"])
    page.fill("#uscc", "91350100M000100Y43")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("h1")).to_contain_text("双牌县路桥工程有限公司")

    page.goto(f"{live_server}/projects/{project.id}")
    page.get_by_role("link", name=words["enter"]).click()
    page.fill("#contract_no", "HT-E2E-1")
    page.select_option("#contractor_id", index=1)
    page.fill("#signed_on", "2026-02-01")
    page.fill("#value_fen", "100万")
    page.locator("input[name=milestone_ids]").first.check()
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("h1")).to_contain_text("HT-E2E-1")

    page.locator("details summary", has_text=words["variation"]).click()
    page.fill("input[name=amount_fen]", "5万")
    page.fill("details input[name=reason]", "增加排水沟")
    page.fill("input[name=varied_on]", "2026-03-01")
    page.get_by_role("button", name=words["record"]).click()
    expect(page.locator("#variations + table")).to_contain_text("增加排水沟")
    expect(page.locator(".facts.money")).to_contain_text("1,050,000.00")

    invoice = tmp_path / "合同.pdf"
    invoice.write_bytes(PDF)
    page.select_option(".attach-document select[name=document_type]", "x_constructionContract")
    page.set_input_files(".attach-document input[name=file]", str(invoice))
    page.get_by_role("button", name=words["attach"], exact=True).click()
    expect(page.locator("table.documents")).to_contain_text("合同.pdf")
    with page.expect_download() as download:
        page.locator("table.documents a", has_text="合同.pdf").click()
    assert download.value.suggested_filename == "合同.pdf"

    page.fill("table.documents input[name=reason]", "版本有误")
    page.locator("table.documents").get_by_role("button", name=words["withdraw"]).click()
    expect(page.locator("table.documents")).to_contain_text(words["withdrawn"])
    contract = db.session.scalar(select(Contract).where(Contract.contract_no == "HT-E2E-1"))
    assert contract is not None and contract.value_fen == 105_000_000
    document = db.session.scalars(select(Document)).one()
    assert document.withdrawal_reason == "版本有误" and re.fullmatch(r"[0-9a-f]{64}", document.sha256)
