"""The bulk import path stores exactly what writing each row through projects.services stores.

`apply_row_by_row` below is the import as it was before new projects were written in bulk: every
project, milestone, progress report and status move through the services, one audit event (and
one read of the chain's last hash) at a time. It is kept here as the reference: each test plans a
file once, applies it row by row, takes a snapshot of every table the import writes, rolls back,
applies it with apply_import and compares. Ids are compared by the order in which they were handed
out, timestamps and hashes are left out (they differ by the microseconds between the two runs).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from assets.models import Asset
from audit import services as audit_services
from audit.models import AuditEvent
from audit.services import record, verify_database
from extensions import db
from projects import lifecycle, services
from projects.imports import apply_import, guess_import_mapping, load_projects, plan_import, read_import_file
from projects.imports import write as import_write
from projects.imports.plan import CHANGED, NEW
from projects.models import Area, Milestone, ProgressUpdate, Project, ProjectChange
from projects.services import PlanningError
from tests import factories
from tests.injection import fail_on_call
from tests.spreadsheet_builders import (
    MILESTONE_HEADERS,
    PROJECT_HEADERS,
    csv_bytes,
    make_county,
    project_line,
    xlsx_bytes,
)

DAY = date(2026, 7, 15)
APPROVED = "已批复（双发改〔2026〕12号）"  # why an existing work starts approved


# --- the reference: the per-row path --------------------------------------------------------------

def apply_row_by_row(plan, actor=None, today=None) -> None:
    """The import through projects.services one row at a time (apply_import before the bulk path)."""
    if not plan.changes_anything:
        return
    day = today or date.today()
    codes = {row.code for row in plan.projects} | {row.project_code for row in plan.milestones}
    projects = load_projects(codes)
    stored_before = set(projects)
    loaded_areas = db.session.scalars(select(Area)).all()
    for row in plan.projects:
        project = projects.get(row.code)
        if project is None:
            project = services.create_project(row.data, actor, reason=row.reason)
        else:
            if row.fields_changed:
                services.update_project(project, row.data, actor, reason=row.reason)
            if row.early_status:
                services.change_status(project, row.early_status, actor, reason=row.reason, on_date=day)
        projects[row.code] = project
    for m in plan.milestones:
        if m.action not in (NEW, CHANGED):
            continue
        if m.existing_id is None:
            milestone = services.add_milestone(projects[m.project_code], name=m.name, planned_date=m.planned_date,
                                               planned_cost_fen=m.planned_cost_fen, actor=actor, sequence=m.sequence)
        else:
            milestone = db.session.get(Milestone, m.existing_id)
            if m.plan_changed:
                services.update_milestone(milestone, name=m.name, planned_date=m.planned_date,
                                          planned_cost_fen=m.planned_cost_fen, actor=actor, reason=m.reason)
        if m.progress_changed:
            services.record_progress(milestone, progress_pct=m.progress_pct, reported_on=day,
                                     note=f"import {plan.file_name}"[:200], actor=actor)
    gates = current_app.extensions.get("project_gates", [])
    for row in plan.projects:
        if row.late_status:
            # A project new in the file is recorded at the status the county's files give it (the batch
            # writer records it so); the notice gates hold moves of projects already stored.
            current_app.extensions["project_gates"] = gates if row.code in stored_before else []
            try:
                for target in lifecycle.path(projects[row.code].status, row.late_status):
                    services.change_status(projects[row.code], target, actor, reason=row.reason, on_date=day)
            finally:
                current_app.extensions["project_gates"] = gates
    del loaded_areas
    counts = plan.counts()
    record("project.import", user=actor, object_type="project",
           after={"file": plan.file_name[:200], "sha256": plan.sha256,
                  **{f"{kind}_{action}": n for kind, by_action in counts.items() for action, n in by_action.items()}})


# --- snapshots ------------------------------------------------------------------------------------

TABLES = (Project, Milestone, ProgressUpdate, ProjectChange, Asset, AuditEvent)  # assets: drafted on acceptance
VOLATILE = {"created_at", "updated_at", "at", "hash", "prev_hash"}
REFERENCES = {"project_id": Project, "milestone_id": Milestone}
OBJECTS = {"project": Project, "milestone": Milestone, "asset": Asset}  # audit events' object types


def max_ids() -> dict:
    """The highest id of each table the import writes: ids above it are new."""
    return {model: db.session.scalar(select(func.coalesce(func.max(model.id), 0))) for model in TABLES}


def snapshot(before: dict) -> dict:
    """Every row of every table the import writes, ids of new rows as their rank among the new ones."""
    db.session.flush()
    rows = {model: [dict(row._mapping) for row in db.session.execute(select(model.__table__).order_by(model.id))]
            for model in TABLES}
    ranks = {model: {row["id"]: ("new", rank) for rank, row in enumerate(r for r in rows[model]
                                                                          if r["id"] > before[model])}
             for model in TABLES}

    def ident(model, value):
        if value is None:
            return None
        return ranks[model].get(int(value), ("old", int(value)))

    result = {}
    for model in TABLES:
        table_rows = []
        for row in rows[model]:
            row = {key: value for key, value in row.items() if key not in VOLATILE}
            row["id"] = ident(model, row["id"])
            for key, target in REFERENCES.items():
                if key in row:
                    row[key] = ident(target, row[key])
            if model is AuditEvent and row["object_type"] in OBJECTS:
                row["object_id"] = ident(OBJECTS[row["object_type"]], row["object_id"])
            table_rows.append(row)
        result[model.__tablename__] = table_rows
    return result


def plan_file(data: bytes, name: str):
    sheets = read_import_file(data, name)
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name=name, sha256="f" * 64)
    assert plan.problems == [], [(p.row, p.column, str(p.message)) for p in plan.problems]
    return plan


def both_paths(data: bytes, name: str = "mixed.xlsx", actor=None):
    """Apply the file row by row and in bulk from the same starting point; both snapshots (the bulk
    path's result is committed)."""
    plan = plan_file(data, name)
    before = max_ids()
    apply_row_by_row(plan, actor, today=DAY)
    expected = snapshot(before)
    db.session.rollback()
    db.session.expire_all()
    assert max_ids() == before
    apply_import(plan, actor, today=DAY)
    got = snapshot(before)
    db.session.commit()
    return plan, expected, got


def assert_same(expected: dict, got: dict) -> None:
    for table in expected:
        assert len(got[table]) == len(expected[table]), table
        for want, have in zip(expected[table], got[table]):
            assert have == want, table


# --- the tests ------------------------------------------------------------------------------------

def _stored_county():
    """Stored projects in several states, some with milestones."""
    county = make_county()
    e1 = factories.make_project(county["LB-YM"], code="E1", status="approved", budget_fen=100_000_000,
                                scale_quantity=Decimal("12.5"), scale_unit="公里")
    factories.make_milestone(e1, sequence=1, planned_cost_fen=1_000_000, progress_pct=0)
    e2 = factories.make_project(county["JC-DT"], code="E2", status="in_progress")
    factories.make_milestone(e2, sequence=1, planned_cost_fen=1_000_000, progress_pct=50)
    factories.make_approvable(factories.make_project(county["LB-YM"], code="E3", status="proposed"))
    e4 = factories.make_project(county["LB"], code="E4", status="in_progress")
    factories.make_milestone(e4, sequence=1, planned_cost_fen=2_000_000, progress_pct=100, actual_date=date(2026, 5, 1))
    e5 = factories.make_project(county["LB-YM"], code="E5", status="proposed", name="道路E5", budget_fen=100_000_000,
                                scale_quantity=Decimal("12.5"), scale_unit="公里", responsible_unit="县交通运输局",
                                planned_start=date(2026, 3, 1), planned_end=date(2026, 12, 31))
    factories.make_approvable(e5)  # the import's approval passes the notice gate like any other door
    db.session.commit()
    return county


def _mixed_file() -> bytes:
    """New and stored codes interleaved, with every kind of write the import makes."""
    projects = [
        PROJECT_HEADERS,
        project_line("N1"),
        project_line("E1", status="在建", budget="1200000", reason="追加桥涵工程"),
        project_line("N2", status="在建", contractor="县路桥公司", actual_start=date(2026, 3, 2), reason=APPROVED),
        project_line("E3", name="改名的道路", township="江村镇", area="大塘村"),
        project_line("N3", status="已验收", actual_start=date(2025, 3, 1), actual_end=date(2025, 11, 30),
                     reason=" 已竣工验收（双发改〔2025〕8号） "),
        project_line("E4", township="泷泊镇", area="", status="已完工", name="E4", budget="1000000",
                     planned_start=date(2026, 1, 1), planned_end=date(2026, 12, 31), unit="", scale=None),
        project_line("N4", status="已完工", actual_start=date(2025, 1, 1), reason=APPROVED),
        project_line("E5"),
        project_line("N5", status="在建", scale="3.25公里", unit="", reason=APPROVED),
        project_line("N6", status="已立项", description="村道硬化", budget="0", reason=APPROVED),
        project_line("N7", status="cancelled", reason="规划调整", planned_start=None, planned_end=None),
        project_line("N8", status="已立项", reason=APPROVED),
    ]
    milestones = [
        MILESTONE_HEADERS,
        ["N2", 1, "路基", "2026-06-30", "10万", 30, ""],
        ["E1", 2, "桥涵", "2026-09-30", 50000, 0, ""],
        ["N2", 2, "路面", "2026-09-30", 250000, 100, ""],
        ["E2", 1, "路基施工", "2026-08-31", 20000, 80, "工程量增加"],
        ["N3", 1, "路基", "2025-06-30", 100000, 100, ""],
        ["N3", 2, "竣工验收", "2025-11-30", 0, 100, ""],
        ["E4", 1, "路基施工", "2026-06-30", 20000, 100, ""],
        ["N4", 1, "竣工", "2025-12-31", 300000, 100, ""],
        ["N5", 1, "设计", "2026-04-30", 0, 50, ""],
        ["N6", 1, "招标", "2026-05-31", 1000, 0, ""],
        ["E2", 2, "路面", "2026-10-31", 30000, 0, ""],
        ["N2", 3, "  附属设施  ", "2026-11-30", 1234.56, None, ""],
    ]
    return xlsx_bytes(("项目", projects), ("里程碑", milestones))


@pytest.mark.usefixtures("gates_lifted")
def test_mixed_file_stores_the_same_as_the_per_row_path(app):
    """New and stored projects in one file: every row, change record, version, progress figure and
    audit event is what the per-row service path leaves, and the audit chain verifies."""
    _stored_county()
    actor = factories.make_user("planner", username="importer")
    db.session.commit()
    plan, expected, got = both_paths(_mixed_file(), actor=actor)
    assert plan.counts()["projects"] == {"new": 8, "changed": 3, "unchanged": 1}
    assert_same(expected, got)
    actions = [row["action"] for row in got["audit_event"]]
    assert actions.count("project.create") == 8 and actions[-1] == "project.import"
    assert {row["field"] for row in got["project_change"]} >= {"status", "budget_fen", "milestone 1 planned_cost_fen"}
    n3 = db.session.scalar(select(Project).where(Project.code == "N3"))
    assert (n3.status, n3.version, n3.progress_bp) == ("accepted", 4, 10000)  # approved, then three moves
    assert verify_database().ok


@pytest.mark.usefixtures("gates_lifted")
def test_only_new_projects_store_the_same_as_the_per_row_path(app):
    """The benchmark's shape (a file of new projects only, no milestones sheet) with no actor."""
    make_county()
    db.session.commit()
    rows = [PROJECT_HEADERS] + [project_line(f"C-{i:03d}", status=("拟建", "已立项", "在建", "suspended")[i % 4],
                                             reason="" if i % 4 == 0 else APPROVED) for i in range(40)]
    plan, expected, got = both_paths(csv_bytes(rows), "new.csv")
    assert plan.counts()["projects"]["new"] == 40
    assert_same(expected, got)
    assert len(got["audit_event"]) == 40 + 20 + 1  # one per project, one per move from approved, the summary
    assert len(got["project_change"]) == 30 + 20  # why each started approved, each move
    assert verify_database().ok


def test_only_stored_projects_store_the_same_as_the_per_row_path(app):
    """A file of stored projects only goes through the services, its audit events written at the end."""
    _stored_county()
    rows = [PROJECT_HEADERS, project_line("E3", name="新名称"), project_line("E5", status="已立项")]
    milestones = [MILESTONE_HEADERS, ["E2", 1, "路基施工", "2026-06-30", 10000, 90, ""]]
    plan, expected, got = both_paths(xlsx_bytes(("项目", rows), ("里程碑", milestones)))
    assert plan.counts()["projects"] == {"new": 0, "changed": 2, "unchanged": 0}
    assert_same(expected, got)
    assert verify_database().ok


@pytest.mark.usefixtures("gates_lifted")
def test_bulk_import_extends_an_existing_chain(app, runner):
    """Events recorded before and after a bulk import chain on it; `flask audit verify` passes."""
    make_county()
    record("thing.create", object_type="thing", object_id=1)
    db.session.commit()
    rows = [PROJECT_HEADERS] + [project_line(f"V-{i}", status="在建", reason=APPROVED) for i in range(5)]
    plan = plan_file(csv_bytes(rows), "v.csv")
    apply_import(plan, today=DAY)
    db.session.commit()
    record("thing.update", object_type="thing", object_id=1)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == (["thing.create"] + ["project.create"] * 5 + ["project.status"] * 5
                                          + ["project.import", "thing.update"])
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 13 events" in result.output


@pytest.mark.usefixtures("gates_lifted")
def test_reimport_of_a_bulk_import_changes_nothing(app):
    """The file imported in bulk, imported again: every row unchanged, nothing written."""
    _stored_county()
    data = _mixed_file()
    apply_import(plan_file(data, "mixed.xlsx"), today=DAY)
    db.session.commit()
    before = (max_ids(), db.session.scalar(select(func.count(AuditEvent.id))))
    again = plan_file(data, "mixed.xlsx")
    assert not again.changes_anything
    assert again.counts()["projects"] == {"new": 0, "changed": 0, "unchanged": 12}
    apply_import(again, today=DAY)
    db.session.commit()
    assert (max_ids(), db.session.scalar(select(func.count(AuditEvent.id)))) == before


def test_a_code_stored_meanwhile_is_not_created_twice(app):
    """A project stored between the preview and the confirmation is left to the per-row path (which
    finds nothing to change in a new row) and the others are still created."""
    county = make_county()
    db.session.commit()
    plan = plan_file(csv_bytes([PROJECT_HEADERS, project_line("R1"), project_line("R2")]), "r.csv")
    factories.make_project(county["LB-YM"], code="R1", status="approved")
    db.session.commit()
    apply_import(plan, today=DAY)
    db.session.commit()
    assert db.session.scalar(select(func.count(Project.id))) == 2
    assert db.session.scalar(select(Project.status).where(Project.code == "R1")) == "approved"
    creates = db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "project.create")).all()
    assert [after["code"] for after in creates] == ["R2"]


def test_an_area_removed_meanwhile_refuses_the_new_project(app):
    """The bulk path checks a new project's area like create_project does, with the same message."""
    county = make_county()
    spare = factories.make_area("SPARE")
    db.session.commit()
    line = project_line("A1", township=spare.name_zh, area="")
    plan = plan_file(csv_bytes([PROJECT_HEADERS, line]), "a.csv")
    db.session.delete(spare)
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        apply_import(plan, today=DAY)
    db.session.rollback()
    assert {key: str(value) for key, value in refused.value.errors.items()} == {"area_id": "Unknown area."}
    assert db.session.scalar(select(func.count(Project.id))) == 0
    assert county  # the county itself is untouched


@pytest.mark.parametrize("where", ["third project", "milestones", "audit"])
@pytest.mark.usefixtures("gates_lifted")
def test_failure_half_way_through_a_bulk_import_stores_nothing(app, monkeypatch, where):
    """An error while preparing the third new project, after the projects are inserted, or while the
    audit events are written: after the rollback nothing of the import is stored and the chain holds."""
    _stored_county()
    record("thing.create", object_type="thing", object_id=1)
    db.session.commit()
    before = (max_ids(), db.session.scalar(select(func.count(AuditEvent.id))))
    plan = plan_file(_mixed_file(), "mixed.xlsx")
    if where == "third project":
        fail_on_call(monkeypatch, import_write.PlanWriter, "_prepare_new_project", 3, RuntimeError("disk full (injected)"))
    elif where == "milestones":
        monkeypatch.setattr(import_write.PlanWriter, "_flush_milestones",
                            lambda self: (_ for _ in ()).throw(RuntimeError("injected")))
    else:
        monkeypatch.setattr(audit_services, "_content_of",
                            lambda fields: (_ for _ in ()).throw(RuntimeError("injected")))
    with pytest.raises(RuntimeError):
        apply_import(plan, today=DAY)
        db.session.commit()  # the audit events are chained and written as the import commits
    db.session.rollback()
    assert (max_ids(), db.session.scalar(select(func.count(AuditEvent.id)))) == before
    assert db.session.scalar(select(func.count(Project.id)).where(Project.code.like("N%"))) == 0
    assert verify_database().ok


@pytest.mark.usefixtures("gates_lifted")
def test_milestone_rules_are_checked_for_new_projects(app):
    """A rule broken at apply time (a new project's milestone given a negative cost) is refused with the
    services' message and nothing is stored."""
    make_county()
    db.session.commit()
    data = xlsx_bytes(("项目", [PROJECT_HEADERS, project_line("M1", status="在建", reason=APPROVED)]),
                      ("里程碑", [MILESTONE_HEADERS, ["M1", 1, "路基", "2026-06-30", 100, 0, ""]]))
    plan = plan_file(data, "m.xlsx")
    plan.milestones[0].planned_cost_fen = -1  # as if the rules had changed since the plan was made
    with pytest.raises(PlanningError) as refused:
        apply_import(plan, today=DAY)
    db.session.rollback()
    assert str(refused.value.errors["planned_cost_fen"]) == "The planned cost cannot be negative."
    assert db.session.scalar(select(func.count(Project.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
