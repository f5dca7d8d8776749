"""The asset pages' forms: what an asset is (its value with a reason) and its handover."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from assets.models import ASSET_CLASSES, MAX_MAINTENANCE_MONTHS, OWNER_TYPES
from core.forms import DayField, MoneyField
from core.i18n import _l

NO_DOCUMENT = 0


class AssetForm(FlaskForm):
    """What the asset is and is worth; a changed value says why."""

    asset_class = SelectField(_l("Class of asset"), choices=list(ASSET_CLASSES.items()))
    name = StringField(_l("Asset"), validators=[InputRequired(), Length(max=200)])
    quantity = DecimalField(_l("Quantity"), places=3, validators=[Optional(), NumberRange(min=0, max=10**10)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=32)])
    value = MoneyField(_l("Asset value (yuan)"), description=_l("By default what the project spent."))
    maintenance_months = IntegerField(_l("Maintenance period (months)"),
                                      validators=[Optional(), NumberRange(min=0, max=MAX_MAINTENANCE_MONTHS)])
    reason = StringField(_l("Reason for a new value"), validators=[Optional(), Length(max=500)])


class HandoverForm(FlaskForm):
    """Whom the asset goes to, who keeps it up, when and on which document."""

    owner_type = SelectField(_l("Owner type"), choices=list(OWNER_TYPES.items()))
    owner_name = StringField(_l("Owner"), validators=[InputRequired(), Length(max=200)],
                             description=_l("E.g. the village collective economic organisation."))
    custodian = StringField(_l("Custodian"), validators=[InputRequired(), Length(max=200)])
    handed_over_on = DayField(_l("Handed over on"), validators=[InputRequired()])
    document_id = SelectField(_l("Handover document"), coerce=int, default=NO_DOCUMENT)
