"""Public pages at /public/ (no sign-in): the disclosed projects by township, and a project's page.

A project is disclosed once one of its notices has started; a page shows what its newest started notice
disclosed (the frozen snapshot), its progress and milestones, money allocated and spent by source, and
the notice history — never a payee, voucher, account, user or internal id. Rate-limited per address
(disclosure.limiter); cacheable for five minutes.
"""
from __future__ import annotations

from datetime import date
from typing import Optional

from flask import abort, current_app, render_template, request
from sqlalchemy import exists, func, or_, select

from core.access import public
from disclosure.blueprint import public_bp
from disclosure.limiter import RateLimiter
from disclosure.models import NOTICE_KINDS, PLACES, Notice
from extensions import db
from projects.models import CATEGORIES, NATURES, STATUSES, Area, Project
from projects.money import project_money

CACHE_SECONDS = 300


def _limiter() -> RateLimiter:
    limiter = current_app.extensions.get("public_limiter")
    if limiter is None:
        limiter = current_app.extensions["public_limiter"] = RateLimiter(
            int(current_app.config.get("PUBLIC_RATE_PER_MINUTE", 60)))
    return limiter


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


def _disclosed(today: date):
    return exists().where(Notice.project_id == Project.id, Notice.start_date <= today)


@public_bp.route("/")
@public
def index():
    """Disclosed projects by town or township, searchable by name or code."""
    text = (request.args.get("q") or "").strip()[:100]
    township = func.coalesce(Area.parent_id, Area.id)
    query = (select(Project, Area).join(Area, Project.area_id == Area.id).where(_disclosed(date.today()))
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
