"""Attaching a document (file, type, title, date, and which record) and withdrawing one (a reason)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import DayField
from core.i18n import _l
from core.once import OnceForm
from documents.document_types import type_choices
from documents.models import MAX_REASON, MAX_TITLE


class DocumentForm(OnceForm):
    """A file to attach: `owner` is "kind:id" of the record, chosen on the record's page."""

    owner = SelectField(_l("Attached to"), validators=[DataRequired()], validate_choice=False)
    document_type = SelectField(_l("Document type"), choices=type_choices, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=MAX_TITLE)],
                        description=_l("The file's name when left empty"))
    document_date = DayField(_l("Document date"), validators=[Optional()])
    file = FileField(_l("File"), validators=[FileRequired(_l("File: choose a file to attach."))],
                     description=_l("PDF, JPEG, PNG, WebP, .xlsx or .docx"))


class WithdrawForm(FlaskForm):
    """Withdraw a document: the reason is required and kept."""

    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Reason: say why the document is withdrawn.")),
                                                   Length(max=MAX_REASON)])
