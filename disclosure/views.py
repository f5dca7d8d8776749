"""Notice pages at /notices (signed in): post a notice for a project, read it, record objections and
their handling. Scoped accounts reach only their township's projects (projects.scope)."""
from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Optional

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import PLANNERS, READERS, role_required
from core.paging import Page
from core.saving import save
from disclosure import due, services
from disclosure.blueprint import bp
from disclosure.forms import NoticeForm, ObjectionForm, ResolutionForm
from disclosure.models import NOTICE_KINDS, PLACES, Notice, Objection
from disclosure.printing import notice_pdf
from documents.panel import document_panel
from extensions import db
from projects.scope import project_in_scope, scope_condition


def project_notices(project_id: int) -> list[Notice]:
    """A project's notices, newest first (for the panel on the project's page)."""
    return list(db.session.scalars(select(Notice).where(Notice.project_id == project_id)
                                   .order_by(Notice.start_date.desc(), Notice.id.desc())))


@bp.route("/due")
@role_required(*READERS, scoped=True)
def due_notices():
    """The fund-use notices rules have made due and no notice has met yet, latest due first to act on,
    a page at a time (tens of thousands at ten times county scale)."""
    check = due_check(scope_condition(current_user))
    page = Page.from_request(request.args, check["total"], current_app.config["PAGE_SIZE"])
    check["due"] = check["due"][page.offset:page.offset + page.size]
    return render_template("disclosure/due.html", check=check, page=page)


def due_check(scope=None, limit: Optional[int] = None) -> dict:
    """What the due-notices list shows (here and as the check `notice_due` on the fund-rule checks,
    which lists the first `limit` and links here for the rest)."""
    pct, days = due.settings()
    found = due.county_due(date.today()) if scope is None else due.gather(scope=scope)
    return {"kind": "notice_due", "due": found[:limit] if limit else found, "total": len(found), "pct": pct,
            "days": days, "more": bool(limit) and len(found) > (limit or 0)}


def _notice_in_scope(notice_id: int) -> Notice:
    notice = db.get_or_404(Notice, notice_id)
    project_in_scope(notice.project_id)
    return notice


@bp.route("/projects/<int:project_id>/new", methods=["GET", "POST"])
@role_required(*PLANNERS, scoped=True)
def create(project_id: int):
    """Record a notice posted for a project."""
    project = project_in_scope(project_id)
    form = NoticeForm()
    if form.validate_on_submit() and (saved := save(lambda: services.post_notice(
            project, kind=form.kind.data, place=form.place.data, start_date=form.start_date.data,
            end_date=form.end_date.data, actor=current_user), form)).ok:
        if not saved.repeated:
            flash(_("Notice recorded."), "success")
        return redirect(url_for("projects.detail", project_id=project.id, _anchor="notices"))
    return render_template("disclosure/notice_form.html", form=form, project=project,
                           minimum=services.min_days())


@bp.route("/<int:notice_id>")
@role_required(*READERS, scoped=True)
def detail(notice_id: int):
    """A notice: what it disclosed, its period, its objections and their handling."""
    notice = _notice_in_scope(notice_id)
    return render_template("disclosure/notice.html", notice=notice, kinds=NOTICE_KINDS, places=PLACES,
                           can_edit=current_user.role in PLANNERS, objection_form=ObjectionForm(formdata=None),
                           resolution_form=ResolutionForm(formdata=None),
                           panel=document_panel([("notice", notice.id, str(NOTICE_KINDS[notice.kind]))], current_user))


@bp.route("/<int:notice_id>/notice.pdf")
@role_required(*READERS, scoped=True)
def print_notice(notice_id: int):
    """The notice as printed for its board (A4 PDF, in Chinese, with a QR code to the public page)."""
    notice = _notice_in_scope(notice_id)
    name = f"notice-{notice.snapshot.get('code', notice.project_id)}-{notice.start_date.isoformat()}.pdf"
    return send_file(BytesIO(notice_pdf(notice)), mimetype="application/pdf", as_attachment=True,
                     download_name=name)


@bp.route("/<int:notice_id>/objections", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def add_objection(notice_id: int):
    """Record an objection received about the notice."""
    notice = _notice_in_scope(notice_id)
    form = ObjectionForm()
    if form.validate_on_submit() and save(lambda: services.receive_objection(
            notice, received_on=form.received_on.data, summary=form.summary.data or "", actor=current_user),
            form, on_form=False).ok:
        flash(_("Objection recorded."), "success")
    return redirect(url_for("notices.detail", notice_id=notice.id))


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@role_required(*PLANNERS, scoped=True)
def resolve_objection(objection_id: int):
    """Record how an objection was handled and its result."""
    objection = db.get_or_404(Objection, objection_id)
    _notice_in_scope(objection.notice_id)
    form = ResolutionForm()
    if form.validate_on_submit() and save(lambda: services.resolve_objection(
            objection, handling=form.handling.data or "", result=form.result.data or "",
            resolved_on=form.resolved_on.data, actor=current_user), form, on_form=False).ok:
        flash(_("Objection resolved."), "success")
    return redirect(url_for("notices.detail", notice_id=objection.notice_id))
