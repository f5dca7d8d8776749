"""The demo county's library and notices: a township's staff account, notices running and finished,
one objection handled, and the proposal that waits for its pre-approval notice to end; every project's
performance targets, those of finished projects measured (one satisfaction target missed)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from auth.models import User
from auth.services import create_user
from disclosure.models import Notice, Objection
from disclosure.services import snapshot
from extensions import db
from projects.models import Area, Project
from projects.targets.models import Target

TOWNSHIP_USER = ("jiangcun", "planner", "江村镇人民政府 刘干事（演示）", "JC")


def seed_library(today: date, password: str, admin: User) -> None:
    """Add what is missing: the township account, then (once) the notices."""
    username, role, display_name, area_code = TOWNSHIP_USER
    if db.session.scalar(select(User).where(func.lower(User.username) == username)) is None:
        user = create_user(username, role, password, actor=admin, must_change_password=False,
                           display_name=display_name)
        user.area_id = db.session.scalar(select(Area.id).where(Area.code == area_code))
    if db.session.scalar(select(Notice.id).limit(1)) is not None:
        return
    for number, project in enumerate(db.session.scalars(
            select(Project).where(Project.code.like("SP-%")).order_by(Project.code))):
        if project.status != "cancelled":
            _targets(project, today, missed=number % 4 == 1)
        _notices(project, today)
    db.session.flush()


def _notice(project: Project, kind: str, place: str, start: date, days: int = 10) -> Notice:
    notice = Notice(project_id=project.id, kind=kind, place=place, start_date=start,
                    end_date=start + timedelta(days=days - 1), snapshot=snapshot(project))
    db.session.add(notice)
    db.session.flush()
    return notice


def _notices(project: Project, today: date) -> None:
    """Proposed: its notice still running (the county cannot approve yet). Approved or later: the
    pre-approval notice it had. Completed: the completion notice, over, one objection handled."""
    before_start = (project.planned_start or today) - timedelta(days=30)
    if project.status == "proposed":
        project.review_state = "agreed"
        _notice(project, "pre_approval", "village_board", today - timedelta(days=3))
        return
    if project.status == "cancelled":
        return
    _notice(project, "pre_approval", "village_board", min(before_start, today - timedelta(days=40)))
    if project.status in ("completed", "accepted"):
        end = project.actual_end or today - timedelta(days=30)
        completion = _notice(project, "completion", "township_board", min(end + timedelta(days=1), today - timedelta(days=12)))
        if project.status == "completed":
            db.session.add(Objection(notice_id=completion.id, received_on=completion.start_date + timedelta(days=2),
                                     summary="村民反映路肩未压实", handling="乡镇会同监理现场复核，施工单位返工压实",
                                     result="已整改，村民认可", resolved_on=completion.end_date - timedelta(days=1)))


def _targets(project: Project, today: date, missed: bool) -> None:
    """Output (the project's scale, acceptance), benefit (people served) and satisfaction indicators;
    a finished project's measured, `missed` ones falling short on satisfaction."""
    quantity = project.scale_quantity if project.scale_quantity is not None else Decimal(1)
    unit = project.scale_unit or "项"
    rows = [("output", "quantity", "建设规模", unit, "ge", quantity, quantity),
            ("output", "quality", "工程验收合格率", "%", "eq", Decimal(100), Decimal(100)),
            ("output", "timeliness", "按期完工率", "%", "ge", Decimal(100), Decimal(100)),
            ("benefit", "social", "受益人口", "人", "ge", Decimal(project.beneficiary_count or 300),
             Decimal(project.beneficiary_count or 300) + 12),
            ("satisfaction", "beneficiary", "受益群众满意度", "%", "ge", Decimal(90),
             Decimal(86) if missed else Decimal(95))]
    finished = project.status in ("completed", "accepted")
    for position, (tier, category, name, unit_name, comparison, target, actual) in enumerate(rows):
        db.session.add(Target(project_id=project.id, tier=tier, category=category, name=name, unit=unit_name,
                              comparison=comparison, target_value=target, position=position,
                              actual_value=actual if finished else None,
                              actual_on=(project.actual_end or today) if finished else None))
    db.session.flush()
