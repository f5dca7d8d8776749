"""A user's personal access tokens at /account/tokens: listed (never the secret) and revocable by their
owner; the administrator sees and revokes everyone's. Tokens are made with `flask tokens create`."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from api.models import ApiToken
from api.tokens import revoke_token
from auth.models import User
from auth.sessions import signed_in_user
from core.access import ACCOUNT_ADMINS, READERS, deny, role_required
from core.clock import utcnow
from core.saving import save
from extensions import db

bp = Blueprint("api_tokens", __name__)


class RevokeForm(FlaskForm):
    """Revoking carries only the CSRF token."""


@bp.route("/")
@role_required(*READERS, scoped=True)
def index():
    """The signed-in user's tokens (every user's for the administrator)."""
    user = signed_in_user()
    query = select(ApiToken, User).join(User, ApiToken.user_id == User.id).order_by(ApiToken.id.desc())
    if user.role not in ACCOUNT_ADMINS:
        query = query.where(ApiToken.user_id == user.id)
    rows = db.session.execute(query).all()
    return render_template("api/tokens.html", rows=rows, form=RevokeForm(), now=utcnow(),
                           everyone=user.role in ACCOUNT_ADMINS)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@role_required(*READERS, scoped=True)
def revoke(token_id: int):
    """Revoke one token at once: the next request with it is refused."""
    user = signed_in_user()
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != user.id and user.role not in ACCOUNT_ADMINS:
        deny(f"token {token.id} of another account")
    if not RevokeForm().validate_on_submit():
        abort(400)
    if save(lambda: revoke_token(token, actor=user), on_form=False).ok:
        flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "success")
    return redirect(url_for("api_tokens.index"))
