"""The administrator's account pages at /admin/: list, create, edit, disable and re-enable."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from auth.blueprint import admin_bp as bp
from auth.forms import ConfirmForm, UserCreateForm, UserEditForm
from auth.models import User
from auth.services import ROLE_LABELS, create_user, set_active, update_user
from auth.sessions import signed_in_user
from core import confirm
from core.access import ACCOUNT_ADMINS, role_required
from core.forms import required
from core.saving import save
from extensions import db


@bp.route("/")
@role_required(*ACCOUNT_ADMINS)
def users():
    """Every account with its role and state."""
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows, roles=ROLE_LABELS, form=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(*ACCOUNT_ADMINS)
def create():
    """Create an account with a role and a first password."""
    form = UserCreateForm()
    if form.validate_on_submit() and (saved := save(lambda: create_user(
            required(form.username.data), form.role.data, required(form.password.data), actor=signed_in_user(),
            display_name=form.display_name.data or ""), form)).ok:
        if not saved.repeated:
            flash(_("Account %(name)s created.", name=saved.value.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(*ACCOUNT_ADMINS)
def edit(user_id: int):
    """Change an account's role, name or password."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit() and save(lambda: update_user(
            user, role=form.role.data, display_name=form.display_name.data or "", actor=signed_in_user(),
            new_password=form.new_password.data or "", can_approve=bool(form.can_approve.data)),
            form, fields={"password": "new_password"}).ok:
        flash(_("Account %(name)s saved.", name=user.username), "success")
        if form.new_password.data:
            flash(_("The password was reset: %(name)s must choose a new one at the next sign-in.",
                    name=user.display_name or user.username), "info")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@role_required(*ACCOUNT_ADMINS)
def disable(user_id: int):
    """Disable an account: it can no longer sign in and its sessions end."""
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@role_required(*ACCOUNT_ADMINS)
def enable(user_id: int):
    """Re-enable a disabled account."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not active and (question := confirm.ask(
            _("Disable the account %(name)s?", name=user.username), _("Disable"), back=url_for("admin.users"),
            detail=_("It can no longer sign in and its open sessions end. An administrator can enable it again."))):
        return question
    if save(lambda: set_active(user, active, actor=signed_in_user()), on_form=False).ok:
        message = _("Account %(name)s enabled.") if active else _("Account %(name)s disabled.")
        flash(message % {"name": user.username}, "success")
    return redirect(url_for("admin.users"))
