"""The remembered values at /imports/values: what each mapped value means, who mapped it, and a way
to remove it (planners and administrators, who map them on the import pages)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from auth.models import User
from core.access import PLANNERS, role_required
from core.saving import save
from extensions import db
from import_values.blueprint import bp
from import_values.forms import ForgetForm
from import_values.kinds import registered
from import_values.models import ImportValue
from import_values.services import all_values, forget


@bp.route("/values")
@role_required(*PLANNERS)
def index():
    """Every remembered value, by kind of column."""
    values = all_values()
    kinds = registered()
    labels = {key: dict(kind.choices()) for key, kind in kinds.items() if any(v.kind == key for v in values)}
    users = dict(db.session.execute(select(User.id, User.display_name)).all())
    return render_template("import_values/index.html", values=values, kinds=kinds, labels=labels, users=users,
                           form=ForgetForm())


@bp.route("/values/<int:value_id>/forget", methods=["POST"])
@role_required(*PLANNERS)
def remove(value_id: int):
    """Forget one remembered value; the next import asks again what it means."""
    value = db.get_or_404(ImportValue, value_id)
    form = ForgetForm()
    if not form.validate_on_submit():
        abort(400)
    text = value.value
    if save(lambda: forget(value, actor=current_user), form, on_form=False).ok:
        flash(_("“%(value)s” is forgotten: the next import asks again what it means.", value=text), "success")
    return redirect(url_for("import_values.index"))
