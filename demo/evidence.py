"""The demo county's contractors, contracts and documents, idempotently (found by name, number and
title first).

Contractors are the firms the demo projects name (illustrative, marked 示例) with credit codes whose
check character is right (GB 32100-2015) under Shuangpai's division code 431123, made up. Documents
are small generated files: an approval letter (a PDF) and a site photo (a PNG drawing, the demo's
stand-in for a camera photo) on the first project, and an acceptance report on an accepted one.
"""
from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

from matplotlib.figure import Figure
from sqlalchemy import select

from auth.models import User
from contracts.contract_services import ContractInput, add_variation, create_contract
from contracts.models import Contract, Contractor
from contracts.services import ContractorInput, register_contractor, update_contractor
from contracts.uscc import check_character
from demo import data
from documents.models import Document
from documents.services import attach
from extensions import db
from projects.models import Project

CONTRACTORS = (
    (data.ROADS_CO, "李某某", "中国农业银行双牌县支行"),
    (data.BUILD_CO, "王某某", "中国建设银行双牌县支行"),
    (data.TEL_CO, "赵某某", "中国工商银行永州分行"),
    (data.IT_CO, "陈某某", "中国银行永州分行"),
    (data.WATER_CO, "刘某某", "双牌县农村商业银行"),
)


def demo_uscc(number: int) -> str:
    """An illustrative credit code for a firm registered in Shuangpai (431123), its check character right."""
    base = f"91431123MA4L{number:05d}"
    return base + check_character(base)


def seed_contractors(counts: Counter, actor: User) -> None:
    """The demo's contractors, each once; one carried over from a project's free text (migration 0012e)
    without a credit code gets its code and bank."""
    for number, (name, representative, bank) in enumerate(CONTRACTORS, start=1):
        facts = ContractorInput(name=name, uscc=demo_uscc(number), legal_representative=representative,
                                contact_phone=f"0746-77{number:02d}{number:03d}", bank_name=bank,
                                bank_account=f"622848{number:04d}{number * 1234567:08d}"[:19])
        existing = db.session.scalar(select(Contractor).where(Contractor.name == name))
        if existing is None:
            register_contractor(facts, actor=actor)
            counts["contractors"] += 1
        elif not existing.uscc:
            update_contractor(existing, facts, actor=actor)


VARIATIONS = ((5, "设计变更：增设排水边沟（示例）"), (-3, "核减：取消一处涵洞（示例）"))


def seed_contracts(projects: list[Project], today: date, counts: Counter, actor: User) -> None:
    """A works contract (3% retention, 24 months' liability) for each started project whose contractor
    is registered, covering its milestones; the first two with a variation each. Found by number."""
    by_name = {contractor.name: contractor for contractor in db.session.scalars(select(Contractor))}
    started = [project for project in projects if project.status in ("in_progress", "completed", "accepted")
               and project.contractor in by_name and project.planned_start and project.planned_start <= today]
    for index, project in enumerate(started[:8]):
        number = f"{project.code}-HT01"
        contract = db.session.scalar(select(Contract).where(Contract.contract_no == number))
        if contract is not None:
            continue
        signed = project.planned_start - timedelta(days=20) if project.planned_start else today
        contract = create_contract(ContractInput(
            contract_no=number, project_id=project.id, contractor_id=by_name[project.contractor].id,
            subject="works", method="public_tender" if project.budget_fen > 400 * 1_000_000 else "competitive_consultation",
            signed_on=signed, value_fen=project.budget_fen * 9 // 10, retention_bp=300, defects_liability_months=24,
            starts_on=project.planned_start, ends_on=project.planned_end,
            milestone_ids=[milestone.id for milestone in project.milestones]), actor=actor, today=today)
        counts["contracts"] += 1
        if index < len(VARIATIONS):
            percent, reason = VARIATIONS[index]
            add_variation(contract, delta_fen=contract.value_fen * percent // 100, reason=reason,
                          varied_on=min(signed + timedelta(days=90), today), actor=actor, today=today)


def pdf_of(lines: list[str]) -> bytes:
    """A one-page PDF with `lines` (the first as a title): the demo's stand-in for a scanned document."""
    figure = Figure(figsize=(8.27, 11.69))
    for row, line in enumerate(lines):
        figure.text(0.1, 0.9 - row * 0.04, line, fontsize=12 if row else 16)
    stream = io.BytesIO()
    figure.savefig(stream, format="pdf")
    return stream.getvalue()


def _photo() -> bytes:
    figure = Figure(figsize=(4, 3), dpi=80)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.fill_between([0, 1], 0.55, 1, color="#9cc3e6")
    axes.fill_between([0, 1], 0, 0.55, color="#7aa05a")
    axes.fill([0.35, 0.65, 0.55, 0.45], [0, 0, 0.55, 0.55], color="#8c8c8c")
    stream = io.BytesIO()
    figure.savefig(stream, format="png")
    return stream.getvalue()


def _attach_once(project: Project, counts: Counter, actor: User, *, owner: tuple[str, int], document_type: str,
                 title: str, day: date, filename: str, make) -> None:
    exists = db.session.scalar(select(Document.id).where(Document.owner_kind == owner[0],
                                                         Document.owner_id == owner[1], Document.title == title))
    if exists is None:
        attach(owner[0], owner[1], document_type=document_type, title=title, document_date=day, filename=filename,
               data=make(), actor=actor, today=day)
        counts["documents"] += 1


def seed_documents(projects: list[Project], today: date, counts: Counter, actor: User) -> None:
    """An approval letter and a site photo on the first project; an acceptance report on an accepted one."""
    if not projects:
        return
    first = projects[0]
    approved = first.planned_start or today
    _attach_once(first, counts, actor, owner=("project", first.id), document_type="x_projectApproval",
                 title=f"{first.code} 立项批复（示例）", day=min(approved, today), filename="立项批复.pdf",
                 make=lambda: pdf_of([f"Project approval (illustrative) - {first.code}", "Shuangpai County",
                                    f"Budget: {first.budget_fen // 100} yuan"]))
    _attach_once(first, counts, actor, owner=("project", first.id), document_type="x_sitePhoto",
                 title="施工现场（示例）", day=today - timedelta(days=7), filename="现场照片.png", make=_photo)
    accepted = next((project for project in projects if project.status == "accepted" and project.milestones), None)
    if accepted is not None:
        last = accepted.milestones[-1]
        _attach_once(accepted, counts, actor, owner=("milestone", last.id), document_type="x_acceptanceReport",
                     title=f"{accepted.code} 竣工验收报告（示例）", day=min(accepted.actual_end or today, today),
                     filename="验收报告.pdf",
                     make=lambda: pdf_of([f"Acceptance report (illustrative) - {accepted.code}", "Accepted."]))


def seed_step_documents(projects: list[Project], today: date, counts: Counter, actor: User) -> None:
    """What the county's next steps need (documents.requirements): the approval letter of each proposal,
    the acceptance report of each completed project, so a visitor can approve and accept them."""
    for project in projects:
        if project.status == "proposed":
            _attach_once(project, counts, actor, owner=("project", project.id), document_type="x_projectApproval",
                         title=f"{project.code} 立项批复（示例）", day=today, filename="立项批复.pdf",
                         make=lambda p=project: pdf_of([f"Project approval (illustrative) - {p.code}"]))
        elif project.status == "completed":
            _attach_once(project, counts, actor, owner=("project", project.id), document_type="x_acceptanceReport",
                         title=f"{project.code} 竣工验收报告（示例）", day=today, filename="验收报告.pdf",
                         make=lambda p=project: pdf_of([f"Acceptance report (illustrative) - {p.code}"]))
