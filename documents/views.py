"""Documents at /documents: attach one (from its record's page), download it, withdraw it.

Who may do what follows the record the document is attached to (documents.owners): reading the
record lets one download its documents; entering it lets one attach and withdraw them. A file is
sent as an attachment unless it is a picture, always with its sniffed type and a sandboxing policy,
so nothing stored is ever run by a browser as a page of ours.
"""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from core.access import DOCUMENT_WRITERS, READERS, deny, role_required
from core.saving import save
from documents import services, store
from documents.blueprint import bp
from documents.forms import DocumentForm, WithdrawForm
from documents.models import Document
from documents.owners import owner_kind
from documents.sniffing import BY_MEDIA_TYPE
from extensions import db

DOWNLOAD_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _owner_page(kind_key: str, owner_id: int) -> str:
    kind = owner_kind(kind_key)
    found = kind.find(owner_id) if kind is not None else None
    return kind.url(found) if kind is not None and found is not None else "/"


@bp.route("/new", methods=["POST"])
@role_required(*DOCUMENT_WRITERS)
def attach():
    """Attach the uploaded file to the record the form names, then back to that record's page."""
    form = DocumentForm()
    kind_key, _sep, owner_id = (form.owner.data or "").partition(":")
    kind = owner_kind(kind_key)
    if kind is None or not owner_id.isdigit() or len(owner_id) > 18:
        abort(400)
    if kind.find(int(owner_id)) is None:
        abort(404)
    if not services.may_attach(kind, current_user):
        deny(f"role {current_user.role} not in {','.join(kind.write_roles)}")
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(_owner_page(kind_key, int(owner_id)))
    upload = form.file.data
    data = upload.read(services.max_bytes() + 1)
    saved = save(lambda: services.attach(kind_key, int(owner_id), document_type=form.document_type.data or "",
                                         title=form.title.data or "", document_date=form.document_date.data,
                                         filename=upload.filename or "", data=data, actor=current_user),
                 form, on_form=False)
    if saved.ok and not saved.repeated:
        flash(_("Document “%(title)s” attached.", title=saved.value.title), "success")
    return redirect(_owner_page(kind_key, int(owner_id)) + "#documents")


def _readable(document_id: int) -> Document:
    document = db.get_or_404(Document, document_id)
    kind = owner_kind(document.owner_kind)
    if kind is None:
        abort(404)
    if not services.may_read(kind, current_user):
        deny(f"role {current_user.role} not in {','.join(kind.read_roles)}")
    return document


@bp.route("/<int:document_id>/file")
@role_required(*READERS)
def download(document_id: int):
    """The file as it was attached (its hash checked): a picture shown, anything else downloaded."""
    document = _readable(document_id)
    data = store.get(store.store_folder(), document.sha256)
    if data is None:
        return render_template("errors/error.html", code=410,
                               message=_("This document's file is missing or changed in the store; tell the "
                                         "administrator (flask documents verify).")), 410
    file_kind = BY_MEDIA_TYPE.get(document.media_type)
    image = bool(file_kind and file_kind.image) and request.args.get("download") != "1"
    response = send_file(BytesIO(data), mimetype=document.media_type, as_attachment=not image,
                         download_name=document.filename, max_age=0)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@bp.route("/<int:document_id>/withdraw", methods=["POST"])
@role_required(*DOCUMENT_WRITERS)
def withdraw(document_id: int):
    """Withdraw a document with a reason (it stays listed and readable)."""
    document = _readable(document_id)
    kind = owner_kind(document.owner_kind)
    if kind is not None and not services.may_attach(kind, current_user):
        deny(f"role {current_user.role} not in {','.join(kind.write_roles)}")
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Reason: say why the document is withdrawn."), "error")
    elif save(lambda: services.withdraw(document, reason=form.reason.data or "", actor=current_user),
              form, on_form=False).ok:
        flash(_("Document “%(title)s” withdrawn.", title=document.title), "success")
    return redirect(_owner_page(document.owner_kind, document.owner_id) + "#documents")


@bp.route("/required")
@role_required(*READERS)
def required():
    """The documents each step needs before it may be taken (documents.requirements), read-only."""
    from documents.requirements import REQUIREMENTS

    return render_template("documents/required.html", requirements=REQUIREMENTS)
