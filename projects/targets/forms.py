"""Forms of performance targets: an indicator, an actual value."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from core.i18n import _l
from projects.targets.models import CATEGORIES, COMPARISONS, TIER_CATEGORIES, TIERS


class TargetForm(FlaskForm):
    """A new indicator; the value is text, read by the service (which names a wrong one)."""

    tier = SelectField(_l("Tier"), choices=lambda: list(TIERS.items()), validators=[DataRequired()])
    category = SelectField(_l("Indicator category"), validators=[DataRequired()], choices=lambda: {
        str(TIERS[tier]): [(code, CATEGORIES[code]) for code in codes] for tier, codes in TIER_CATEGORIES.items()})
    name = StringField(_l("Indicator"), validators=[Optional(), Length(max=200)])
    comparison = SelectField(_l("Comparison"), choices=lambda: list(COMPARISONS.items()), validators=[DataRequired()])
    target_value = StringField(_l("Target value"), validators=[Optional(), Length(max=40)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=32)])


class ActualForm(FlaskForm):
    """The actual value of an indicator."""

    actual_value = StringField(_l("Actual value"), validators=[Optional(), Length(max=40)])
