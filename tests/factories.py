"""Builders for test data, each with sensible defaults that a test overrides by keyword."""
from __future__ import annotations

import itertools
from datetime import date

from auth.models import User
from extensions import db
from funds.ledger import services as ledger
from funds.models import FundSource
from projects.models import Area, Milestone, Project
from projects.services import refresh_accrual

PASSWORD = "Correct-Horse-42"
_counter = itertools.count(1)


def make_user(role: str = "planner", username: str | None = None, password: str = PASSWORD,
              active: bool = True) -> User:
    """An account with a known password."""
    user = User(username=username or f"{role}{next(_counter)}", role=role, active=active,
                display_name=f"Test {role}")
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_area(code: str | None = None, parent: Area | None = None) -> Area:
    """A township, or a village when `parent` is given."""
    number = next(_counter)
    area = Area(code=code or f"A{number}", name_zh=f"测试乡{number}", name_en=f"Test area {number}",
                kind="village" if parent else "township", parent_id=parent.id if parent else None)
    db.session.add(area)
    db.session.flush()
    return area


def make_project(area: Area | None = None, **fields) -> Project:
    """A project in progress with a budget of 1,000,000 yuan unless told otherwise."""
    number = next(_counter)
    values = dict(code=f"P-{number:04d}", name=f"测试项目{number}", category="road", budget_fen=100_000_000,
                  status="in_progress", planned_start=date(2026, 1, 1), planned_end=date(2026, 12, 31))
    values.update(fields)
    project = Project(area_id=(area or make_area()).id, **values)
    db.session.add(project)
    db.session.flush()
    return project


def make_milestone(project: Project, **fields) -> Milestone:
    """A milestone of `project` planned at 100,000 yuan."""
    values = dict(sequence=next(_counter), name="路基施工", planned_date=date(2026, 6, 30),
                  planned_cost_fen=10_000_000, progress_pct=0)
    values.update(fields)
    milestone = Milestone(project_id=project.id, **values)
    db.session.add(milestone)
    db.session.flush()
    refresh_accrual(project.id)  # as the planning services keep it
    return milestone


def make_source(received_fen: int = 0, pays_directly: bool = False, **fields) -> FundSource:
    """A fund source, optionally having received `received_fen` through an appropriation; with
    `pays_directly` its payments need no approval (`pays_without_approval`)."""
    number = next(_counter)
    values = dict(code=f"S{number}", name=f"测试资金{number}", channel="fiscal", level="county",
                  fiscal_year=2026)
    values.update(fields)
    source = ledger.create_source(**values)
    if received_fen:
        ledger.receive_appropriation(source, document_no=f"DOC-{number}", received_on=date(2026, 1, 10),
                                     amount_fen=received_fen)
    if pays_directly:
        pays_without_approval(source)
    return source


def make_rule(kind: str = "spending_after_completion", params: dict | None = None, channel: str | None = None,
              source=None, active: bool = True):
    """A fund rule stored as the county would store it (default parameters of its kind unless given),
    with the allocations it binds checked again, as the rule services do."""
    from funds.models import FundRule
    from funds.rules import standing
    from funds.rules.params import DEFAULT_PARAMS
    from funds.rules.services import recheck_bound

    rule = FundRule(kind=kind, params=DEFAULT_PARAMS[kind] if params is None else params, channel=channel,
                    source_id=getattr(source, "id", None), active=active)
    db.session.add(rule)
    db.session.flush()
    recheck_bound(standing.sources_bound_by(rule))
    return rule


def pays_without_approval(source):
    """Let `source`'s payments post at once (fund rule `payment_approval` above the largest entry): for
    tests about the payment itself rather than its approval. Without such a rule every payment waits
    for a second person's approval (funds.requests)."""
    from core.money import MAX_FEN

    return make_rule("payment_approval", {"above_fen": MAX_FEN, "fiscal_year": None}, source=source)


def make_approver(username: str | None = None):
    """A finance account the administrator allowed to approve payment requests."""
    user = make_user("finance", username=username)
    user.can_approve = True
    db.session.flush()
    return user


def make_finished_notice(project: Project, kind: str = "pre_approval"):
    """A notice of `project` that ran its ten days and ended yesterday, with no objection: its gate is clear."""
    from datetime import timedelta

    from disclosure.models import Notice

    today = date.today()
    notice = Notice(project_id=project.id, kind=kind, place="village_board", start_date=today - timedelta(days=11),
                    end_date=today - timedelta(days=1), snapshot={"code": project.code, "name": project.name})
    db.session.add(notice)
    db.session.flush()
    return notice


def make_target(project: Project, **fields):
    """An output indicator of `project`: road hardened ≥ 2.4 km unless told otherwise."""
    from decimal import Decimal

    from projects.targets.models import Target

    values = dict(tier="output", category="quantity", name="硬化道路长度", unit="公里", comparison="ge",
                  target_value=Decimal("2.4"))
    values.update(fields)
    target = Target(project_id=project.id, **values)
    db.session.add(target)
    db.session.flush()
    return target


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def attach_document(owner_kind: str, owner_id: int, document_type: str, title: str = "文件"):
    """A small PDF of `document_type` attached to the record (documents.services.attach)."""
    from documents.services import attach

    return attach(owner_kind, owner_id, document_type=document_type, title=title, document_date=None,
                  filename=f"{title}.pdf", data=PDF_BYTES)


def make_approvable(project: Project):
    """What a proposal needs before the county approves it: an output target, its approval letter
    (立项批复, documents.requirements) and a pre-approval notice that has run its period."""
    make_target(project)
    attach_document("project", project.id, "x_projectApproval", "立项批复")
    return make_finished_notice(project)


def make_acceptable(project: Project):
    """What a completed project needs before the county accepts it: its acceptance report (验收报告)
    and a completion notice that has run its period."""
    attach_document("project", project.id, "x_acceptanceReport", "验收报告")
    return make_finished_notice(project, "completion")
