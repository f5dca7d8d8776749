"""One month format: every common way of writing a month is read (2026-12, 2026/12, 202612, 2026年12月,
a day of it), on every page that takes one, and every page shows it one way (2026-12)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.dates import DateProblem, format_month, parse_month
from extensions import db
from funds.ledger import services as ledger
from funds.models import MonthClose
from tests import factories

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("text", ["2026-11", "2026/11", "2026.11", "202611", "2026年11月", "2026年11月份", "2026-11-30",
                                  "２０２６－１１", " 2026 / 11 "])
def test_common_ways_of_writing_a_month(text):
    """Each reads as November 2026, shown as 2026-11."""
    assert parse_month(text) == 202611 and format_month(parse_month(text)) == "2026-11"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "20261", "11/2026", "明年", "", "0001-01"])
def test_what_is_not_a_month_is_refused(text):
    """A month that cannot be, or text that is no month, is refused with a message, never guessed."""
    with pytest.raises(DateProblem):
        parse_month(text)


@pytest.fixture
def source(app):
    project = factories.make_project()
    milestone = factories.make_milestone(project)
    fund = factories.make_source(received_fen=1_000_000, code="FIS-M")
    ledger.allocate(fund, project, delta_fen=500_000, entry_date=date(2025, 11, 1))
    ledger.record_payment(fund, project, milestone, voucher_no="V-M", payee="某公司", paid_on=date(2025, 11, 3),
                          amount_fen=100, cost_category="materials")
    db.session.commit()
    return fund


@pytest.mark.parametrize("written", ["202511", "2025-11", "2025/11", "2025年11月"])
def test_reconciliation_takes_the_month_written_any_way_and_shows_one(client, auth, source, written):
    """The reconciliation page opens November for each spelling and shows it as 2025-11."""
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{source.id}/reconcile?period={written}", headers=EN).data.decode()
    assert "<h2>2025-11" in page and 'name="period" value="2025-11"' in page
    assert "V-M" in page  # November's payment, awaiting its statement line


def test_a_month_that_is_not_one_is_a_clear_400(client, auth, source):
    """A period that is no month answers 400 naming the parameter, not another month silently."""
    auth.as_role("finance")
    response = client.get(f"/funds/sources/{source.id}/reconcile?period=2025-13", headers=EN)
    assert response.status_code == 400 and "period" in response.data.decode()


def test_month_close_takes_2026_slash_11(client, auth, source):
    """Closing "2025/11" closes November (it used to be blocked by a YYYY-MM pattern)."""
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{source.id}", headers=EN).data.decode()
    assert 'pattern="' not in page.split('id="close-period"')[1].split(">")[0]
    line = client.post(f"/funds/sources/{source.id}/close", data={"period": "2025/11", "confirmed": "1"},
                       headers=EN, follow_redirects=True).data.decode()
    assert "payments without a statement line" in line  # November was read: it is not reconciled yet
    client.post(f"/funds/sources/{source.id}/close", data={"period": "2025年10月", "confirmed": "1"})
    assert db.session.scalar(select(MonthClose.period)) == 202510


def test_source_ledger_filters_payments_by_month_written_any_way(client, auth, source):
    """The ledger's month links and filter read 2025-11 and 202511 alike."""
    auth.as_role("leader")
    for written in ("2025-11", "202511"):
        page = client.get(f"/funds/sources/{source.id}?period={written}", headers=EN).data.decode()
        assert ">V-M<" in page and "2025-11" in page
    assert ">V-M<" not in client.get(f"/funds/sources/{source.id}?period=2025-10", headers=EN).data.decode()
