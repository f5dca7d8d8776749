"""The contractor form: its registered facts, checked again by the services."""
from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

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
