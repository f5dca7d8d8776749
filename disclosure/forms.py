"""Forms: a notice, an objection, its resolution."""
from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import DayField
from core.i18n import _l
from core.once import OnceForm
from disclosure.models import NOTICE_KINDS, PLACES


class NoticeForm(OnceForm):
    """A notice posted for a project."""

    kind = SelectField(_l("Kind of notice"), choices=lambda: list(NOTICE_KINDS.items()), validators=[DataRequired()])
    place = SelectField(_l("Posted at"), choices=lambda: list(PLACES.items()), validators=[DataRequired()])
    start_date = DayField(_l("First day"), validators=[Optional()])
    end_date = DayField(_l("Last day"), validators=[Optional()])


class ObjectionForm(OnceForm):
    """An objection received."""

    received_on = DayField(_l("Received on"), validators=[Optional()])
    summary = TextAreaField(_l("Objection"), validators=[Optional(), Length(max=4000)])


class ResolutionForm(OnceForm):
    """How an objection was handled."""

    handling = TextAreaField(_l("Handling"), validators=[Optional(), Length(max=4000)])
    result = StringField(_l("Result"), validators=[Optional(), Length(max=1000)])
    resolved_on = DayField(_l("Resolved on"), validators=[Optional()])
