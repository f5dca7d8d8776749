"""Defects found in review, each pinned by the scenario that showed it."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from core.sheets import limits as sheet_limits
from core.sheets.tables import SpreadsheetError, read_table
from extensions import db
from projects import services
from tests import factories


def test_reopening_a_completed_project_clears_its_end_date(app):
    """Completed, reopened for defects, completed again: the end date is the second completion."""
    project = factories.make_project(status="in_progress")
    milestone = factories.make_milestone(project, planned_cost_fen=100)
    services.record_progress(milestone, progress_pct=100, reported_on=date(2026, 2, 20))
    services.change_status(project, "completed", on_date=date(2026, 3, 1))
    services.change_status(project, "in_progress", reason="返工", on_date=date(2026, 3, 5))
    assert project.actual_end is None
    services.change_status(project, "completed", on_date=date(2026, 5, 20))
    assert project.actual_end == date(2026, 5, 20)


def test_cancelled_projects_are_never_late(client, auth):
    """A cancelled project with an old unfinished milestone is not in the 'late' list."""
    for status in ("cancelled", "in_progress"):
        project = factories.make_project(status=status, code=f"SP-{status}")
        factories.make_milestone(project, planned_date=date.today() - timedelta(days=300), progress_pct=0)
    db.session.commit()
    auth.as_role("leader")
    page = client.get("/projects/?attention=late").data.decode()
    assert "SP-in_progress" in page and "SP-cancelled" not in page


def test_formula_like_and_dollar_names_in_charts_and_their_csv(client, auth):
    """A milestone named like a formula renders as text in the PNG, and its CSV cell is neutralised."""
    project = factories.make_project()
    factories.make_milestone(project, name="$\\alpha_{$ 路基")
    factories.make_milestone(project, name="+cmd|' /C calc'!A0")
    db.session.commit()
    auth.as_role("leader")
    png = client.get(f"/reports/charts/milestone-timeline.png?project={project.id}")
    assert png.status_code == 200 and Image.open(io.BytesIO(png.data)).format == "PNG"
    csv_text = client.get(f"/reports/charts/milestone-timeline.csv?project={project.id}").data.decode("utf-8-sig")
    assert "'+cmd|" in csv_text and ",+cmd|" not in csv_text


def test_runaway_uploads_stop_at_the_row_limit(monkeypatch):
    """A file with more rows than allowed is refused as soon as the limit is passed."""
    monkeypatch.setattr(sheet_limits, "MAX_ROWS", 10)
    data = ("a,b\n" + "1,2\n" * 11).encode()
    with pytest.raises(SpreadsheetError) as error:
        read_table(data, "big.csv")
    assert error.value.code == "too_many_rows"
    assert len(read_table(("a,b\n" + "1,2\n" * 10).encode(), "ok.csv")[0].rows) == 10
