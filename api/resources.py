"""The API's routes under /api/v1/ (flask-smorest: the OpenAPI document is written from them).

Each route declares its roles with `role_required` exactly as the matching web page does (outside the
argument parsing, so a wrong role is refused before its input is read); routes of
one project load it through `projects.scope.project_in_scope`, so an account limited to a township
reaches only that township's projects (403, audited, elsewhere), and county-wide routes (sources,
checks, payments) refuse such an account as the web does. Reads answer with an ETag and 304 to a
matching If-None-Match (api.etags); writes are idempotent (api.idempotency).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from flask import Response, request, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import case, select

from api import idempotency
from api.etags import conditional
from api.problems import from_http_exception
from api.schemas import (
    AllocationSchema,
    CheckPageSchema,
    CheckQuery,
    ContractSchema,
    DocumentSchema,
    MilestoneSchema,
    PageQuery,
    PaymentInputSchema,
    PaymentPageSchema,
    PaymentRequestSchema,
    ProgressInput,
    ProgressSchema,
    ProjectPageSchema,
    ProjectQuery,
    ProjectSchema,
    SourcePageSchema,
    SourceSchema,
)
from auth.sessions import signed_in_user
from contracts.models import Contract, Contractor
from core.access import MONEY_WRITERS, PLANNERS, READERS, role_required
from core.money import fen_to_decimal_yuan
from documents.models import Document
from extensions import db
from funds.models import Allocation, FundSource, Payment
from funds.requests.services import PaymentInput, prepare_request
from funds.rules import standing
from projects import services as project_services
from projects.models import Milestone, ProgressUpdate, Project
from projects.money import project_money
from projects.queries import ProjectFilter, count_rows, project_list_query
from projects.scope import milestone_in_scope, project_in_scope, scope_condition

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Liandong's data for other systems")
blp.after_request(conditional)


def _problem(error):
    """Every error of the API as problem JSON (api.problems). Registered for each status code too:
    Flask prefers the app's handler of a code (core.web's HTML pages) to a blueprint's of a class."""
    from werkzeug.exceptions import HTTPException, InternalServerError

    if isinstance(error, HTTPException):
        return from_http_exception(error)
    from flask import current_app
    current_app.logger.exception("API error")
    return from_http_exception(InternalServerError())


blp.register_error_handler(Exception, _problem)
for _code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500):
    blp.register_error_handler(_code, _problem)


def money(fen: Optional[int]) -> dict[str, Any]:
    """Money as integer fen and a yuan string."""
    value = int(fen or 0)
    return {"fen": value, "yuan": f"{fen_to_decimal_yuan(value):.2f}"}


def _next(page: int, per_page: int, total: int) -> Optional[str]:
    if page * per_page >= total:
        return None
    args = {**request.args.to_dict(), "page": page + 1, "per_page": per_page}
    return url_for(request.endpoint or "", **(request.view_args or {}), **args, _external=False)


def _paged(items: list, page: int, per_page: int, total: int) -> dict[str, Any]:
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "next": _next(page, per_page, total)}


def _project(project: Project, area, township, late: bool) -> dict[str, Any]:
    return {"id": project.id, "code": project.code, "name": project.name, "category": project.category,
            "status": project.status, "area_code": area.code, "area_name": area.name_zh,
            "township_name": township.name_zh if township is not None else None,
            "responsible_unit": project.responsible_unit, "budget": money(project.budget_fen),
            "allocated": money(project.allocated_fen), "spent": money(project.spent_fen),
            "progress_pct": None if project.progress_bp is None else project.progress_bp / 100,
            "planned_start": project.planned_start, "planned_end": project.planned_end,
            "actual_start": project.actual_start, "actual_end": project.actual_end, "late": bool(late)}


@blp.route("/projects")
@role_required(*READERS, scoped=True)
@blp.arguments(ProjectQuery, location="query", as_kwargs=True)
@blp.response(200, ProjectPageSchema)
def projects(page: int, per_page: int, **query):
    """Projects, filtered as the project list is (a township's account sees its township's)."""
    filters = ProjectFilter(text=(query.get("q") or "").strip(), category=query.get("category", ""),
                            status=query.get("status", ""), area_id=query.get("area"), year=query.get("year"),
                            source_id=query.get("source"), attention=query.get("attention", ""),
                            sort=query.get("sort", "code"), descending=query.get("dir") == "desc")
    funded_by = project_money().projects_funded_by(filters.source_id) if filters.source_id else None
    listed = project_list_query(filters, date.today(), funded_by, scope_condition(current_user))
    total = count_rows(listed)
    rows = db.session.execute(listed.offset((page - 1) * per_page).limit(per_page)).all()
    return _paged([_project(*row) for row in rows], page, per_page, total)


@blp.route("/projects/<int:project_id>")
@role_required(*READERS, scoped=True)
@blp.response(200, ProjectSchema)
def project(project_id: int):
    """One project."""
    found = project_in_scope(project_id)
    row = db.session.execute(project_list_query(ProjectFilter(), date.today()).where(Project.id == found.id)).one()
    return _project(*row)


@blp.route("/projects/<int:project_id>/milestones")
@role_required(*READERS, scoped=True)
@blp.response(200, MilestoneSchema(many=True))
def milestones(project_id: int):
    """A project's milestones in order."""
    found = project_in_scope(project_id)
    rows = db.session.scalars(select(Milestone).where(Milestone.project_id == found.id)
                              .order_by(Milestone.sequence, Milestone.id))
    return [{"id": m.id, "sequence": m.sequence, "name": m.name, "planned_date": m.planned_date,
             "planned_cost": money(m.planned_cost_fen), "progress_pct": m.progress_pct,
             "actual_date": m.actual_date} for m in rows]


@blp.route("/projects/<int:project_id>/progress")
@role_required(*READERS, scoped=True)
@blp.response(200, ProgressSchema(many=True))
def progress(project_id: int):
    """Every progress report of a project's milestones, oldest first."""
    found = project_in_scope(project_id)
    rows = db.session.scalars(select(ProgressUpdate).join(Milestone, ProgressUpdate.milestone_id == Milestone.id)
                              .where(Milestone.project_id == found.id)
                              .order_by(ProgressUpdate.reported_on, ProgressUpdate.id))
    return [{"id": r.id, "milestone_id": r.milestone_id, "reported_on": r.reported_on,
             "progress_pct": r.progress_pct, "note": r.note} for r in rows]


def _allocation(allocation: Allocation) -> dict[str, Any]:
    return {"id": allocation.id, "source_id": allocation.source_id, "source_code": allocation.source.code,
            "project_id": allocation.project_id, "project_code": allocation.project.code,
            "amount": money(allocation.amount_fen), "spent": money(allocation.spent_fen)}


@blp.route("/projects/<int:project_id>/allocations")
@role_required(*READERS, scoped=True)
@blp.response(200, AllocationSchema(many=True))
def project_allocations(project_id: int):
    """The money each source allocated to a project."""
    found = project_in_scope(project_id)
    rows = db.session.scalars(select(Allocation).where(Allocation.project_id == found.id).order_by(Allocation.id))
    return [_allocation(a) for a in rows]


def _payments_page(condition, page: int, per_page: int) -> dict[str, Any]:
    """A page of payments. The payee is the registered company of the payment's contract (one with a
    credit code), never the payment's free-text payee: that may be a person's name."""
    company = case((Contractor.uscc.is_not(None) & (Contractor.uscc != ""), Contractor.name), else_=None)
    listed = (select(Payment, company).outerjoin(Contract, Contract.id == Payment.contract_id)
              .outerjoin(Contractor, Contractor.id == Contract.contractor_id)
              .where(condition).order_by(Payment.paid_on, Payment.id))
    total = count_rows(listed)
    rows = db.session.execute(listed.offset((page - 1) * per_page).limit(per_page)).all()
    items = [{"id": p.id, "source_id": p.source_id, "project_id": p.project_id, "milestone_id": p.milestone_id,
              "voucher_no": p.voucher_no, "payee": payee,
              "paid_on": p.paid_on, "amount": money(p.amount_fen), "cost_category": p.cost_category,
              "contract_id": p.contract_id, "reversal_of_id": p.reversal_of_id} for p, payee in rows]
    return _paged(items, page, per_page, total)


@blp.route("/projects/<int:project_id>/payments")
@role_required(*READERS, scoped=True)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, PaymentPageSchema)
def project_payments(project_id: int, page: int, per_page: int):
    """A project's payments and reversals, by date."""
    found = project_in_scope(project_id)
    return _payments_page(Payment.project_id == found.id, page, per_page)


@blp.route("/projects/<int:project_id>/contracts")
@role_required(*READERS, scoped=True)
@blp.response(200, ContractSchema(many=True))
def project_contracts(project_id: int):
    """A project's contracts with their contractor (a company, by its credit code)."""
    found = project_in_scope(project_id)
    rows = db.session.execute(select(Contract, Contractor).join(Contractor, Contract.contractor_id == Contractor.id)
                              .where(Contract.project_id == found.id).order_by(Contract.signed_on, Contract.id))
    return [{"id": c.id, "contract_no": c.contract_no, "contractor": k.name, "uscc": k.uscc, "method": c.method,
             "signed_on": c.signed_on, "value": money(c.value_fen), "paid": money(c.paid_fen)} for c, k in rows]


@blp.route("/projects/<int:project_id>/documents")
@role_required(*READERS, scoped=True)
@blp.response(200, DocumentSchema(many=True))
def project_documents(project_id: int):
    """What is known of the documents attached to a project itself (never their content)."""
    found = project_in_scope(project_id)
    rows = db.session.scalars(select(Document).where(Document.owner_kind == "project", Document.owner_id == found.id)
                              .order_by(Document.id))
    return [{"id": d.id, "owner_kind": d.owner_kind, "owner_id": d.owner_id, "document_type": d.document_type,
             "title": d.title, "document_date": d.document_date, "media_type": d.media_type,
             "size_bytes": d.size_bytes, "sha256": d.sha256, "withdrawn": d.withdrawn_at is not None} for d in rows]


def _source(source: FundSource) -> dict[str, Any]:
    return {"id": source.id, "code": source.code, "name": source.name, "channel": source.channel,
            "level": source.level, "fiscal_year": source.fiscal_year, "received": money(source.received_fen),
            "allocated": money(source.allocated_fen), "spent": money(source.spent_fen)}


@blp.route("/sources")
@role_required(*READERS)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, SourcePageSchema)
def sources(page: int, per_page: int):
    """Fund sources with money received, allocated and spent."""
    listed = select(FundSource).order_by(FundSource.code, FundSource.id)
    total = count_rows(listed)
    rows = db.session.scalars(listed.offset((page - 1) * per_page).limit(per_page))
    return _paged([_source(s) for s in rows], page, per_page, total)


@blp.route("/sources/<int:source_id>")
@role_required(*READERS)
@blp.response(200, SourceSchema)
def source(source_id: int):
    """One fund source."""
    return _source(db.get_or_404(FundSource, source_id))


@blp.route("/sources/<int:source_id>/payments")
@role_required(*READERS)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, PaymentPageSchema)
def source_payments(source_id: int, page: int, per_page: int):
    """A source's payments and reversals, by date."""
    found = db.get_or_404(FundSource, source_id)
    return _payments_page(Payment.source_id == found.id, page, per_page)


@blp.route("/checks")
@role_required(*READERS)
@blp.arguments(CheckQuery, location="query", as_kwargs=True)
@blp.response(200, CheckPageSchema)
def checks(page: int, per_page: int, source: Optional[int] = None):
    """Fund-rule breaches as the checks page lists them today."""
    today = date.today()
    total = standing.checks_summary(today, source, None).total
    shown = standing.checks_list(today, source, None, (page - 1) * per_page, per_page)
    items = [{"kind": b.kind, "rule_id": b.rule_id, "source_code": b.source_code, "project_code": b.project_code,
              "message": str(b.message)} for b in shown]
    return _paged(items, page, per_page, total)


@blp.route("/milestones/<int:milestone_id>/progress", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
@blp.arguments(idempotency.KeyHeader, location="headers", as_kwargs=True)
@blp.arguments(ProgressInput)
@blp.response(201, ProgressSchema)
def report_progress(data: dict, milestone_id: int, **_headers) -> Response:
    """Report a milestone's % complete, as the project page does (same rules, same audit)."""
    milestone = milestone_in_scope(milestone_id)
    actor = signed_in_user()

    def work() -> tuple[int, Any]:
        row = project_services.record_progress(milestone, progress_pct=data["progress_pct"],
                                               reported_on=data["reported_on"], note=data["note"], actor=actor)
        return 201, ProgressSchema().dump({"id": row.id, "milestone_id": row.milestone_id,
                                           "reported_on": row.reported_on, "progress_pct": row.progress_pct,
                                           "note": row.note})

    return idempotency.run(actor, work)


@blp.route("/payments", methods=["POST"])
@role_required(*MONEY_WRITERS)
@blp.arguments(idempotency.KeyHeader, location="headers", as_kwargs=True)
@blp.arguments(PaymentInputSchema)
@blp.response(201, PaymentRequestSchema)
def create_payment(data: dict, **_headers) -> Response:
    """A payment request, waiting for approval where a fund rule asks for it; else the payment, posted at
    once (funds.requests.services.prepare_request, as the payment form)."""
    from core.errors import Refused

    actor = signed_in_user()
    source_row = db.session.get(FundSource, data["source_id"])
    project_row = db.session.get(Project, data["project_id"])
    milestone_row = db.session.get(Milestone, data["milestone_id"])
    for field, found in (("source_id", source_row), ("project_id", project_row), ("milestone_id", milestone_row)):
        if found is None:
            raise_refused = Refused(field, "unknown id")
            return idempotency.refused(raise_refused)
    assert source_row is not None and project_row is not None and milestone_row is not None

    def work() -> tuple[int, Any]:
        made = prepare_request(PaymentInput(source_row, project_row, milestone_row, data["voucher_no"], data["payee"],
                                            data["paid_on"], data["amount_fen"], data["cost_category"],
                                            data["contract_id"]), actor=actor)
        return 201, PaymentRequestSchema().dump({"id": made.id, "state": made.state, "payment_id": made.payment_id,
                                                 "amount": money(made.amount_fen)})

    return idempotency.run(actor, work)
