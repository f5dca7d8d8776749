"""Contracting's forms: a contractor, a contract, a variation (the services check everything again)."""
from __future__ import annotations

from decimal import Decimal

from wtforms import DecimalField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from contracts.models import METHODS, SUBJECTS
from core.forms import DayField, MoneyField
from core.i18n import _l
from core.once import OnceForm


class ContractorForm(OnceForm):
    """A contractor's facts (the credit code's check character is the services' to check)."""

    name = StringField(_l("Registered name"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("18 characters, as on the business licence"))
    legal_representative = StringField(_l("Legal representative"), validators=[Optional(), Length(max=100)])
    contact_person = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    bank_name = StringField(_l("Bank"), validators=[Optional(), Length(max=200)])
    bank_account = StringField(_l("Bank account"), validators=[Optional(), Length(max=60)])
    version = HiddenField()

    FIELDS = ("name", "uscc", "legal_representative", "contact_person", "contact_phone", "bank_name", "bank_account")


class ContractForm(OnceForm):
    """A contract on a project: the project is the page's, the rest typed (the services check again)."""

    contract_no = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=64)])
    contractor_id = SelectField(_l("Contractor"), coerce=int, validators=[DataRequired()])
    subject = SelectField(_l("Covers"), choices=lambda: list(SUBJECTS.items()), validators=[DataRequired()])
    method = SelectField(_l("Procurement method"), choices=lambda: list(METHODS.items()), validators=[DataRequired()])
    signed_on = DayField(_l("Signed on"), validators=[InputRequired()])
    starts_on = DayField(_l("Period from"), validators=[Optional()])
    ends_on = DayField(_l("Period to"), validators=[Optional()])
    value_fen = MoneyField(_l("Contract value"), description=_l("In yuan; add 万 for 万元"))
    retention_pct = DecimalField(_l("Retention (%)"), places=None, default=Decimal("3"),
                                 validators=[InputRequired(), NumberRange(min=0, max=100)],
                                 description=_l("质保金, e.g. 3 for 3%"))
    defects_liability_months = IntegerField(_l("Defects-liability period (months)"), default=24,
                                            validators=[InputRequired(), NumberRange(min=0, max=120)])
    milestone_ids = SelectMultipleField(_l("Milestones covered"), coerce=int, validators=[Optional()],
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def validate_retention_pct(self, field):
        """At most two decimals (a rate in basis points)."""
        if field.data is not None and (field.data * 100) != int(field.data * 100):
            raise ValidationError(_l("At most two decimals."))


class VariationForm(OnceForm):
    """A variation: an increase or a decrease of the value, its reason and day."""

    direction = SelectField(_l("Change"), choices=[("increase", _l("Increase")), ("decrease", _l("Decrease"))],
                            validators=[DataRequired()])
    amount_fen = MoneyField(_l("Change of value"), description=_l("In yuan; add 万 for 万元"))
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Say why the value changes: a variation needs "
                                                                   "its reason.")), Length(max=1000)])
    varied_on = DayField(_l("Day of the variation"), validators=[InputRequired()])
