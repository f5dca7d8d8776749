"""Liandong's projects as an OC4IDS 0.9 project package (pure reads; nothing is written).

    package = project_package(select_projects(all_projects=False), uri=...)

What each project carries and where it comes from (the choices are the README's "Open data"):
status and sector by the tables below, Liandong's own category and status kept in
`additionalClassifications`; the budget with one breakdown per fund source (its allocation, its fiscal
year, the source as `sourceParty`); parties (the county as public authority, the responsible unit, one
funder per source, contractors by their unified social credit code, the workers as one aggregated
payee); milestones; payments and reversals as transactions (reversals negative) with the milestone
they paid; contracts as contracting processes; documents that are public by nature (never invoices
or payment vouchers, never a payment request's); completion; physical and financial progress.

Personal data never leaves: a payee is named only when it is a registered contractor; wages (a payroll's
payment or any payment of the wages cost category) go to one aggregated party "workers"; any other
payee is withheld (the transaction has no payee). Voucher numbers and internal ids are not published:
a transaction's id is a hash of its source and voucher.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any, Optional
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from contracts.models import Contract, Contractor, ContractVariation
from disclosure.models import Notice
from disclosure.services import disclosed
from documents.document_types import TYPES
from documents.models import Document
from extensions import db
from funds.models import Allocation, FundSource, Payment
from payroll.models import Payroll
from projects.models import Area, Milestone, ProgressUpdate, Project, ProjectChange

VERSION = "0.9"
CURRENCY = "CNY"

# Liandong's lifecycle on OC4IDS's closed projectStatus list. A suspended project stays in
# implementation (the standard has no suspension); its Liandong status says "suspended".
STATUS = {"proposed": "identification", "approved": "preparation", "in_progress": "implementation",
          "suspended": "implementation", "completed": "completion", "accepted": "completion",
          "cancelled": "cancelled"}
# Liandong's categories on the open projectSector list (a subsector with its parent). Community
# buildings and village service platforms are public buildings for services: governance; grid
# management is the county's governance and public-safety network: governance and communications.
# "other" has no sector: its Liandong category says what it is.
SECTORS = {"road": ["transport", "transport.road"], "bridge": ["transport", "transport.road"],
           "telecom": ["communications"], "information_system": ["communications"],
           "water": ["waterAndWaste"], "community_building": ["governance"], "village_platform": ["governance"],
           "grid_management": ["governance", "communications"], "other": []}
PROJECT_TYPES = {"new": "construction", "rebuild": "rehabilitation", "repair": "rehabilitation",
                 "expansion": "expansion"}
METHODS = {"public_tender": "open", "invitation": "selective", "competitive_negotiation": "limited",
           "competitive_consultation": "limited", "single_source": "direct", "small_direct": "direct",
           "work_for_relief_village": "direct"}
NATURES = {"works": ["construction"], "design": ["design"], "supervision": ["supervision"]}

# The data's own words (the package is published in Chinese, the county's language).
CATEGORY_NAMES = {"road": "公路", "bridge": "桥梁", "telecom": "电话及宽带", "community_building": "社区综合服务用房",
                  "village_platform": "村级综合服务平台", "grid_management": "网格化管理",
                  "information_system": "信息化系统", "water": "水利", "other": "其他"}
STATUS_NAMES = {"proposed": "申报", "approved": "已立项", "in_progress": "在建", "completed": "已完工",
                "accepted": "已验收", "suspended": "暂停", "cancelled": "已取消"}
SUBJECT_NAMES = {"works": "施工", "goods": "货物", "services": "服务", "design": "设计", "supervision": "监理"}
METHOD_NAMES = {"public_tender": "公开招标", "invitation": "邀请招标", "competitive_negotiation": "竞争性谈判",
                "competitive_consultation": "竞争性磋商", "single_source": "单一来源", "small_direct": "小额直接委托",
                "work_for_relief_village": "以工代赈村组织实施"}
WORKERS_NAME = "务工人员（工资合并公布，不列个人）"
COUNTRY = "中国"
# Schemes of Liandong's own codes (local codes, `x_` as the OCDS guidance asks).
CATEGORY_SCHEME = "x_liandongCategory"
STATUS_SCHEME = "x_liandongStatus"
AREA_SCHEME = "x_liandongAreaCode"
# The unified social credit code (统一社会信用代码) in org-id.guide's list: China's State Administration
# for Market Regulation.
USCC_SCHEME = "CN-SAMR"

# Documents that are public by nature; an invoice or payment voucher names accounts and is never
# published, nor anything attached to a payment request, a payroll or a worker.
PRIVATE_DOCUMENT_TYPES = frozenset({"x_invoice", "x_paymentVoucher"})
PUBLIC_OWNERS = frozenset({"project", "milestone", "progress", "contract", "notice"})


def select_projects(*, all_projects: bool, code: Optional[str] = None, today: Optional[date] = None) -> list[Project]:
    """The projects to export, by code: the disclosed ones (as the public pages show), or all of them."""
    query = select(Project).order_by(Project.code)
    if not all_projects:
        query = query.where(disclosed(today or date.today()))
    if code is not None:
        query = query.where(Project.code == code.strip())
    return list(db.session.scalars(query))


def amount(fen: int) -> dict[str, Any]:
    """An OC4IDS Value from integer fen: yuan as an exact JSON number (whole yuan as an integer)."""
    value: Any = fen // 100 if fen % 100 == 0 else fen / 100
    return {"amount": value, "currency": CURRENCY}


def clean(value: Any) -> Any:
    """`value` without empty fields (None, blank text, empty lists and objects), as OC4IDS asks."""
    if isinstance(value, dict):
        cleaned = {key: clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if not _empty(item)}
    if isinstance(value, list):
        return [item for item in (clean(item) for item in value) if not _empty(item)]
    if isinstance(value, str):
        return value.strip()
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


class _Clock:
    """Dates as OC4IDS date-times: midnight in the county's time zone."""

    def __init__(self):
        self.zone = ZoneInfo(current_app.config.get("TIME_ZONE", "Asia/Shanghai"))

    def day(self, day: Optional[date]) -> Optional[str]:
        return None if day is None else datetime.combine(day, time(), self.zone).isoformat()

    def period(self, start: Optional[date], end: Optional[date]) -> Optional[dict[str, Any]]:
        return {"startDate": self.day(start), "endDate": self.day(end)} if (start or end) else None


def utc(moment: Optional[datetime]) -> Optional[str]:
    """A stored naive-UTC timestamp as an ISO date-time with its offset."""
    return None if moment is None else moment.replace(tzinfo=UTC, microsecond=0).isoformat()


def transaction_id(source_code: str, voucher_no: str) -> str:
    """A stable id for a payment that does not publish its voucher number."""
    return "t-" + hashlib.sha256(f"{source_code}\x1f{voucher_no}".encode()).hexdigest()[:16]


class _Facts:
    """Everything the mapping reads, fetched once for all the projects (a few queries, not per project)."""

    def __init__(self, projects: Sequence[Project]):
        ids = [project.id for project in projects] or [-1]
        self.positions = False
        self.areas = {area.id: area for area in db.session.scalars(select(Area))}
        self.milestones: dict[int, list[Milestone]] = defaultdict(list)
        for milestone in db.session.scalars(select(Milestone).where(Milestone.project_id.in_(ids))
                                            .order_by(Milestone.sequence)):
            self.milestones[milestone.project_id].append(milestone)
        self.sources = {source.id: source for source in db.session.scalars(select(FundSource))}
        self.allocations: dict[int, list[Allocation]] = defaultdict(list)
        for allocation in db.session.scalars(select(Allocation).where(Allocation.project_id.in_(ids))
                                             .order_by(Allocation.id)):
            self.allocations[allocation.project_id].append(allocation)
        self.payments: dict[int, list[Payment]] = defaultdict(list)
        for payment in db.session.scalars(select(Payment).where(Payment.project_id.in_(ids))
                                          .order_by(Payment.paid_on, Payment.id)):
            self.payments[payment.project_id].append(payment)
        self.payroll_payments = set(db.session.scalars(
            select(Payroll.payment_id).where(Payroll.project_id.in_(ids), Payroll.payment_id.is_not(None))))
        self.contractors = {contractor.id: contractor for contractor in db.session.scalars(select(Contractor))}
        self.contractor_by_name = {contractor.name: contractor for contractor in self.contractors.values()}
        self.contracts: dict[int, list[Contract]] = defaultdict(list)
        for contract in db.session.scalars(select(Contract).where(Contract.project_id.in_(ids))
                                           .order_by(Contract.signed_on, Contract.id)):
            self.contracts[contract.project_id].append(contract)
        contract_ids = [c.id for cs in self.contracts.values() for c in cs] or [-1]
        self.variations: dict[int, list[ContractVariation]] = defaultdict(list)
        for variation in db.session.scalars(select(ContractVariation).where(
                ContractVariation.contract_id.in_(contract_ids)).order_by(ContractVariation.sequence)):
            self.variations[variation.contract_id].append(variation)
        self.changes: dict[int, list[ProjectChange]] = defaultdict(list)
        for change in db.session.scalars(select(ProjectChange).where(ProjectChange.project_id.in_(ids))
                                         .order_by(ProjectChange.at, ProjectChange.id)):
            self.changes[change.project_id].append(change)
        self.notices: dict[int, list[Notice]] = defaultdict(list)
        for notice in db.session.scalars(select(Notice).where(Notice.project_id.in_(ids))
                                         .order_by(Notice.start_date, Notice.id)):
            self.notices[notice.project_id].append(notice)
        self.documents = self._documents(ids, contract_ids)

    def _documents(self, ids: list[int], contract_ids: list[int]) -> dict[tuple[str, int], list[Document]]:
        """Public documents by the project or contract they belong to."""
        milestone_project = {m.id: m.project_id for ms in self.milestones.values() for m in ms}
        update_project = {row.id: row.milestone_id for row in db.session.execute(
            select(ProgressUpdate.id, ProgressUpdate.milestone_id)
            .where(ProgressUpdate.milestone_id.in_(list(milestone_project) or [-1])))}
        notice_project = {n.id: n.project_id for ns in self.notices.values() for n in ns}
        found: dict[tuple[str, int], list[Document]] = defaultdict(list)
        query = (select(Document).where(Document.withdrawn_at.is_(None), Document.owner_kind.in_(PUBLIC_OWNERS),
                                        Document.document_type.not_in(PRIVATE_DOCUMENT_TYPES))
                 .order_by(Document.id))
        for document in db.session.scalars(query):
            kind, owner = document.owner_kind, document.owner_id
            if kind == "project" and owner in ids:
                found[("project", owner)].append(document)
            elif kind == "milestone" and owner in milestone_project:
                found[("project", milestone_project[owner])].append(document)
            elif kind == "progress" and owner in update_project:
                found[("project", milestone_project[update_project[owner]])].append(document)
            elif kind == "notice" and owner in notice_project:
                found[("project", notice_project[owner])].append(document)
            elif kind == "contract" and owner in contract_ids:
                found[("contract", owner)].append(document)
        return found


def project_package(projects: Sequence[Project], *, uri: str, published: Optional[datetime] = None,
                    today: Optional[date] = None, positions: bool = False) -> dict[str, Any]:
    """The OC4IDS project package of `projects` (a dict ready for json.dumps); with `positions`, each
    placed project's location has its point (internal use only: see `build`)."""
    facts, clock = _Facts(projects), _Clock()
    facts.positions = positions
    today = today or date.today()
    publisher = current_app.config.get("OC4IDS_PUBLISHER") or "Liandong"
    moment = (published or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return clean({
        "version": VERSION, "uri": uri, "publishedDate": moment.isoformat(), "publisher": {"name": publisher},
        "projects": [_project(project, facts, clock, publisher, today) for project in projects],
    })


def _party(parties: dict[str, dict[str, Any]], party_id: str, name: str, role: str, **more: Any) -> dict[str, str]:
    """Add `role` to the party `party_id` (creating it); its reference."""
    party = parties.setdefault(party_id, {"id": party_id, "name": name, "roles": [], **more})
    if role not in party["roles"]:
        party["roles"].append(role)
    return {"id": party_id, "name": party["name"]}


def _contractor_party(parties: dict[str, dict[str, Any]], contractor: Contractor,
                      role: str) -> Optional[dict[str, str]]:
    """A registered company, by its unified social credit code. A contractor without one (carried over
    from a project's free text, not yet completed) is not published: the name could be a person's."""
    if not contractor.uscc:
        return None
    return _party(parties, f"{USCC_SCHEME}-{contractor.uscc}", contractor.name, role,
                  identifier={"scheme": USCC_SCHEME, "id": contractor.uscc, "legalName": contractor.name})


def _project(project: Project, facts: _Facts, clock: _Clock, publisher: str, today: date) -> dict[str, Any]:
    prefix = current_app.config.get("OC4IDS_PREFIX", "")
    parties: dict[str, dict[str, Any]] = {}
    authority = _party(parties, "county", publisher, "publicAuthority")
    unit = (_party(parties, "county" if project.responsible_unit.strip() == publisher else "responsible-unit",
                   project.responsible_unit, "administrativeEntity")
            if project.responsible_unit.strip() else authority)
    milestones = facts.milestones.get(project.id, [])
    return {
        "id": prefix + project.code,
        "updated": utc(project.updated_at),
        "language": "zh",
        "title": project.name,
        "description": project.description,
        "status": STATUS[project.status],
        "sector": SECTORS.get(project.category, []),
        "additionalClassifications": [
            {"scheme": CATEGORY_SCHEME, "id": project.category, "description": CATEGORY_NAMES.get(project.category)},
            {"scheme": STATUS_SCHEME, "id": project.status, "description": STATUS_NAMES.get(project.status)}],
        "type": PROJECT_TYPES.get(project.nature or ""),
        "publicAuthority": authority,
        "period": clock.period(project.planned_start, project.planned_end),
        "identificationPeriod": _identification(project, facts, clock),
        "implementationPeriod": clock.period(project.actual_start, project.actual_end),
        "locations": [_location(project, facts)],
        "budget": _budget(project, facts, clock, parties),
        "milestones": [_milestone(milestone, clock, today) for milestone in milestones],
        "transactions": _transactions(project, facts, clock, parties),
        "contractingProcesses": [_contracting(contract, facts, clock, parties, unit)
                                 for contract in facts.contracts.get(project.id, [])],
        "documents": [_document(document, clock) for document in facts.documents.get(("project", project.id), [])],
        "completion": _completion(project, facts, clock),
        "metrics": _metrics(project, clock, today),
        "parties": _parties_with_contractor(project, facts, parties),
    }


def _parties_with_contractor(project: Project, facts: _Facts, parties: dict[str, dict[str, Any]]) -> list:
    """The parties, with the project's contractor when it is a registered one (a name typed on the project
    that is not in the register is not published: it could be a person)."""
    contractor = facts.contractor_by_name.get(project.contractor.strip())
    if contractor is not None:
        _contractor_party(parties, contractor, "supplier")
    return list(parties.values())


def _identification(project: Project, facts: _Facts, clock: _Clock) -> Optional[dict[str, Any]]:
    """The pre-approval notice's run (the identification stage's public step), ended once approved."""
    notices = [n for n in facts.notices.get(project.id, []) if n.kind == "pre_approval"]
    if not notices:
        return None
    return clock.period(notices[0].start_date, notices[-1].end_date if project.status != "proposed" else None)


def _location(project: Project, facts: _Facts) -> dict[str, Any]:
    area = facts.areas[project.area_id]
    township = facts.areas[area.parent_id] if area.parent_id else area
    village = area if area.parent_id else None
    location: dict[str, Any] = {
        "id": "1",
        "description": township.name_zh + (village.name_zh if village else ""),
        "address": {"region": township.name_zh, "locality": village.name_zh if village else township.name_zh,
                    "countryName": COUNTRY},
        "gazetteer": {"scheme": AREA_SCHEME, "identifiers": [area.code]},
    }
    # The project's position (WGS84, both or neither), in internal exports only.
    longitude, latitude = project.longitude, project.latitude
    if facts.positions and longitude is not None and latitude is not None:
        location["geometry"] = {"type": "Point", "coordinates": [float(longitude), float(latitude)]}
    return location


def _source_party(parties: dict[str, dict[str, Any]], source: FundSource, role: str) -> dict[str, str]:
    """A fund source as a party: the fund, administered by its managing department."""
    return _party(parties, f"source-{source.code}", source.name, role)


def _budget(project: Project, facts: _Facts, clock: _Clock, parties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    lines = []
    for allocation in facts.allocations.get(project.id, []):
        if allocation.amount_fen == 0:
            continue
        source = facts.sources[allocation.source_id]
        lines.append({
            "id": source.code, "description": source.name, "amount": amount(allocation.amount_fen),
            "sourceParty": _source_party(parties, source, "funder"),
            "period": clock.period(date(source.fiscal_year, 1, 1), date(source.fiscal_year, 12, 31)),
        })
    breakdowns = ([{"id": "sources", "description": "按资金来源（已下达的资金安排）", "budgetBreakdown": lines}]
                  if lines else [])
    return {"amount": amount(project.budget_fen), "budgetBreakdowns": breakdowns}


def _milestone(milestone: Milestone, clock: _Clock, today: date) -> dict[str, Any]:
    if milestone.actual_date is not None:
        status = "met"
    elif milestone.planned_date < today:
        status = "notMet"
    elif milestone.progress_pct > 0:
        status = "partiallyMet"
    else:
        status = "scheduled"
    return {"id": str(milestone.sequence), "title": milestone.name, "type": "delivery",
            "dueDate": clock.day(milestone.planned_date), "dateMet": clock.day(milestone.actual_date),
            "status": status, "value": amount(milestone.planned_cost_fen)}


def _transactions(project: Project, facts: _Facts, clock: _Clock, parties: dict[str, dict[str, Any]]) -> list:
    milestones = {m.id: m for m in facts.milestones.get(project.id, [])}
    wages = {p.id for p in facts.payments.get(project.id, [])
             if p.cost_category == "wages" or p.id in facts.payroll_payments}
    wages |= {p.id for p in facts.payments.get(project.id, []) if p.reversal_of_id in wages}
    rows = []
    for payment in facts.payments.get(project.id, []):
        source = facts.sources[payment.source_id]
        milestone = milestones.get(payment.milestone_id)
        contractor = facts.contractor_by_name.get(payment.payee.strip())
        if payment.id in wages:
            payee: Optional[dict[str, str]] = _party(parties, "workers", WORKERS_NAME, "payee")
        elif contractor is not None:
            payee = _contractor_party(parties, contractor, "payee")
        else:
            payee = None  # not a registered organisation: possibly a person, withheld
        rows.append({
            "id": transaction_id(source.code, payment.voucher_no),
            "date": clock.day(payment.paid_on),
            "value": amount(payment.amount_fen),
            "payer": _source_party(parties, source, "payer"),
            "payee": payee,
            "relatedImplementationMilestone": ({"id": str(milestone.sequence), "title": milestone.name}
                                               if milestone else None),
        })
    return rows


def _contracting(contract: Contract, facts: _Facts, clock: _Clock, parties: dict[str, dict[str, Any]],
                 unit: dict[str, str]) -> dict[str, Any]:
    contractor = facts.contractors[contract.contractor_id]
    closed = contract.paid_fen >= contract.value_fen
    modifications = [{
        "id": str(variation.sequence), "date": clock.day(variation.varied_on), "description": variation.reason,
        "oldContractValue": amount(variation.value_before_fen), "newContractValue": amount(variation.value_after_fen),
    } for variation in facts.variations.get(contract.id, [])]
    return {
        "id": contract.contract_no,
        "summary": {
            "externalReference": contract.contract_no,
            "nature": NATURES.get(contract.subject, []),
            "title": f"{contract.contract_no} {SUBJECT_NAMES.get(contract.subject, '')}合同",
            "status": "closed" if closed else "active",
            "tender": {"procurementMethod": METHODS.get(contract.method),
                       "procurementMethodDetails": METHOD_NAMES.get(contract.method), "procuringEntity": unit},
            "suppliers": [supplier] if (supplier := _contractor_party(parties, contractor, "supplier")) else [],
            "contractValue": amount(contract.value_fen),
            "contractPeriod": clock.period(contract.starts_on or contract.signed_on, contract.ends_on),
            "finalValue": amount(contract.paid_fen) if closed else None,
            "modifications": modifications,
            "documents": [_document(document, clock)
                          for document in facts.documents.get(("contract", contract.id), [])],
        },
    }


def _document(document: Document, clock: _Clock) -> dict[str, Any]:
    kind = TYPES.get(document.document_type)
    return {"id": f"doc-{document.sha256[:16]}", "documentType": kind.oc4ids if kind else None,
            "title": document.title, "datePublished": clock.day(document.document_date),
            "format": document.media_type, "accessDetails": "原件存县项目档案，可依申请查阅"}


def _completion(project: Project, facts: _Facts, clock: _Clock) -> Optional[dict[str, Any]]:
    if project.status not in ("completed", "accepted"):
        return None
    reasons: dict[str, list[str]] = defaultdict(list)
    for change in facts.changes.get(project.id, []):
        field = change.field
        key = ("value" if field == "budget_fen" else "date" if field in ("planned_end", "planned_start")
               else "scope" if field.startswith("scale") else None)
        if key is not None and change.reason not in reasons[key]:
            reasons[key].append(change.reason)
    scale = (f"{project.scale_quantity.normalize():f} {project.scale_unit or ''}".strip()
             if project.scale_quantity is not None else "")
    return {"endDate": clock.day(project.actual_end), "endDateDetails": "；".join(reasons["date"]),
            "finalValue": amount(project.spent_fen), "finalValueDetails": "；".join(reasons["value"]),
            "finalScope": project.description.strip() + (f"（规模：{scale}）" if scale else ""),
            "finalScopeDetails": "；".join(reasons["scope"])}


def _metrics(project: Project, clock: _Clock, today: date) -> list[dict[str, Any]]:
    """Physical progress (cost-weighted milestones, %) and financial progress (paid against the budget)."""
    percent = {"name": "percent", "scheme": "UNCEFACT", "id": "P1"}
    day = clock.period(today, today)
    metrics = []
    if project.progress_bp is not None:
        metrics.append({"id": "physicalProgress", "title": "形象进度",
                        "observations": [{"id": "1", "measure": project.progress_bp / 100, "unit": percent,
                                          "period": day}]})
    if project.budget_fen > 0:
        metrics.append({"id": "financialProgress", "title": "资金支付进度",
                        "observations": [{"id": "1", "measure": round(project.spent_fen * 100 / project.budget_fen, 2),
                                          "unit": percent, "value": amount(project.spent_fen), "period": day}]})
    return metrics
