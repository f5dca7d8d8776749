"""Work-for-relief pages at /payroll: the county's workers and wages per project and source, a
project's roster and payrolls (import both), a payroll (post it; the bank file, the ledger), and
showing a worker's full numbers to finance (recorded)."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from audit.services import record
from core.access import MONEY_WRITERS, PAYROLL_WRITERS, PERSONAL_DATA_READERS, READERS, role_required
from core.exports import spreadsheet_download
from core.forms import required
from core.saving import save
from extensions import db
from funds.models import Allocation, FundSource
from funds.requests.models import PaymentRequest
from payroll import exports, payrolls, queries
from payroll.blueprint import bp
from payroll.forms import PayrollSheetForm, PostForm, RevealForm, RosterForm
from payroll.importing import import_payroll_file, import_roster_file
from payroll.models import HOUSEHOLDS, PAYROLL_STATUSES, Payroll, Worker
from payroll.services import ImportRefused, reveal, roster
from projects.models import Milestone, Project


@bp.route("/")
@role_required(*READERS)
def index():
    """Workers and wages per person, per project and per source."""
    return render_template("payroll/index.html", projects=queries.by_project(), sources=queries.by_source())


def _payroll_form(project: Project) -> PayrollSheetForm:
    form = PayrollSheetForm(prefix="payroll")
    sources = db.session.scalars(select(FundSource).join(Allocation, Allocation.source_id == FundSource.id)
                                 .where(Allocation.project_id == project.id).order_by(FundSource.code))
    form.source_id.choices = [(s.id, f"{s.code} {s.name}") for s in sources if payrolls.is_work_for_relief(s)]
    form.milestone_id.choices = [(m.id, f"{m.sequence}. {m.name}") for m in project.milestones]
    return form


def _project_page(project: Project, roster_form=None, payroll_form=None, problems=()):
    return render_template("payroll/project.html", project=project, workers=roster(project.id),
                           statuses=PAYROLL_STATUSES,
                           payrolls=payrolls.payrolls_of(project.id), households=HOUSEHOLDS,
                           roster_form=roster_form or RosterForm(prefix="roster"),
                           payroll_form=payroll_form or _payroll_form(project), problems=problems,
                           can_write=current_user.role in PAYROLL_WRITERS)


@bp.route("/projects/<int:project_id>")
@role_required(*READERS)
def project(project_id: int):
    """A project's roster (numbers masked) and payrolls."""
    return _project_page(db.get_or_404(Project, project_id))


@bp.route("/projects/<int:project_id>/roster", methods=["POST"])
@role_required(*PAYROLL_WRITERS)
def import_roster(project_id: int):
    """Put a roster sheet's workers on the roster, all or none."""
    project = db.get_or_404(Project, project_id)
    form = RosterForm(prefix="roster")
    if form.validate_on_submit():
        data, name = form.file.data.read(), form.file.data.filename or ""
        saved = save(lambda: _keep_problems(lambda: import_roster_file(project, data, name, actor=current_user)),
                     form, on_form=False)
        if saved.ok and not isinstance(saved.value, ImportProblems):
            flash(_("%(n)d workers put on the roster.", n=len(saved.value or [])), "success")
            return redirect(url_for("payroll.project", project_id=project.id))
        if saved.ok:
            db.session.rollback()
            return _project_page(project, roster_form=form, problems=saved.value.problems), 400
    return _project_page(project, roster_form=form), 400


class ImportProblems:
    """An import's problems carried out of save() (which would flash them as one line)."""

    def __init__(self, problems):
        self.problems = problems


def _keep_problems(work):
    try:
        return work()
    except ImportRefused as refused:
        db.session.rollback()
        return ImportProblems(refused.problems)


@bp.route("/projects/<int:project_id>/payrolls", methods=["POST"])
@role_required(*PAYROLL_WRITERS)
def import_payroll(project_id: int):
    """Enter a month's payroll from its sheet (a draft: finance posts it)."""
    project = db.get_or_404(Project, project_id)
    form = _payroll_form(project)
    if form.validate_on_submit():
        source = db.get_or_404(FundSource, form.source_id.data)
        milestone = db.get_or_404(Milestone, form.milestone_id.data)
        data, name, month = form.file.data.read(), form.file.data.filename or "", form.month.data or 0
        saved = save(lambda: _keep_problems(lambda: import_payroll_file(
            project, source, milestone, month, data, name, actor=current_user)), form,
            fields={"source": "source_id", "milestone": "milestone_id"})
        if saved.ok and isinstance(saved.value, ImportProblems):
            return _project_page(project, payroll_form=form, problems=saved.value.problems), 400
        if saved.ok and saved.value is not None:
            flash(_("Payroll of %(n)d workers entered; finance posts it.", n=saved.value.payroll.line_count), "success")
            return redirect(url_for("payroll.payroll", payroll_id=saved.value.payroll.id))
        if saved.ok:
            return redirect(url_for("payroll.project", project_id=project.id))
    return _project_page(project, payroll_form=form), 400


@bp.route("/payrolls/<int:payroll_id>")
@role_required(*READERS)
def payroll(payroll_id: int):
    """A payroll's lines (numbers masked), its payment, posting and exports."""
    item = db.get_or_404(Payroll, payroll_id)
    return _payroll_page(item, PostForm(data={"paid_on": date.today()}))


def _payroll_page(item: Payroll, form: PostForm):
    return render_template("payroll/payroll.html", payroll=item, project=db.session.get_one(Project, item.project_id),
                           statuses=PAYROLL_STATUSES,
                           source=db.session.get_one(FundSource, item.source_id), households=HOUSEHOLDS, form=form,
                           can_post=current_user.role in MONEY_WRITERS,
                           can_export_bank=current_user.role in PERSONAL_DATA_READERS)


@bp.route("/payrolls/<int:payroll_id>/post", methods=["POST"])
@role_required(*MONEY_WRITERS)
def post(payroll_id: int):
    """Pay the payroll with one wages payment of its total (or submit it for approval as one payment request)."""
    item = db.get_or_404(Payroll, payroll_id)
    form = PostForm()
    if form.validate_on_submit() and (saved := save(lambda: payrolls.post_payroll(
            item, paid_on=required(form.paid_on.data), voucher_no=form.voucher_no.data or "",
            actor=current_user), form)).ok:
        if saved.repeated:
            pass
        elif isinstance(saved.value, PaymentRequest):
            flash(_("Payroll submitted for approval: payment request %(id)d (%(voucher)s).", id=saved.value.id,
                    voucher=saved.value.voucher_no), "success")
        else:
            flash(_("Payroll posted: payment %(voucher)s.", voucher=saved.value.voucher_no), "success")
        return redirect(url_for("payroll.payroll", payroll_id=item.id))
    return _payroll_page(item, form), 400


@bp.route("/payrolls/<int:payroll_id>/bank.xlsx")
@role_required(*PERSONAL_DATA_READERS)
def bank_file(payroll_id: int):
    """The bank's batch file (full card numbers: finance only, recorded)."""
    item = db.get_or_404(Payroll, payroll_id)
    sheet = exports.bank_file(item)
    save(lambda: record("payroll.bank_file", user=current_user, object_type="payroll", object_id=item.id,
                        after={"workers": item.line_count, "total_fen": item.total_fen}), on_form=False)
    return spreadsheet_download([sheet], "xlsx", f"bank-{item.period}", date.today())


@bp.route("/payrolls/<int:payroll_id>/ledger.<fmt>")
@role_required(*READERS)
def ledger(payroll_id: int, fmt: str):
    """The ledger the township signs, as .xlsx or PDF (numbers masked)."""
    item = db.get_or_404(Payroll, payroll_id)
    if fmt not in ("xlsx", "pdf"):
        return redirect(url_for("payroll.payroll", payroll_id=item.id))
    save(lambda: record("payroll.export", user=current_user, object_type="payroll", object_id=item.id,
                        after={"format": fmt}), on_form=False)
    if fmt == "xlsx":
        return spreadsheet_download([exports.ledger_sheet(item)], "xlsx", f"payroll-{item.period}", date.today())
    lang = "zh" if str(get_locale() or "").startswith("zh") else "en"
    return send_file(BytesIO(exports.ledger_pdf(item, lang)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"payroll-{item.period}.pdf")


@bp.route("/workers/<int:worker_id>/show", methods=["POST"])
@role_required(*PERSONAL_DATA_READERS)
def show_worker(worker_id: int):
    """A worker's full identity and card numbers, on finance's explicit request (recorded)."""
    worker = db.get_or_404(Worker, worker_id)
    form = RevealForm()
    if not form.validate_on_submit():
        return redirect(url_for("payroll.project", project_id=worker.project_id))
    saved = save(lambda: reveal(worker, actor=current_user), on_form=False)
    return render_template("payroll/worker.html", worker=worker, numbers=saved.value or {}, households=HOUSEHOLDS)
