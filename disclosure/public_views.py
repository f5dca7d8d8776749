"""Public pages at /public/ (no sign-in): the disclosed projects by township, and a project's page.

A project is disclosed once one of its notices has started; a page shows what its newest started notice
disclosed (the frozen snapshot), its progress and milestones, money allocated and spent by source, and
the notice history — never a payee, voucher, account, user or internal id; the same projects as open
data (OC4IDS JSON and its workbook). Rate-limited per address (core.limits); cacheable for five
minutes.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from flask import Response, abort, current_app, render_template, request, url_for
from sqlalchemy import func, or_, select

from audit.models import AuditEvent
from core.access import public
from core.exports import MIMETYPES
from core.limits import RateLimiter, app_limiter
from disclosure.blueprint import public_bp
from disclosure.models import NOTICE_KINDS, PLACES, Notice
from disclosure.oc4ids import as_json, as_xlsx, build
from disclosure.services import disclosed
from extensions import db
from projects.models import CATEGORIES, NATURES, STATUSES, Area, Project
from projects.money import project_money

CACHE_SECONDS = 300


def _limiter() -> RateLimiter:
    """Per client address (core.web corrects it behind trusted proxies, LIANDONG_PROXY_HOPS)."""
    return app_limiter("public_limiter", "PUBLIC_RATE_PER_MINUTE", 60)


@public_bp.before_request
def limit_rate():
    """Refuse (429) an address that asked too often this minute."""
    allowed, retry_after = _limiter().allow(request.remote_addr or "-")
    if not allowed:
        abort(429, retry_after=retry_after)


@public_bp.after_request
def cache_headers(response):
    """Public pages may be cached by browsers and proxies for a while (signed-in pages never: core.web)."""
    if response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@public_bp.route("/")
@public
def index():
    """Disclosed projects by town or township, searchable by name or code."""
    text = (request.args.get("q") or "").strip()[:100]
    township = func.coalesce(Area.parent_id, Area.id)
    query = (select(Project, Area).join(Area, Project.area_id == Area.id).where(disclosed(date.today()))
             .order_by(township, Project.code).limit(1000))
    if text:
        query = query.where(or_(Project.name.contains(text, autoescape=True),
                                Project.code.contains(text, autoescape=True)))
    towns = {area.id: area for area in db.session.scalars(select(Area).where(Area.parent_id.is_(None)))}
    groups: dict[int, list] = {}
    for project, area in db.session.execute(query):
        groups.setdefault(area.parent_id or area.id, []).append((project, area))
    return render_template("disclosure/public_index.html", groups=groups, towns=towns, text=text,
                           statuses=STATUSES)


def _disclosed_project(code: str) -> tuple[Project, list[Notice]]:
    project = db.session.scalar(select(Project).where(Project.code == code))
    if project is None:
        abort(404)
    notices = list(db.session.scalars(
        select(Notice).where(Notice.project_id == project.id, Notice.start_date <= date.today())
        .order_by(Notice.start_date.desc(), Notice.id.desc())))
    if not notices:
        abort(404)  # never disclosed: as if it did not exist
    return project, notices


@public_bp.route("/projects/<code>")
@public
def project(code: str):
    """A disclosed project: the disclosure, progress, milestones, money by source, the notices."""
    found, notices = _disclosed_project(code[:32])
    funding = project_money().funding_by_source(found.id)
    return render_template("disclosure/public_project.html", project=found, disclosed=notices[0].snapshot,
                           notices=notices, funding=funding, kinds=NOTICE_KINDS, places=PLACES,
                           categories=CATEGORIES, natures=NATURES, statuses=STATUSES,
                           today=date.today(), pct=_pct(found.progress_bp))


def _pct(basis_points: Optional[int]) -> Optional[str]:
    return None if basis_points is None else f"{basis_points // 100}%"


@public_bp.route("/oc4ids.json")
@public
def oc4ids_json():
    """The disclosed projects as open data: an OC4IDS project package (disclosure.oc4ids)."""
    return Response(_open_data("json"), mimetype="application/json")


@public_bp.route("/oc4ids.xlsx")
@public
def oc4ids_xlsx():
    """The same package flattened into a workbook: projects and one sheet per list, linked by ids."""
    return Response(_open_data("xlsx"), mimetype=MIMETYPES["xlsx"],
                    headers={"Content-Disposition": f"attachment; filename=oc4ids-{date.today():%Y%m%d}.xlsx"})


def _open_data(fmt: str) -> bytes:
    """The package as `fmt`, kept per server process while the data stays as it is: every change is an
    audit event, so the day and the newest event that changed something name the data's version. What
    changes nothing does not count: exports, refusals, signing in and out, the API's token uses (else
    anyone could make the server build it again, about a second each, with a refused request)."""
    last_event = db.session.scalar(select(func.max(AuditEvent.id)).where(
        AuditEvent.action.not_like("%.export"), AuditEvent.outcome == "ok",
        AuditEvent.action.not_in(("login", "logout")), AuditEvent.object_type.is_distinct_from("api_token")))
    version = (date.today(), last_event)
    kept = current_app.extensions.get("oc4ids_public")
    if kept is None or kept["version"] != version:
        kept = current_app.extensions["oc4ids_public"] = {"version": version, "package": build(uri=_package_uri())}
    if not kept["package"].get("projects"):
        abort(404)  # nothing disclosed yet: a package needs at least one project
    if fmt not in kept:
        kept[fmt] = as_json(kept["package"]) if fmt == "json" else as_xlsx(kept["package"])
    return kept[fmt]


def _package_uri() -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    path = url_for("public.oc4ids_json")
    return base + path if base else url_for("public.oc4ids_json", _external=True)
