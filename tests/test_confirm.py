"""Consequential actions ask first (core/confirm.py): closing a month, disabling an account, switching a
rule off, unmatching, changing a project's status. Sent without the confirmation, each answers with a
page that asks and re-sends the same fields; nothing happens until it is confirmed. The forms on the
pages carry the question for the dialog the page's script shows."""
from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from auth.models import User
from extensions import db
from funds.ledger import services as ledger
from funds.models import FundRule, MonthClose, StatementLine
from funds.reconcile.services import manual_match
from projects.models import Project
from tests import factories
from tests.spreadsheet_builders import csv_bytes

EN = {"Accept-Language": "en"}


class HiddenFields(HTMLParser):
    """The confirm page's form: where it posts and the hidden fields it sends."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form" and values.get("method") == "post":
            self.forms.append((values.get("action") or "", {}))
        if tag == "input" and values.get("type") == "hidden" and self.forms:
            self.forms[-1][1][values["name"]] = values.get("value", "")

    def close(self):
        super().close()
        self.action, self.fields = next((action, fields) for action, fields in self.forms if "confirmed" in fields)


def _confirm_page(response):
    assert response.status_code == 200
    parser = HiddenFields()
    parser.feed(response.data.decode())
    parser.close()
    return parser


def _close_month():
    project = factories.make_project()
    factories.make_milestone(project)
    source = factories.make_source(received_fen=1_000_000, code="FIS-C")
    db.session.commit()
    return (f"/funds/sources/{source.id}/close", {"period": "2026/01"}, "finance",
            lambda: db.session.scalar(select(MonthClose.period)) == 202601)


def _disable_account():
    user = factories.make_user("leader", username="to-disable")
    db.session.commit()
    return (f"/admin/users/{user.id}/disable", {}, "admin",
            lambda: db.session.scalar(select(User.active).where(User.username == "to-disable")) is False)


def _rule_off():
    rule = factories.make_rule("wage_share_floor")
    db.session.commit()
    return (f"/funds/rules/{rule.id}/active", {"active": "0"}, "admin",
            lambda: db.session.scalar(select(FundRule.active)) is False)


def _unmatch():
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    source = factories.make_source(received_fen=1_000_000, code="FIS-U")
    ledger.allocate(source, project, delta_fen=500_000, entry_date=date(2026, 3, 1))
    payment = ledger.record_payment(source, project, milestone, voucher_no="V-U", payee="某公司",
                                    paid_on=date(2026, 3, 2), amount_fen=1000, cost_category="materials")
    from funds.reconcile.services import import_statement
    import_statement(source, csv_bytes([["交易日期", "摘要", "对方户名", "支出金额", "收入金额"],
                                        ["2026-03-05", "转账", "其他单位", "10.00", ""]]), "s.csv")
    line = db.session.scalars(select(StatementLine)).one()
    manual_match(line, payment)
    db.session.commit()
    return (f"/funds/sources/{source.id}/reconcile/unmatch", {"line_id": str(line.id), "period": "2026-03"},
            "finance", lambda: db.session.scalar(select(StatementLine.payment_id)) is None)


def _status_change():
    project = factories.make_project(status="approved")
    db.session.commit()
    return (f"/projects/{project.id}/status", {"target": "in_progress"}, "planner",
            lambda: db.session.scalar(select(Project.status)) == "in_progress")


@pytest.mark.parametrize("setup", [_close_month, _disable_account, _rule_off, _unmatch, _status_change],
                         ids=["close month", "disable account", "rule off", "unmatch", "status change"])
def test_consequential_actions_ask_before_acting(client, auth, setup):
    """Unconfirmed, the action answers with a page asking, re-posting every field to the same place;
    nothing is done until that page is confirmed."""
    url, data, role, done = setup()
    auth.as_role(role)
    page = _confirm_page(client.post(url, data=data, headers=EN))
    db.session.expire_all()
    assert not done()
    assert page.action == url and page.fields == {**data, "confirmed": "1"}
    client.post(page.action, data=page.fields, headers=EN)
    db.session.expire_all()
    assert done()


def test_enabling_an_account_and_switching_a_rule_on_need_no_confirmation(client, auth):
    """Only the consequential direction asks: enabling and switching on act at once."""
    user = factories.make_user("leader", username="off", active=False)
    rule = factories.make_rule("wage_share_floor", active=False)
    db.session.commit()
    auth.as_role("admin")
    assert client.post(f"/admin/users/{user.id}/enable").status_code == 302
    assert client.post(f"/funds/rules/{rule.id}/active", data={"active": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active and db.session.get(FundRule, rule.id).active


def test_the_pages_forms_carry_the_question_for_the_dialog(client, auth):
    """The forms of those actions say what to ask (data-confirm), for static/forms.js's dialog; the
    dialog is in the page, and no inline script is."""
    project = factories.make_project(status="approved")
    factories.make_milestone(project)
    source = factories.make_source(received_fen=1_000, code="FIS-D")
    db.session.commit()
    auth.as_role("admin")
    users = client.get("/admin/", headers=EN).data.decode()
    assert 'data-confirm="Disable the account admin-user?"' in users and 'id="confirm-dialog"' in users
    assert "<script>" not in users and "onclick" not in users
    detail = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert f'data-confirm="Move {project.code} from Approved to {{target}}?"' in detail
    auth.logout()
    auth.as_role("finance")
    ledger_page = client.get(f"/funds/sources/{source.id}", headers=EN).data.decode()
    assert 'data-confirm="Close {period} of FIS-D? Afterwards nothing' in ledger_page
    month_box = re.search(r'<input[^>]*id="close-period"[^>]*>', ledger_page)
    assert month_box and " required" in month_box.group(0)  # no dialog about an empty month
