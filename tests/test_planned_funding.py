"""Planned funding by source (资金来源计划): set in the library entry before any allocation, never above
the budget in total nor below what a source allocated; shown on the project page against the
allocations, in 万元 in the library list and its spreadsheet, and in a proposal's notice."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from audit.models import AuditEvent
from disclosure import services as notices
from extensions import db
from funds.ledger import services as ledger
from funds.ledger.services import FundsError
from funds.planned import services
from funds.planned.models import PlannedFunding
from tests import factories

EN = {"Accept-Language": "en"}


def _proposal(**fields):
    values = dict(status="proposed", budget_fen=500_000_000, name="江村产业路")  # 5,000,000 yuan = 500 万元
    values.update(fields)
    return factories.make_project(**values)


def test_plan_is_at_most_the_budget_and_never_below_an_allocation(app):
    """Within the budget it is stored and audited; above it in total, or below what the source allocated,
    it is refused with the amounts named and nothing changes; zero removes a source."""
    project = _proposal(status="approved")
    county, province = factories.make_source(received_fen=900_000_000), factories.make_source()
    services.set_planned(project, county.id, 300_000_000)
    services.set_planned(project, province.id, 200_000_000)
    with pytest.raises(FundsError, match="more than the budget"):
        services.set_planned(project, province.id, 200_000_001)
    ledger.allocate(county, project, delta_fen=250_000_000, entry_date=date(2026, 1, 5))
    with pytest.raises(FundsError, match=r"already allocated 2,500,000\.00 yuan"):
        services.set_planned(project, county.id, 100_000_000)
    services.set_planned(project, province.id, 0)
    db.session.commit()
    assert db.session.scalars(select(PlannedFunding.amount_fen)).all() == [300_000_000]
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "planned_funding.set")) == 3


def test_project_page_shows_the_plan_against_the_allocations(app, client, auth):
    """The page lists each source planned or allocated in 万元, with what is still to come and what was
    allocated beyond the plan; a planner sets an amount typed in 万 through the form."""
    project = _proposal(status="approved")
    planned, unplanned = factories.make_source(received_fen=900_000_000), factories.make_source(received_fen=10_000_000)
    ledger.allocate(unplanned, project, delta_fen=5_000_000, entry_date=date(2026, 1, 5))
    db.session.commit()
    auth.as_role("planner")
    response = client.post(f"/funds/projects/{project.id}/planned",
                           data={"source_id": planned.id, "amount_fen": "120万"}, headers=EN)
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "Planned funding by source" in page and "120.00" in page and "120.00 (10k yuan) still to come" in page
    assert "5.00 (10k yuan) allocated beyond the plan" in page
    assert db.session.scalar(select(PlannedFunding.amount_fen)) == 120_000_000


def test_library_list_and_spreadsheet_carry_the_plan_in_wan(app, client, auth):
    """The library page and its .xlsx show each source's planned amount in 万元 and the total."""
    project = _proposal(status="approved", library_year=2026)
    source = factories.make_source(name="县级衔接资金")
    services.set_planned(project, source.id, 123_456_700)
    db.session.commit()
    auth.as_role("leader")
    assert "123.46" in client.get("/projects/library/?year=2026", headers=EN).data.decode()
    sheet = load_workbook(BytesIO(client.get("/projects/library/2026.xlsx").data)).active
    headers = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[headers.index("资金来源及金额（万元）")] == "县级衔接资金 123.4567"
    assert float(row[headers.index("计划资金合计（万元）")]) == pytest.approx(123.4567)


def test_a_proposals_notice_discloses_the_planned_funding(app):
    """Before approval nothing is allocated: the pre-approval notice freezes the plan by source."""
    project = _proposal()
    source = factories.make_source(name="县级衔接资金")
    services.set_planned(project, source.id, 80_000_000)
    notice = notices.post_notice(project, kind="pre_approval", place="village_board", start_date=date.today(),
                                 end_date=date.today().replace(year=date.today().year + 1))
    assert notice.snapshot["funding"] == [{"source": "县级衔接资金", "amount_fen": 80_000_000}]
