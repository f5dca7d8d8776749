"""A project's change history reads in words: field names in the interface language, money in 元,
statuses by their labels."""
from __future__ import annotations

from datetime import date

from extensions import db
from projects import services as planning
from projects.history import field_name, value_text
from tests import factories

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def _changed_project():
    """A project approved, then given a bigger budget and a milestone moved, with reasons."""
    area = factories.make_area()
    project = factories.make_project(area, status="proposed", budget_fen=120_000_000)
    milestone = factories.make_milestone(project, sequence=1, planned_cost_fen=50_000_000)
    factories.make_approvable(project)
    planning.change_status(project, "approved")
    data = planning.ProjectInput(code=project.code, name=project.name, category=project.category, area_id=area.id,
                                 budget_fen=130_000_000, planned_start=project.planned_start,
                                 planned_end=project.planned_end)
    planning.update_project(project, data, reason="追加护栏")
    planning.update_milestone(milestone, name=milestone.name, planned_date=date(2026, 7, 31),
                              planned_cost_fen=60_000_000, reason="设计变更")
    db.session.commit()
    return project


def test_history_shows_names_yuan_and_labels_in_chinese(app, client, auth):
    """预算 1,200,000.00 元 → 1,300,000.00 元; 状态 拟建 → 已立项; a milestone's cost by its number, never a code."""
    project = _changed_project()
    auth.as_role("leader")
    page = client.get(f"/projects/{project.id}", headers=ZH).data.decode()
    history = page[page.index('id="history"') if 'id="history"' in page else page.index("变更记录"):]
    assert "<td>预算</td>" in history
    assert "1,200,000.00 元" in history and "1,300,000.00 元" in history
    assert "<td>状态</td>" in history and "<td>拟建</td>" in history and "<td>已立项</td>" in history
    assert "节点 1：计划投资" in history and "500,000.00 元" in history and "600,000.00 元" in history
    assert "节点 1：计划日期" in history and "2026-07-31" in history
    for code in ("budget_fen", "120000000", "proposed", "approved", "milestone 1", "planned_cost_fen"):
        assert code not in history, code


def test_history_reads_in_english_too(app, client, auth):
    """The same history in English: Budget, 1,300,000.00 yuan, Approved."""
    project = _changed_project()
    auth.as_role("leader")
    page = client.get(f"/projects/{project.id}", headers=EN).data.decode()
    assert "<td>Budget</td>" in page and "1,300,000.00 yuan" in page and "<td>Approved</td>" in page


def test_values_without_a_label_stay_as_written():
    """Dates and unknown fields are shown as stored; nothing is a dash but nothing itself."""
    assert value_text("planned_start", "2026-03-01") == "2026-03-01"
    assert value_text("planned_end", None) == "—"
    assert value_text("budget_fen", "-100") == "-1.00 yuan"
    assert field_name("something_new") == "something_new"
