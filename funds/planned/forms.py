"""The planned-funding form on a project's page."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField

from core.forms import MoneyField
from core.i18n import _l


class PlannedFundingForm(FlaskForm):
    """A source and the amount planned from it (0 removes it). Setting is idempotent: no one-time token."""

    source_id = SelectField(_l("Fund source"), coerce=int, validate_choice=False)
    amount_fen = MoneyField(_l("Planned amount"))
