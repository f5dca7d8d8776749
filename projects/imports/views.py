"""The spreadsheet import at /projects/import: upload, map the columns (only when some header is not
recognised; the preview links back to the mapping anyway), map the values no column knows (only when
there are some; remembered for later imports), preview, confirm.

Registered on the projects blueprint. Planners and administrators only. The uploaded file is parsed
once, at upload; its table is kept under instance/uploads/<random token> (core.uploads) between the
pages, and each step plans the import from that table again, so the confirm step imports exactly
what the preview showed, checked against the data stored at that moment.
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.access import PLANNERS, role_required
from core.errors import Refused, add_field_error
from core.files import sha256_hex
from core.once import spend
from core.saving import save
from core.sheets.messages import spreadsheet_message
from core.sheets.tables import SpreadsheetError
from core.transactions import ConflictError, commit_with_retry
from core.uploads import discard_upload, load_upload, save_upload, update_meta, upload_folder
from extensions import db
from projects.blueprint import bp
from projects.imports.forms import (
    ConfirmImportForm,
    UploadForm,
    field_name,
    mapping_form,
    mapping_from_form,
    mapping_from_json,
    mapping_to_json,
    value_field,
    values_form,
    values_from_form,
)
from projects.imports.mapped_values import remember_values, value_options
from projects.imports.pipeline import (
    all_areas,
    apply_import,
    area_labels,
    area_rows,
    fully_recognised,
    guess_import_mapping,
    plan_import,
    read_import_file,
)
from projects.models import CATEGORIES, STATUSES

PREVIEW_ROWS = 20


def _folder() -> Path:
    """Where uploads wait between the steps."""
    return upload_folder(current_app)


def _own_upload(token: str):
    """The signed-in user's upload with this token, or None (unknown, expired or someone else's)."""
    upload = load_upload(_folder(), token)
    if upload is None or upload.meta.get("user_id") != current_user.id:
        return None
    return upload


def _start_again():
    flash(_("This upload is no longer available. Upload the file again."), "error")
    return redirect(url_for("projects.import_upload"))


def _sheets_and_mapping(upload):
    sheets = upload.sheets
    saved = upload.meta.get("mapping")
    return sheets, (mapping_from_json(saved) if saved is not None else guess_import_mapping(sheets))


def _plan(upload):
    sheets, mapping = _sheets_and_mapping(upload)
    return plan_import(sheets, mapping, file_name=upload.meta["name"], sha256=upload.meta["sha256"])


@bp.route("/import", methods=["GET", "POST"])
@role_required(*PLANNERS)
def import_upload():
    """Upload a spreadsheet (.xlsx or .csv); an unreadable file is refused here, with the reason."""
    form = UploadForm()
    if form.validate_on_submit():
        data, name = form.file.data.read(), (form.file.data.filename or "upload")[:200]
        try:
            sheets = read_import_file(data, name)
        except SpreadsheetError as error:
            add_field_error(form.file, spreadsheet_message(error))
        else:
            token = save_upload(_folder(), sheets, {"name": name, "user_id": current_user.id,
                                                    "sha256": sha256_hex(data)})
            # Only a sheet with headers the import does not know needs the mapping page.
            step = "preview" if fully_recognised(sheets, guess_import_mapping(sheets)) else "mapping"
            return redirect(url_for(f"projects.import_{step}", token=token))
    return render_template("projects/import_upload.html", form=form)


@bp.route("/import/template.xlsx")
@role_required(*PLANNERS)
def import_template():
    """The blank import template, with the accepted categories, statuses and areas."""
    from projects.imports.exporting import template_workbook

    stream = BytesIO()
    template_workbook(stream, all_areas())
    stream.seek(0)
    return send_file(stream, as_attachment=True, download_name="liandong-projects-template.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/import/<token>/mapping", methods=["GET", "POST"])
@role_required(*PLANNERS)
def import_mapping(token: str):
    """Say which field each column holds; pre-filled from the headers."""
    upload = _own_upload(token)
    if upload is None:
        return _start_again()
    sheets, mapping = _sheets_and_mapping(upload)
    form = mapping_form(sheets, mapping)
    if form.validate_on_submit():
        chosen, errors = mapping_from_form(form, sheets)
        for error in errors:
            flash(error, "error")
        if not errors:
            update_meta(_folder(), upload, mapping=mapping_to_json(chosen))
            return redirect(url_for("projects.import_preview", token=token))
    return render_template("projects/import_mapping.html", form=form, sheets=sheets, field_name=field_name,
                           upload=upload, token=token)


@bp.route("/import/<token>/values", methods=["GET", "POST"])
@role_required(*PLANNERS)
def import_values(token: str):
    """Say what each category, status, township or village the import does not know means; what is
    chosen is remembered for every later import (import_values), then the preview."""
    upload = _own_upload(token)
    if upload is None:
        return _start_again()
    plan = _plan(upload)
    unknown = plan.unknown_values()
    if not unknown:
        return redirect(url_for("projects.import_preview", token=token))
    options = value_options(unknown)
    form = values_form(options)
    update_meta(_folder(), upload, values_offered=sorted(set(upload.meta.get("values_offered", []))
                                                         | {value_field(value) for value in unknown}))
    if form.validate_on_submit():
        chosen = values_from_form(form, unknown)
        if save(lambda: remember_values(chosen, current_user), form, on_form=False).ok:
            if chosen:
                flash(_("%(n)d values remembered: every later import reads them the same way.", n=len(chosen)),
                      "success")
            return redirect(url_for("projects.import_preview", token=token))
    townships = {row.code: row.name_zh for row in area_rows() if row.parent_id is None}
    return render_template("projects/import_values.html", form=form, unknown=unknown, value_field=value_field,
                           upload=upload, token=token, several_sheets=len(plan.sheets) > 1, townships=townships)


def _values_not_offered(upload, plan) -> bool:
    """True when the plan has unknown values the value-mapping page has not shown yet."""
    offered = set(upload.meta.get("values_offered", []))
    return any(value_field(value) not in offered for value in plan.unknown_values())


@bp.route("/import/<token>/preview")
@role_required(*PLANNERS)
def import_preview(token: str):
    """What the import would do, and every problem that stops it; nothing is stored yet. Values no
    column knows are first offered for mapping (import_values)."""
    upload = _own_upload(token)
    if upload is None:
        return _start_again()
    plan = _plan(upload)
    if _values_not_offered(upload, plan):
        return redirect(url_for("projects.import_values", token=token))
    return render_template("projects/import_preview.html", plan=plan, counts=plan.counts(), upload=upload,
                           token=token, form=ConfirmImportForm(), rows=plan.projects[:PREVIEW_ROWS],
                           milestones=plan.milestones[:PREVIEW_ROWS], categories=CATEGORIES, statuses=STATUSES,
                           areas=area_labels(), several_sheets=len(plan.sheets) > 1,
                           unknown_count=len(plan.unknown_values()))


@bp.route("/import/<token>/confirm", methods=["POST"])
@role_required(*PLANNERS)
def import_confirm(token: str):
    """Import the whole file in one transaction, or nothing when any row has a problem."""
    upload = _own_upload(token)
    if upload is None:
        return _start_again()
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    plan = _plan(upload)
    if plan.problems:
        flash(_("The file has problems; nothing was imported."), "error")
        return redirect(url_for("projects.import_preview", token=token))
    refusal = _apply_and_commit(plan, token)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("projects.import_preview", token=token))
    discard_upload(_folder(), token)
    flash(_import_summary(plan.counts(), bool(plan.milestones)), "success")
    return redirect(url_for("projects.index"))


def _apply_and_commit(plan, token: str):
    """Store the plan and commit; on refusal roll back and return the reason to show."""
    def apply_once():
        apply_import(plan, current_user)
        spend(f"import-{token}")  # a second confirm of the same upload (a double click) then fails whole

    try:
        commit_with_retry(apply_once)
    except Refused as error:  # PlanningError, or a contract's refusal (the stored data changed since the preview)
        db.session.rollback()
        return _("Nothing was imported: %(reason)s", reason="; ".join(str(m) for m in error.errors.values()))
    except ConflictError:
        return _("Nothing was imported: the same rows were stored meanwhile (a second click, or another "
                 "import). Look at the preview again to see what is left to import.")
    return None


def _import_summary(counts: dict, with_milestones: bool) -> str:
    message = _("Imported %(new)d new, %(changed)d changed, %(unchanged)d unchanged projects.", **counts["projects"])
    if with_milestones:
        message += " " + _("Milestones: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.",
                           **counts["milestones"])
    if "targets" in counts:
        message += " " + _("Performance indicators: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.",
                           **counts["targets"])
    if "contracts" in counts:
        message += " " + _("Contracts: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.",
                           **counts["contracts"])
    return message
