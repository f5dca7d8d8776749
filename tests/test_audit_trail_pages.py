"""The audit trail is a document an auditor can read and use: named actions, outcomes and fields, money in
元, a link to each object, filters by action, user, object, dates and outcome, and an export of what
was filtered that is itself recorded."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from audit.models import AuditEvent
from audit.presenting import changes, value_text
from audit.services import record
from audit.vocabulary import Vocabulary
from extensions import db
from funds.ledger import services as ledger
from tests import factories

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def trail(app, client):
    """A payment of 12,345.00 yuan and its reversal by finance, and a refused request by a planner."""
    finance = factories.make_user("finance", username="finance-clerk")
    project = factories.make_project(code="SP-AUD-01")
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=10_000_000, code="WFR-AUD")
    ledger.allocate(source, project, delta_fen=5_000_000, entry_date=date(2026, 1, 5), actor=finance)
    payment = ledger.record_payment(source, project, milestone, voucher_no="记-0001", payee="务工群众工资",
                                    paid_on=date(2026, 2, 1), amount_fen=1_234_500, cost_category="wages",
                                    actor=finance)
    ledger.reverse_payment(payment, voucher_no="记-0002", reversed_on=date(2026, 2, 3), reason="重复录入",
                           actor=finance)
    factories.make_user("planner", username="curious-planner")
    db.session.commit()
    client.post("/login", data={"username": "curious-planner", "password": factories.PASSWORD})
    assert client.get("/admin/").status_code == 403
    client.post("/logout")
    return {"payment": payment, "source": source, "project": project}


def _visible(page: str) -> str:
    """The page's text as shown, without tags and attributes."""
    return re.sub(r"<[^>]+>", " ", page)


def _events(page: str) -> str:
    """The text of the trail's table (not the filter's lists)."""
    return _visible(page[page.index("<tbody>"):page.index("</tbody>")])


def test_trail_reads_in_chinese_with_links(trail, client, auth):
    """Actions, outcomes and fields are named; money is in 元; each object links to where it is shown;
    times have no microseconds."""
    auth.as_role("auditor")
    page = client.get("/audit/", headers=ZH).data.decode()
    text = _visible(page)
    for words in ("登记支付", "冲销支付", "调整资金分配", "拒绝访问", "成功", "被拒绝", "金额: 12,345.00 元",
                  "金额: -12,345.00 元", "费用类别: 劳务报酬", f"支付 {trail['payment'].id}"):
        assert words in text, words
    for code in ("payment.reverse", "payment.create", "amount_fen", "cost_category", "denied", " ok "):
        assert code not in text, code
    source = trail["source"]
    assert f'href="/funds/sources/{source.id}?period=202602#payments"' in page
    assert f'href="/projects/{trail["project"].id}#funding"' in page
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", text)


def test_filter_by_listed_action_user_object_and_outcome(trail, client, auth):
    """The action is chosen from a list of names; user, object, outcome narrow the trail exactly."""
    auth.as_role("auditor")
    page = client.get("/audit/", headers=ZH).data.decode()
    assert re.search(r'<option value="payment.reverse"\s*>冲销支付</option>', page)
    reversed_only = _events(client.get("/audit/?action=payment.reverse", headers=ZH).data.decode())
    assert "冲销支付" in reversed_only and "登记支付" not in reversed_only
    denied = client.get("/audit/?outcome=denied", headers=ZH).data.decode()
    assert "拒绝访问" in _events(denied) and "登记支付" not in _events(denied) and "共 1 条记录" in denied
    about_payment = client.get(f"/audit/?object=payment&object_id={trail['payment'].id}", headers=ZH).data.decode()
    assert "共 2 条记录" in about_payment
    by_clerk = client.get("/audit/?user=finance-clerk", headers=ZH).data.decode()
    assert "共 3 条记录" in by_clerk and "拒绝访问" not in _events(by_clerk)


def test_export_csv_in_chinese_formula_safe_and_audited(trail, client, auth):
    """The filtered trail as CSV: Chinese action names and headers, Beijing time, text that would be a
    formula neutralised, and the export itself recorded with its row count."""
    record("payment.export", object_type="payment", object_id="=SUM(A1:A9)")
    db.session.commit()
    auth.as_role("auditor")
    response = client.get("/audit/export.csv?object=payment", headers=ZH)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["记录编号", "时间（北京时间）", "用户", "操作", "操作代码"]
    actions = [row[3] for row in rows[1:]]
    assert sorted(actions) == ["冲销支付", "导出支付记录", "登记支付"]
    assert "'=SUM(A1:A9)" in [row[6] for row in rows[1:]]
    assert any("金额: 12,345.00 元" in row[7] for row in rows[1:])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
    assert event.after["rows"] == 3 and event.after["format"] == "csv" and "object=payment" in event.after["filters"]


def test_export_xlsx_has_the_filtered_events(trail, client, auth):
    """The .xlsx export holds exactly the filtered events, named in the reader's language."""
    auth.as_role("admin")
    response = client.get("/audit/export.xlsx?outcome=denied", headers=EN)
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][3] == "Action" and [row[3] for row in values[1:]] == ["Access refused"]
    assert "Refused" in values[1]


def test_values_read_as_words_without_the_app():
    """Fen as yuan, codes by their labels, booleans as yes/no, months as 2026-03; unknown codes kept."""
    words = Vocabulary(fields={"amount_fen": "Amount"}, values={"cost_category": {"wages": "Wages"}})
    assert value_text("amount_fen", 1_234_500, words) == "12,345.00 yuan"
    assert value_text("cost_category", "wages", words) == "Wages"
    assert value_text("active", False, words) == "no"
    assert value_text("period", 202603, words) == "2026-03"
    assert value_text("mystery", "x", words) == "x"
    assert [(c.field, c.before, c.after) for c in changes({"amount_fen": 100}, {"amount_fen": 200}, words)] == [
        ("Amount", "1.00 yuan", "2.00 yuan")]


def test_every_action_the_code_records_has_a_name_in_both_languages(app):
    """No event in the trail reads as a bare code: every action recorded anywhere has a name, in Chinese too."""
    import re
    from pathlib import Path

    from flask_babel import force_locale

    from audit.vocabulary import vocabulary

    root = Path(__file__).resolve().parent.parent
    recorded = set()
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in ("tests", ".venv", "migrations", "node_modules"):
            continue
        recorded |= set(re.findall(r'\brecord\(\s*"([a-z_]+(?:\.[a-z_]+)*)"', path.read_text(encoding="utf-8")))
    assert {"payment.create", "import_value.remember", "statement.release"} <= recorded
    with app.test_request_context():
        names = vocabulary().actions
        assert sorted(recorded - names.keys()) == []
        with force_locale("zh_CN"):
            untranslated = [code for code in recorded if str(names[code]).isascii()]
    assert untranslated == []
