"""Time the two bulk imports at county scale: a bank statement with reconciliation, and projects.

Each import runs through the same service the web page and the CLI call, commits, is timed, and is
then removed again (its statement lines, or its projects and milestones) so the county stays the
size it was; the audit events of the import stay, as they always do.
"""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from core.files import sha256_hex
from extensions import db
from funds.ledger.services import refresh_awaiting
from funds.models import FundSource, StatementImport, StatementLine
from funds.reconcile.services import import_statement
from projects.imports import apply_import, guess_import_mapping, plan_import, read_import_file
from projects.imports.exporting import write_projects
from projects.models import Area, Milestone, ProgressUpdate, Project, ProjectChange

COPY_PREFIX = "BENCH-"


def time_statement_import(statement: Path) -> dict:
    """Import and auto-match the statement for the county account; seconds, counts; then undo it."""
    source = db.session.scalar(select(FundSource).order_by(FundSource.id).limit(1))
    data = statement.read_bytes()
    started = time.perf_counter()
    result = import_statement(source, data, statement.name)
    db.session.commit()
    seconds = time.perf_counter() - started
    if result.import_id is not None:
        db.session.execute(delete(StatementLine).where(StatementLine.import_id == result.import_id))
        db.session.execute(delete(StatementImport).where(StatementImport.id == result.import_id))
        refresh_awaiting(source.id)  # its payments await their lines again
        db.session.commit()
    return {"seconds": round(seconds, 2), "lines": result.lines, "new": result.new, "matched": result.matched,
            "unmatched_lines": result.unmatched_lines, "unmatched_payments": result.unmatched_payments}


def project_sheet(limit: int) -> bytes:
    """The county's own export (CSV) of `limit` projects, every code made new so each row is a new project."""
    projects = db.session.scalars(select(Project).options(selectinload(Project.area).selectinload(Area.parent))
                                  .order_by(Project.id).limit(limit)).all()
    stream = io.BytesIO()
    write_projects(projects, stream, "csv")
    rows = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig"))))
    header = rows[0]
    # New projects enter as proposals (拟建): a later status is reached through the lifecycle, and
    # "approved" needs a reason. So the copies are proposals, without actual dates or progress.
    blank = [header.index(name) for name in ("实际开工日期", "实际完工日期", "实物进度（%）") if name in header]
    status = header.index("项目状态")
    for row in rows[1:]:
        row[0] = COPY_PREFIX + row[0]  # the code is the first column
        row[status] = "拟建"
        for index in blank:
            row[index] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    db.session.rollback()
    return out.getvalue().encode("utf-8")


def time_project_import(limit: int = 5000) -> dict:
    """Plan and apply an import of `limit` new projects, commit; seconds; then remove them."""
    data = project_sheet(limit)
    started = time.perf_counter()
    sheets = read_import_file(data, "projects.csv")
    plan = plan_import(sheets, guess_import_mapping(sheets), file_name="projects.csv", sha256=sha256_hex(data))
    if plan.problems:
        return {"seconds": None, "problems": [str(problem.message) for problem in plan.problems[:5]]}
    apply_import(plan)
    db.session.commit()
    seconds = time.perf_counter() - started
    _remove_copies()
    return {"seconds": round(seconds, 2), "projects": len(plan.projects)}


def _remove_copies() -> None:
    copies = select(Project.id).where(Project.code.like(COPY_PREFIX + "%"))
    milestones = select(Milestone.id).where(Milestone.project_id.in_(copies))
    db.session.execute(delete(ProgressUpdate).where(ProgressUpdate.milestone_id.in_(milestones)))
    db.session.execute(delete(Milestone).where(Milestone.project_id.in_(copies)))
    db.session.execute(delete(ProjectChange).where(ProjectChange.project_id.in_(copies)))
    db.session.execute(delete(Project).where(Project.code.like(COPY_PREFIX + "%")))
    db.session.commit()
