"""Times are stored in UTC and read in the county's zone (Beijing time unless configured), on every page
and export, named once in the page footer."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from audit.services import record
from core.clock import format_time, local_day, utc_start_of_local_day
from extensions import db
from funds.ledger import services as ledger
from projects import services as planning
from projects.models import ProjectChange
from tests import factories

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
EVENING_UTC = datetime(2026, 3, 1, 20, 30)  # 04:30 on 2 March in Beijing


def test_stored_utc_reads_as_beijing_time():
    """20:30 UTC on 1 March is 04:30 on 2 March in Beijing; a Beijing day starts at 16:00 UTC the day before."""
    assert format_time(EVENING_UTC) == "2026-03-02 04:30"
    assert format_time(EVENING_UTC, seconds=True) == "2026-03-02 04:30:00"
    assert local_day(EVENING_UTC) == date(2026, 3, 2)
    assert utc_start_of_local_day(date(2026, 3, 2)) == datetime(2026, 3, 1, 16, 0)
    assert format_time(None) == ""


def test_pages_show_beijing_time_and_name_the_zone_once(app, client, auth):
    """Last sign-in, a rule's last change, an appropriation's entry time, a project's change and the
    audit trail all show Beijing time; no page says UTC; the footer names the zone."""
    user = factories.make_user("leader", username="evening-user")
    user.last_login_at = EVENING_UTC
    rule = factories.make_rule()
    source = factories.make_source(received_fen=0, code="FIS-T")
    entry = ledger.receive_appropriation(source, document_no="双财〔2026〕1号", received_on=date(2026, 3, 1),
                                         amount_fen=100_000)
    project = factories.make_project(status="approved")
    planning.change_status(project, "in_progress", reason="开工")
    db.session.flush()
    rule.updated_at = entry.created_at = EVENING_UTC
    db.session.execute(update(ProjectChange).values(at=EVENING_UTC))
    record("project.export", now=EVENING_UTC)
    db.session.commit()
    auth.as_role("admin")
    for url in ("/admin/", "/funds/rules", f"/funds/sources/{source.id}", f"/projects/{project.id}", "/audit/"):
        page = client.get(url, headers=ZH).data.decode()
        assert "2026-03-02 04:30" in page, url
        assert "2026-03-01 20:30" not in page and "UTC" not in page, url
        assert "本系统时间均为北京时间" in page, url


def test_statement_import_time_is_beijing_time(app, client, auth):
    """The statements page (finance) dates each import in Beijing time."""
    from funds.models import StatementImport

    source = factories.make_source(code="FIS-S")
    db.session.add(StatementImport(source_id=source.id, filename="流水.csv", file_sha256="0" * 64, line_count=1,
                                   new_line_count=1, imported_at=EVENING_UTC))
    db.session.commit()
    auth.as_role("finance")
    page = client.get(f"/funds/sources/{source.id}/statements", headers=ZH).data.decode()
    assert "2026-03-02 04:30" in page and "20:30" not in page


def test_the_zone_is_configuration(app, client, auth):
    """Another zone (a county abroad, a test) shows its own time and says which zone it is."""
    app.config["TIME_ZONE"] = "Asia/Kathmandu"
    record("project.export", now=EVENING_UTC)
    db.session.commit()
    auth.as_role("auditor")
    page = client.get("/audit/", headers=EN).data.decode()
    assert "2026-03-02 02:15" in page and "Asia/Kathmandu time zone (UTC+05:45)" in page


def test_audit_dates_are_county_days(app, client, auth):
    """The trail's date filter counts Beijing days: an event at 01:00 on 2 March in Beijing (17:00 UTC on
    1 March) is found under 2 March, not under 1 March."""
    record("project.export", now=datetime(2026, 3, 1, 17, 0))
    db.session.commit()
    auth.as_role("auditor")
    on_second = client.get("/audit/?from=2026-03-02&to=2026-03-02", headers=ZH).data.decode()
    on_first = client.get("/audit/?from=2026-03-01&to=2026-03-01", headers=ZH).data.decode()
    assert "2026-03-02 01:00:00" in on_second and "2026-03-02 01:00:00" not in on_first
