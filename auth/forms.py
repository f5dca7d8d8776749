"""Sign-in and account forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from auth.services import ROLE_LABELS


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


def _role_choices():
    return [(code, label) for code, label in ROLE_LABELS.items()]


class UserCreateForm(FlaskForm):
    """A new account: the administrator sets the first password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class UserEditForm(FlaskForm):
    """Role, name and an optional new password."""

    display_name = StringField(_l("Full name"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
    new_password = PasswordField(_l("New password (leave empty to keep)"),
                                 validators=[Optional(), Length(max=256)])


class ConfirmForm(FlaskForm):
    """An empty form that carries only the CSRF token, for POST buttons."""
