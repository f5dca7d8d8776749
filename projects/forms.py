"""Planning forms: a project, its status, a milestone, a progress report."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional as Maybe

from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from core.forms import DayField, MoneyField
from core.i18n import _l
from core.once import OnceForm
from projects.models import CATEGORIES, NATURES
from projects.positions import COORDINATE_SYSTEMS, GCJ02, WGS84, converted, metres_between


class ProjectForm(OnceForm):
    """Every field of a project; `status` only when creating, `reason` only when editing."""

    code = StringField(_l("Project code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=lambda: list(CATEGORIES.items()), validators=[DataRequired()])
    area_id = SelectField(_l("Area"), coerce=int, validators=[DataRequired()])
    scale_quantity = DecimalField(_l("Scale"), places=None, validators=[Optional(), NumberRange(min=0)])
    scale_unit = StringField(_l("Unit of scale"), validators=[Optional(), Length(max=32)],
                             description=_l("e.g. km, households, m²"))
    budget_fen = MoneyField(_l("Budget"), description=_l("In yuan; add 万 for 万元, e.g. 6080万"))
    planned_start = DayField(_l("Planned start"), validators=[Optional()])
    planned_end = DayField(_l("Planned end"), validators=[Optional()])
    actual_start = DayField(_l("Actual start"), validators=[Optional()])
    actual_end = DayField(_l("Actual end"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    responsible_unit = StringField(_l("Responsible unit"), validators=[Optional(), Length(max=200)])
    contractor = StringField(_l("Contractor"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Works and description"), validators=[Optional(), Length(max=4000)])
    longitude = DecimalField(_l("Longitude"), places=None, validators=[Optional(), NumberRange(min=-180, max=180)],
                             description=_l("Decimal degrees east, e.g. 111.660000; leave both empty for no position."))
    latitude = DecimalField(_l("Latitude"), places=None, validators=[Optional(), NumberRange(min=-90, max=90)],
                            description=_l("Decimal degrees north, e.g. 25.960000."))
    coordinate_system = SelectField(_l("Coordinates taken from"), choices=lambda: list(COORDINATE_SYSTEMS.items()),
                                    default=WGS84, validators=[Optional()],
                                    description=_l("A point picked on AMap (高德), Tencent or a phone's map app is "
                                                   "GCJ-02, shifted some hundreds of metres: choose it and the "
                                                   "position is converted to WGS84."))
    reason = TextAreaField(_l("Reason for the change"), validators=[Optional(), Length(max=1000)],
                           description=_l("Required when an approved project's budget or planned dates change."))
    version = HiddenField()

    def wgs84_position(self) -> tuple[Maybe[Decimal], Maybe[Decimal]]:
        """The position as stored: WGS84, converted when the coordinates were said to be GCJ-02."""
        longitude, latitude = self.longitude.data, self.latitude.data
        if longitude is None or latitude is None or self.coordinate_system.data != GCJ02:
            return longitude, latitude
        return converted(longitude, latitude, GCJ02)

    def position_note(self) -> Maybe[str]:
        """What the conversion did, for the planner to check (None when nothing was converted)."""
        longitude, latitude = self.longitude.data, self.latitude.data
        stored_longitude, stored_latitude = self.wgs84_position()
        if longitude is None or latitude is None or stored_longitude is None or stored_latitude is None \
                or (longitude, latitude) == (stored_longitude, stored_latitude):
            return None
        shift = metres_between(float(longitude), float(latitude), float(stored_longitude), float(stored_latitude))
        return str(_l("Converted from GCJ-02 (%(typed)s) to WGS84: stored %(lon)s, %(lat)s, %(metres)d m away.",
                      typed=", ".join((str(longitude), str(latitude))), lon=str(stored_longitude),
                      lat=str(stored_latitude), metres=round(shift)))

    def validate_planned_end(self, field):
        """The plan cannot end before it starts (the service checks again)."""
        _check_order(self.planned_start.data, field.data)

    def validate_actual_end(self, field):
        """Work cannot end before it started (the service checks again)."""
        _check_order(self.actual_start.data, field.data)


def _check_order(start, end) -> None:
    if start and end and end < start:
        raise ValidationError(_l("The end date is before the start date."))


class StatusForm(FlaskForm):
    """Move a project to another status, with a reason where one is needed."""

    target = SelectField(_l("New status"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=1000)])


class MilestoneForm(OnceForm):
    """A milestone's plan."""

    name = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=200)])
    planned_date = DayField(_l("Planned date"), validators=[InputRequired()])
    planned_cost_fen = MoneyField(_l("Planned cost"), description=_l("In yuan; add 万 for 万元"))
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=1000)])


class ProgressForm(FlaskForm):
    """A progress report on a milestone."""

    progress_pct = IntegerField(_l("Percent complete"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    reported_on = DayField(_l("Date"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class LibraryEntryForm(OnceForm):
    """The library entry of a project: nature, beneficiaries, the benefit-linkage mechanism."""

    nature = SelectField(_l("Nature of construction"), choices=lambda: [("", "—")] + list(NATURES.items()),
                         validators=[Optional()])
    beneficiaries = TextAreaField(_l("Beneficiaries"), validators=[Optional(), Length(max=2000)],
                                  description=_l("Who benefits: villages, groups, households."))
    beneficiary_count = IntegerField(_l("People benefiting"), validators=[Optional(), NumberRange(min=0)])
    beneficiary_poverty_count = IntegerField(_l("Of whom poverty-alleviated (脱贫人口)"),
                                             validators=[Optional(), NumberRange(min=0)])
    beneficiary_monitored_count = IntegerField(_l("Of whom monitored (监测对象)"),
                                               validators=[Optional(), NumberRange(min=0)])
    benefit_linkage = TextAreaField(_l("Benefit-linkage mechanism"), validators=[Optional(), Length(max=4000)],
                                    description=_l("How the people named above gain from the project."))


class ProposalForm(ProjectForm, LibraryEntryForm):
    """A new proposal for the library: the plan's fields and the library entry."""


class ReviewForm(FlaskForm):
    """The township's decision on a proposal."""

    decision = SelectField(_l("Decision"), choices=[("agree", _l("Agree")), ("return", _l("Return"))],
                           validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=1000)])
