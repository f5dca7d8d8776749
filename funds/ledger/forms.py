"""Finance forms: fund sources, appropriations, allocations, payments, reversals, month close."""
from __future__ import annotations

from typing import TypedDict

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import DayField, MoneyField, MonthField, required
from core.i18n import _l
from core.once import OnceForm
from funds.models import CHANNELS, COST_CATEGORIES, LEVELS


class SourceDescription(TypedDict):
    """A fund source's description: everything but its code (which never changes) and balances."""

    name: str
    channel: str
    level: str
    fiscal_year: int
    managing_department: str
    document_ref: str


class SourceForm(OnceForm):
    """A fund source's identity."""

    code = StringField(_l("Source code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    channel = SelectField(_l("Channel"), choices=lambda: list(CHANNELS.items()), validators=[DataRequired()])
    level = SelectField(_l("Level"), choices=lambda: list(LEVELS.items()), validators=[DataRequired()])
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    managing_department = StringField(_l("Managing department"), validators=[Optional(), Length(max=200)])
    document_ref = StringField(_l("Document"), validators=[Optional(), Length(max=200)])

    def description(self) -> SourceDescription:
        """The validated fields other than the code, as create_source and update_source take them."""
        return SourceDescription(
            name=required(self.name.data), channel=self.channel.data, level=self.level.data,
            fiscal_year=required(self.fiscal_year.data), managing_department=self.managing_department.data or "",
            document_ref=self.document_ref.data or "")


class AppropriationForm(OnceForm):
    """Money received by a source."""

    document_no = StringField(_l("Document number"), validators=[DataRequired(), Length(max=64)])
    received_on = DayField(_l("Date received"), validators=[InputRequired()])
    amount = MoneyField(_l("Amount"), description=_l("In yuan; add 万 for 万元"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class AllocationForm(OnceForm):
    """Commit (or withdraw) a source's money for a project."""

    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    direction = RadioField(_l("Change"), choices=[("increase", _l("Allocate more")), ("decrease", _l("Reduce"))],
                           default="increase")
    amount = MoneyField(_l("Amount"), description=_l("In yuan; add 万 for 万元"))
    entry_date = DayField(_l("Date"), validators=[InputRequired()])
    document_no = StringField(_l("Document number"), validators=[Optional(), Length(max=64)])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


def cost_category_choices() -> list[tuple[str, str]]:
    """The cost categories after an empty first choice: nothing is chosen for the user (a construction
    payment booked as wages by default would distort the work-for-relief wage share)."""
    return [("", _l("— choose —")), *COST_CATEGORIES.items()]


class PaymentForm(OnceForm):
    """Spending from a source on a project, against one of its milestones."""

    project_id = SelectField(_l("Project"), coerce=int, validators=[DataRequired()])
    milestone_id = SelectField(_l("Milestone"), coerce=int, validators=[DataRequired()])
    voucher_no = StringField(_l("Voucher number"), validators=[DataRequired(), Length(max=64)])
    payee = StringField(_l("Payee"), validators=[DataRequired(), Length(max=200)])
    paid_on = DayField(_l("Payment date"), validators=[InputRequired()])
    amount = MoneyField(_l("Amount"), description=_l("In yuan; add 万 for 万元"))
    cost_category = SelectField(_l("Cost category"), choices=cost_category_choices,
                                validators=[DataRequired(_l("Choose the cost category."))])


class ReversalForm(OnceForm):
    """Reverse a wrong payment with a linked entry of opposite amount."""

    voucher_no = StringField(_l("Reversal voucher number"), validators=[DataRequired(), Length(max=64)])
    reversed_on = DayField(_l("Date"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class CloseMonthForm(FlaskForm):
    """Close a month of a source."""

    period = MonthField(_l("Month"), description=_l("e.g. 2026-03"))


class ReopenMonthForm(FlaskForm):
    """Reopen a closed month, with a reason."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class AppropriationReversalForm(OnceForm):
    """Take back a wrongly recorded receipt."""

    reversed_on = DayField(_l("Date"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
