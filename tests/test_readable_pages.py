"""Pages read as their readers speak: earned value by name, money in the unit a reader chose for lists,
filters and messages that say one thing once."""
from __future__ import annotations

import re
from datetime import date

from extensions import db
from funds.ledger import services as ledger
from tests import factories

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
MEASURES_ZH = ("计划价值", "挣值", "实际成本", "成本偏差", "进度偏差", "成本绩效指数", "进度绩效指数", "完工估算")


def _funded_project():
    project = factories.make_project(code="SP-R-001", budget_fen=123_456_789_00)
    milestone = factories.make_milestone(project, planned_date=date(2026, 3, 1), planned_cost_fen=50_000_000)
    source = factories.make_source(received_fen=200_000_000_00, code="FIS-R")
    ledger.allocate(source, project, delta_fen=100_000_000_00, entry_date=date(2026, 1, 5))
    ledger.record_payment(source, project, milestone, voucher_no="记-R1", payee="施工单位", paid_on=date(2026, 2, 1),
                          amount_fen=12_345_678, cost_category="materials")
    db.session.commit()
    return project, source


def test_earned_value_tables_name_each_measure_with_its_abbreviation_as_a_hint(app, client, auth):
    """The ranking and the per-source tables are headed 计划价值, 挣值, ... with PV, EV, ... beneath."""
    project, _source = _funded_project()
    auth.as_role("leader")
    for url in ("/reports/earned-value", f"/reports/projects/{project.id}"):
        page = client.get(url, headers=ZH).data.decode()
        headers = " ".join(re.findall(r"<th[^>]*>(.*?)</th>", page, re.S))
        for name in MEASURES_ZH[:7]:
            assert name in headers, (url, name)
        assert '<span class="abbr">PV</span>' in headers and '<span class="abbr">SPI</span>' in headers
        assert not re.search(r"<th[^>]*>\s*(PV|EV|AC|SV|CV|SPI|CPI|BAC|EAC)\s*</th>", page), url
    english = client.get("/reports/earned-value", headers=EN).data.decode()
    assert "Schedule performance index" in english and "Planned value" in english


def test_lists_show_10k_yuan_until_the_reader_chooses_yuan_and_remember_it(app, client, auth):
    """The project list and fund pages show 万元 by default; the switch to 元 is kept on the account,
    so it holds in the next session; entry-level records (a payment) stay in exact 元."""
    _project, source = _funded_project()
    auth.as_role("finance")
    listing = client.get("/projects/", headers=ZH).data.decode()
    assert "单位：万元" in listing and "12,345.68" in listing and "123,456,789.00" not in listing
    funds = client.get("/funds/", headers=ZH).data.decode()
    assert "单位：万元" in funds and "20,000.00" in funds
    ledger_page = client.get(f"/funds/sources/{source.id}", headers=ZH).data.decode()
    assert "10,000.00" in ledger_page and "123,456.78" in ledger_page  # allocation in 万元; the payment in 元
    switched = client.post("/account/money-unit", data={"unit": "yuan", "next": "/projects/"})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/projects/")
    auth.logout()
    auth.login("finance-user")
    listing = client.get("/projects/", headers=ZH).data.decode()
    assert "单位：元" in listing and "123,456,789.00" in listing
    assert "200,000,000.00" in client.get("/funds/", headers=ZH).data.decode()
    client.post("/account/money-unit", data={"unit": "pounds"})
    assert "单位：元" in client.get("/projects/", headers=ZH).data.decode()


def test_attention_filter_is_not_a_second_status_filter(app, client, auth):
    """Next to 全部状态, the attention filter's first choice says what it filters (需关注：全部), not 任意状态."""
    auth.as_role("leader")
    page = client.get("/projects/", headers=ZH).data.decode()
    attention = page[page.index('name="attention"'):]
    attention = attention[:attention.index("</select>")]
    assert "需关注：全部" in attention and "任意状态" not in page


def test_a_mistyped_number_gets_one_message(app, client, auth):
    """Progress typed as "abc" says it is not a whole number, once, not joined with the range message."""
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    db.session.commit()
    auth.as_role("planner")
    page = client.post(f"/projects/milestones/{milestone.id}/progress", data={"progress_pct": "abc",
                       "reported_on": "2026-03-01"}, headers=ZH, follow_redirects=True).data.decode()
    assert "不是有效的整数" in page and "数值大小" not in page and "; " not in page
