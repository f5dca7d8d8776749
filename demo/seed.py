"""Load the demo county into the current session, idempotently; the caller commits.

Every row is found by its natural key before it is created (area code, source code, project code,
(source, document number), (project, sequence), (source, voucher number), username, (rule kind,
channel)), so a second run with the same date creates nothing. Money moves only through
`funds.services` and accounts are made only through `auth.services`, so balances, guards and the
audit chain are exactly what the application itself would produce.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from audit.services import record
from auth.models import User
from auth.services import create_user
from demo import data
from demo.assets import seed_assets
from demo.evidence import seed_contractors, seed_contracts, seed_documents, seed_step_documents
from demo.library import seed_library
from demo.payrolls import seed_payrolls
from demo.plan import (
    FEN_PER_WAN,
    AllocationPlan,
    MilestonePlan,
    PaymentPlan,
    completion_day,
    number_vouchers,
    plan_allocations,
    plan_milestones,
    plan_payments,
    plan_reversal,
    shift_months,
)
from demo.positions import demo_position
from demo.requests import seed_approver, seed_requests
from demo.statement import seed_statement
from extensions import db
from funds.ledger.services import allocate, create_source, receive_appropriation, record_payment, reverse_payment
from funds.models import Allocation, Appropriation, FundRule, FundSource, Payment
from funds.rules import standing
from projects.models import Area, Milestone, ProgressUpdate, Project
from projects.services import refresh_accrual, refresh_progress

COUNT_KEYS = ("users", "areas", "fund_rules", "fund_sources", "appropriations", "projects", "milestones",
              "progress_updates", "allocation_entries", "payments", "reversals", "statement_lines", "contractors",
              "contracts", "documents", "payment_requests", "workers", "payrolls", "assets")
STARTED = ("in_progress", "completed", "accepted", "suspended")
FINISHED = ("completed", "accepted")


def demo_password() -> str:
    """The demo accounts' password: LIANDONG_DEMO_PASSWORD, else the documented default."""
    return os.environ.get(data.PASSWORD_ENV) or data.DEFAULT_PASSWORD


def project_code(today: date, number: int) -> str:
    """The demo project code for `number`, e.g. SP-2026-001."""
    return f"SP-{today.year}-{number:03d}"


def seed_demo(today: date) -> dict[str, int]:
    """Create whatever of the demo county is missing, dated relative to `today`; return the counts."""
    counts: Counter = Counter()
    users = _seed_users(counts)
    areas = _seed_areas(counts)
    _seed_rules(counts, users["admin"])
    loaded = _loaded_year()
    if loaded is not None and loaded != today.year:
        # Codes and dates follow the year the demo was first loaded in; a later year must not add a
        # second county beside it.
        return {key: counts[key] for key in COUNT_KEYS}
    sources = {spec["key"]: _seed_source(spec, today, counts, users["finance"]) for spec in data.SOURCES}
    projects: dict[int, Project] = {}
    payments: list[PaymentPlan] = []
    new_pairs: set[tuple[str, int]] = set()
    for spec in data.PROJECTS:
        project, planned, new_keys = _seed_project_tree(spec, today, areas, sources, users, counts)
        projects[spec["no"]] = project
        payments += planned
        new_pairs |= {(key, spec["no"]) for key in new_keys}
    reversed_spec = next(spec for spec in data.PROJECTS if spec["no"] == data.REVERSAL["project"])
    payments += plan_reversal(reversed_spec, data.REVERSAL, today)
    # Vouchers are numbered over the whole plan, so a number never depends on what already exists.
    fresh = [plan for plan in number_vouchers(payments) if (plan.source_key, plan.project_no) in new_pairs]
    _seed_payments(fresh, projects, sources, counts, users["finance"])
    approver = seed_approver(users["admin"], demo_password(), counts)  # approves the payrolls and requests
    for spec in data.PROJECTS:
        if spec.get("payrolls"):
            seed_payrolls(projects[spec["no"]], sources[spec["funds"][0][0]], today, counts, users["finance"],
                          approver)
    counts["statement_lines"] += seed_statement(sources["FIS"], today, users["finance"])
    seed_contractors(counts, users["finance"])
    seed_contracts([projects[number] for number in sorted(projects)], today, counts, users["planner"])
    seed_documents([projects[number] for number in sorted(projects)], today, counts, users["planner"])
    _seed_planned_funding(projects, sources, users["planner"])  # before the notices disclose it
    seed_library(today, demo_password(), users["admin"])
    seed_requests(today, counts, users["finance"], approver)
    seed_step_documents([projects[number] for number in sorted(projects)], today, counts, users["planner"])
    seed_assets(projects, today, counts, users["planner"])
    standing.rebuild()  # rules stored above apply to allocations from an earlier run too
    return {key: counts[key] for key in COUNT_KEYS}


def _seed_planned_funding(projects: dict[int, Project], sources: dict, actor: User) -> None:
    """Each project's library entry plans what its sources give (the demo's funds, in 万元), once."""
    from funds.planned.models import PlannedFunding
    from funds.planned.services import PLANNABLE_STATUSES, set_planned

    for spec in data.PROJECTS:
        project = projects[spec["no"]]
        # A proposal is allocated nothing yet: its plan names the county's own budget for all of it.
        funds = spec.get("funds") or ([("FIS", project.budget_fen // 1_000_000, 0)]
                                      if project.status == "proposed" else [])
        if (project.status not in PLANNABLE_STATUSES or not funds
                or sum(wan for _key, wan, _month in funds) * 1_000_000 > project.budget_fen
                or db.session.scalar(select(PlannedFunding.id).where(PlannedFunding.project_id == project.id))):
            continue
        for key, wan, _month in funds:
            set_planned(project, sources[key].id, wan * 1_000_000, actor=actor)


def _loaded_year() -> int | None:
    """The year of an already loaded demo (from its first project code SP-YYYY-001), else None."""
    code = db.session.scalar(select(Project.code).where(Project.code.like("SP-____-001"))
                             .order_by(Project.code).limit(1))
    return int(code[3:7]) if code and code[3:7].isdigit() else None


def _seed_project_tree(spec: dict, today: date, areas: dict[str, Area], sources: dict[str, FundSource],
                       users: dict[str, User], counts: Counter) -> tuple[Project, list[PaymentPlan], set[str]]:
    """A project with its milestones and allocations; returns it, its planned payments and the
    keys of the sources newly allocated to it (only those get payments, see `_seed_allocations`)."""
    project = _seed_project(spec, today, areas, counts, users["planner"])
    milestones = plan_milestones(spec, data.MILESTONE_TEMPLATES[spec["category"]], today)
    _seed_milestones(project, milestones, today, counts, users["planner"])
    allocations = plan_allocations(spec, today)
    new_keys = _seed_allocations(spec, project, allocations, sources, counts, users["finance"])
    wage_sources = {key for key, source in sources.items() if source.channel == "work_for_relief"}
    payments = plan_payments(spec, milestones, allocations, today, _wage_payee(project.area), wage_sources)
    return project, payments, new_keys


def _seed_users(counts: Counter) -> dict[str, User]:
    """The five demo accounts by role; an account that already exists is left as it is."""
    users: dict[str, User] = {}
    for username, role, display_name in data.USERS:
        user = db.session.scalar(select(User).where(func.lower(User.username) == username))
        if user is None:
            user = create_user(username, role, demo_password(), actor=users.get("admin"), must_change_password=False,
                               display_name=display_name)
            counts["users"] += 1
        users[role] = user
    return users


def _seed_areas(counts: Counter) -> dict[str, Area]:
    """Towns, townships and their villages/communities by code."""
    areas: dict[str, Area] = {}
    for town in data.AREAS:
        parent = _get_or_create_area(town["code"], town["zh"], town["en"], town["kind"], None, counts)
        areas[parent.code] = parent
        for code, name_zh, name_en, kind in town["children"]:
            areas[code] = _get_or_create_area(code, name_zh, name_en, kind, parent, counts)
    return areas


def _get_or_create_area(code: str, name_zh: str, name_en: str, kind: str, parent, counts: Counter) -> Area:
    """The area with `code`, created when missing."""
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None:
        area = Area(code=code, name_zh=name_zh, name_en=name_en, kind=kind, parent=parent)
        db.session.add(area)
        db.session.flush()
        counts["areas"] += 1
    return area


def _seed_rules(counts: Counter, actor: User) -> None:
    """The county's fund rules as data, one per (kind, channel)."""
    for kind, channel, params, note in data.FUND_RULES:
        exists = db.session.scalar(select(FundRule.id).where(
            FundRule.kind == kind, FundRule.channel.is_(None) if channel is None else FundRule.channel == channel))
        if exists:
            continue
        rule = FundRule(kind=kind, channel=channel, params=params, note=note, updated_by_id=actor.id)
        db.session.add(rule)
        db.session.flush()
        record("fund_rule.create", user=actor, object_type="fund_rule", object_id=rule.id,
               after={"kind": kind, "channel": channel, "params": json.dumps(params, sort_keys=True, ensure_ascii=False),
                      "note": note})
        counts["fund_rules"] += 1


def _seed_source(spec: dict, today: date, counts: Counter, actor: User) -> FundSource:
    """A fund source with its appropriations received."""
    year = today.year - spec["years_back"]
    code = f"{spec['prefix']}-{year}"
    source = db.session.scalar(select(FundSource).where(FundSource.code == code))
    if source is None:
        source = create_source(code=code, name=spec["name"], channel=spec["channel"], level=spec["level"],
                               fiscal_year=year, managing_department=spec["department"],
                               document_ref=spec["appropriations"][0][0].format(year=year), actor=actor)
        counts["fund_sources"] += 1
    for template, offset, wan in spec["appropriations"]:
        document_no = template.format(year=year)
        if db.session.scalar(select(Appropriation.id).where(Appropriation.source_id == source.id,
                                                            Appropriation.document_no == document_no)):
            continue
        receive_appropriation(source, document_no=document_no, received_on=shift_months(today, offset),
                              amount_fen=wan * FEN_PER_WAN, note="演示数据", actor=actor)
        counts["appropriations"] += 1
    return source


def _seed_project(spec: dict, today: date, areas: dict[str, Area], counts: Counter, actor: User) -> Project:
    """The project of a spec, created with its dates and status when missing."""
    code = project_code(today, spec["no"])
    project = db.session.scalar(select(Project).where(Project.code == code))
    if project is not None:
        return project
    start, end = (shift_months(today, offset) for offset in spec["months"])
    quantity, unit = spec["scale"] or (None, None)
    project = Project(code=code, name=spec["name"], category=spec["category"], area=areas[spec["area"]],
                      scale_quantity=None if quantity is None else Decimal(quantity), scale_unit=unit,
                      budget_fen=spec["budget"] * FEN_PER_WAN, planned_start=start, planned_end=end,
                      actual_start=start + timedelta(days=5) if spec["status"] in STARTED else None,
                      status=spec["status"], responsible_unit=spec["unit"], contractor=spec["contractor"],
                      description=spec["desc"], allocated_fen=0, spent_fen=0)
    project.longitude, project.latitude = demo_position(spec["no"], spec["area"])
    db.session.add(project)
    db.session.flush()
    record("project.create", user=actor, object_type="project", object_id=project.id,
           after={"code": code, "name": project.name, "status": project.status,
                  "budget_fen": project.budget_fen})
    counts["projects"] += 1
    return project


def _seed_milestones(project: Project, plans: list[MilestonePlan], today: date, counts: Counter,
                     actor: User) -> None:
    """Missing milestones with a progress report each for work done; finished projects get an end date."""
    for plan in plans:
        if db.session.scalar(select(Milestone.id).where(Milestone.project_id == project.id,
                                                        Milestone.sequence == plan.sequence)):
            continue
        milestone = Milestone(project_id=project.id, sequence=plan.sequence, name=plan.name,
                              planned_date=plan.planned_date, planned_cost_fen=plan.planned_cost_fen,
                              progress_pct=plan.progress_pct, actual_date=plan.actual_date)
        db.session.add(milestone)
        db.session.flush()
        counts["milestones"] += 1
        if plan.progress_pct > 0:
            reported_on = plan.actual_date or plan.planned_date
            db.session.add(ProgressUpdate(milestone_id=milestone.id, progress_pct=plan.progress_pct,
                                          reported_on=min(reported_on, today), note="演示数据",
                                          user_id=actor.id))
            counts["progress_updates"] += 1
    if project.status in FINISHED and project.actual_end is None and plans:
        project.actual_end = completion_day(plans)
    db.session.flush()
    refresh_progress(project.id)
    refresh_accrual(project.id)


def _seed_allocations(spec: dict, project: Project, plans: list[AllocationPlan],
                      sources: dict[str, FundSource], counts: Counter, actor: User) -> set[str]:
    """Allocate each source's planned money, topping up only what the existing allocation lacks.

    Returns the keys of the sources that had no allocation to the project before this run. Only
    those get payments: a run commits whole or not at all, so an allocation that already existed
    got its payments in the run that made it, even if that run was given another date.
    """
    planned: Counter = Counter()
    new_keys: set[str] = set()
    for index, plan in enumerate(plans):
        source = sources[plan.source_key]
        planned[plan.source_key] += plan.amount_fen
        have = db.session.scalar(select(Allocation.amount_fen).where(
            Allocation.source_id == source.id, Allocation.project_id == project.id))
        if have is None:
            new_keys.add(plan.source_key)
        if (have or 0) >= planned[plan.source_key]:
            continue
        allocate(source, project, delta_fen=planned[plan.source_key] - (have or 0), entry_date=plan.entry_date,
                 document_no=f"双财指〔{plan.entry_date.year}〕{100 + spec['no'] * 3 + index}号",
                 reason=f"安排{source.name}用于{project.name}（演示数据）", actor=actor)
        counts["allocation_entries"] += 1
    return new_keys


def _seed_payments(plans: list[PaymentPlan], projects: dict[int, Project], sources: dict[str, FundSource],
                   counts: Counter, actor: User) -> None:
    """Record each planned payment and reversal whose voucher number is not used yet, oldest first."""
    vouchers = {plan.key: plan.voucher_no for plan in plans}
    for plan in plans:
        source, project = sources[plan.source_key], projects[plan.project_no]
        if db.session.scalar(select(Payment.id).where(Payment.source_id == source.id,
                                                      Payment.voucher_no == plan.voucher_no)):
            continue
        if plan.reverses is not None:
            original = db.session.scalars(select(Payment).where(
                Payment.source_id == source.id, Payment.voucher_no == vouchers[plan.reverses])).one()
            reverse_payment(original, voucher_no=plan.voucher_no, reversed_on=plan.paid_on,
                            reason=plan.reason, actor=actor)
            counts["reversals"] += 1
            continue
        milestone = db.session.scalars(select(Milestone).where(Milestone.project_id == project.id,
                                                               Milestone.sequence == plan.sequence)).one()
        record_payment(source, project, milestone, voucher_no=plan.voucher_no, payee=plan.payee,
                       paid_on=plan.paid_on, amount_fen=plan.amount_fen, cost_category=plan.cost_category,
                       actor=actor)
        counts["payments"] += 1


def _wage_payee(area: Area) -> str:
    """Who work-for-relief wages are paid to: the local workers of the project's village or town."""
    place = area.name_zh if area.parent_id is not None else f"{area.name_zh}各村"
    return f"务工群众工资（{place}）"
