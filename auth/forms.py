"""Sign-in and account forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from auth.services import ROLE_LABELS
from core.i18n import _l
from core.once import OnceForm


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


def _role_choices():
    return [(code, label) for code, label in ROLE_LABELS.items()]


class UserCreateForm(OnceForm):
    """A new account: the administrator sets the first password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class UserEditForm(FlaskForm):
    """Role, name and an optional new password."""

    display_name = StringField(_l("Full name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    can_approve = BooleanField(_l("May approve payment requests that others prepared (finance only)"))
    new_password = PasswordField(_l("New password (leave empty to keep)"),
                                 validators=[Optional(), Length(max=256)],
                                 description=_l("A password set here is temporary: its owner must choose a new "
                                                "one at the next sign-in."))


class ConfirmForm(FlaskForm):
    """An empty form that carries only the CSRF token, for POST buttons."""


class PasswordChangeForm(FlaskForm):
    """The current password and the new one, twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), Length(max=256), EqualTo("new_password", message=_l("The two new passwords differ."))])
