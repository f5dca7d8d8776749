"""Asset pages at /assets: the register (filtered, exported), an asset's edit and handover, and the
assets panel on a project's page."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from assets import register, services
from assets.blueprint import bp
from assets.forms import NO_DOCUMENT, AssetForm, HandoverForm
from assets.models import ASSET_CLASSES, OWNER_TYPES, Asset
from assets.overdue import check_context as overdue_check
from audit.services import record
from core.access import ASSET_WRITERS, READERS, role_required
from core.exports import check_format, counted, spreadsheet_download
from core.paging import Page
from core.params import query_int
from core.saving import save
from core.sheets.tables import OutputSheet
from core.transactions import commit_with_retry
from extensions import db
from projects.models import Area
from projects.scope import project_in_scope, scope_condition


def project_assets(project_id: int) -> list[Asset]:
    """A project's assets (for the panel on its page)."""
    return list(db.session.scalars(select(Asset).where(Asset.project_id == project_id).order_by(Asset.id)))


def _townships() -> list[tuple[int, str]]:
    locale = str(get_locale())
    return [(area.id, area.name(locale)) for area in
            db.session.scalars(select(Area).where(Area.parent_id.is_(None)).order_by(Area.code))]


def _filters() -> register.RegisterFilters:
    return register.RegisterFilters.from_args(request.args, query_int("township"))


@bp.route("/")
@role_required(*READERS, scoped=True)
def index():
    """The register of assets, filtered by class, owner type, township and handover."""
    filters = _filters()
    return render_template("assets/index.html", rows=register.register_rows(filters, scope_condition(current_user)),
                           filters=filters, classes=ASSET_CLASSES, owner_types=OWNER_TYPES, handed=register.HANDED,
                           townships=_townships(), can_write=current_user.role in ASSET_WRITERS
                           and current_user.area_id is None)


@bp.route("/overdue")
@role_required(*READERS, scoped=True)
def overdue():
    """The accepted projects past their days to hand over with no asset handed over (the check
    asset_not_handed_over), the longest late first, a page at a time."""
    check = overdue_check(date.today(), scope_condition(current_user), limit=0)
    page = Page.from_request(request.args, check["total"], current_app.config["PAGE_SIZE"])
    check["overdue"] = check["overdue"][page.offset:page.offset + page.size]
    return render_template("assets/overdue.html", check=check, page=page)


@bp.route("/export.<fmt>")
@role_required(*READERS, scoped=True)
def export(fmt: str):
    """The register as filtered, as .xlsx or .csv (formula-safe); the export is recorded."""
    check_format(fmt)
    rows = register.export_rows(_filters(), str(get_locale()), scope_condition(current_user))
    sheet = OutputSheet(_("Asset register"), [str(header) for header in register.HEADERS], rows,
                        column_widths=(16, 30, 12, 10, 30, 10, 8, 16, 14, 24, 24, 12, 10, 30))
    count = counted(sheet)
    response = spreadsheet_download([sheet], fmt, "assets", date.today())
    user, query = current_user._get_current_object(), request.query_string.decode()[:200]
    commit_with_retry(lambda: record("asset.export", user=user,
                                     after={"rows": count.count, "format": fmt, "filters": query}))
    return response


def _asset(asset_id: int) -> Asset:
    asset = db.get_or_404(Asset, asset_id)
    project_in_scope(asset.project_id)
    return asset


def _input(form: AssetForm) -> services.AssetInput:
    return services.AssetInput(form.asset_class.data or "", form.name.data or "", form.quantity.data,
                               form.unit.data or "", form.value.data or 0, form.maintenance_months.data,
                               form.reason.data or "")


@bp.route("/projects/<int:project_id>/new", methods=["GET", "POST"])
@role_required(*ASSET_WRITERS)
def add(project_id: int):
    """Register another asset of an accepted project (what the acceptance drafted covers one)."""
    project = project_in_scope(project_id)
    form = AssetForm()
    if form.validate_on_submit() and save(lambda: services.add_asset(project, _input(form), current_user), form).ok:
        flash(_("Asset saved."), "success")
        return redirect(url_for("projects.detail", project_id=project.id, _anchor="assets"))
    return render_template("assets/edit.html", asset=None, form=form, project=project)


@bp.route("/<int:asset_id>/edit", methods=["GET", "POST"])
@role_required(*ASSET_WRITERS)
def edit(asset_id: int):
    """Correct what an asset is; a new value needs a reason (recorded)."""
    asset = _asset(asset_id)
    form = AssetForm(obj=asset) if request.method == "GET" else AssetForm()
    if request.method == "GET":
        form.value.data = asset.value_fen
    if form.validate_on_submit():
        data = _input(form)
        if save(lambda: services.update_asset(asset, data, current_user), form).ok:
            flash(_("Asset saved."), "success")
            return redirect(url_for("projects.detail", project_id=asset.project_id, _anchor="assets"))
    return render_template("assets/edit.html", asset=asset, form=form, project=project_in_scope(asset.project_id))


@bp.route("/<int:asset_id>/handover", methods=["GET", "POST"])
@role_required(*ASSET_WRITERS)
def handover(asset_id: int):
    """Hand an asset over to its owner and custodian (资产移交), with the handover document."""
    asset = _asset(asset_id)
    form = HandoverForm()
    documents = services.document_choices(asset.project_id)
    form.document_id.choices = [(NO_DOCUMENT, _("(none)"))] + list(documents.items())
    if form.validate_on_submit() and form.handed_over_on.data is not None:
        handed = services.Handover(form.owner_type.data or "", form.owner_name.data or "", form.custodian.data or "",
                                   form.handed_over_on.data, form.document_id.data or None)
        if save(lambda: services.hand_over(asset, handed, current_user), form).ok:
            flash(_("Asset handed over."), "success")
            return redirect(url_for("projects.detail", project_id=asset.project_id, _anchor="assets"))
    return render_template("assets/handover.html", asset=asset, form=form, project=project_in_scope(asset.project_id))
