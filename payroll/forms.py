"""The payroll pages' forms: a roster sheet, a payroll sheet with its heading, posting a payroll."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import DayField, MonthField
from core.i18n import _l
from core.once import OnceForm


class RosterForm(OnceForm):
    """A county roster sheet (.xlsx or CSV)."""

    file = FileField(_l("Roster (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file to import."))])


class PayrollSheetForm(OnceForm):
    """A month's payroll sheet, from a work-for-relief source, against a milestone."""

    source_id = SelectField(_l("Fund source"), coerce=int, validators=[DataRequired()])
    milestone_id = SelectField(_l("Milestone"), coerce=int, validators=[DataRequired()])
    month = MonthField(_l("Month worked"))
    file = FileField(_l("Payroll (.xlsx or .csv)"), validators=[FileRequired(_l("Choose a file to import."))])


class PostForm(OnceForm):
    """Pay a payroll: the day and the voucher number of its wages payment."""

    paid_on = DayField(_l("Paid on"), validators=[InputRequired()])
    voucher_no = StringField(_l("Voucher number"), validators=[Optional(), Length(max=64)],
                             description=_l("Left empty: GZ-project-month."))


class RevealForm(FlaskForm):
    """Carries only the CSRF token: showing full numbers is a deliberate, recorded request."""
