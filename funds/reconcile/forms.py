"""Forms of reconciliation: the statement upload, the column mapping, a manual match, an unmatch."""
from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from core.i18n import _l
from core.sheets.tables import column_letter
from funds.reconcile import columns


class StatementUploadForm(FlaskForm):
    """The statement file; its content, not its name, says whether it is .xlsx or CSV."""

    file = FileField(_l("Statement file (.xlsx or .csv)"),
                     validators=[FileRequired(_l("Choose the statement file."))])


class ConfirmStatementForm(FlaskForm):
    """Import a previewed statement (only the CSRF token: the preview said what it does)."""


def column_field(index: int) -> str:
    """The mapping form's field for the column at `index`."""
    return f"c{index}"


def mapping_form(headers: list[str], mapping: Mapping[int, str]) -> FlaskForm:
    """One select per column of the statement, set to `mapping`."""

    class StatementMappingForm(FlaskForm):
        """What each column of an uploaded statement holds."""

    options = columns.choices()
    for index, header in enumerate(headers):
        setattr(StatementMappingForm, column_field(index),
                SelectField(header or column_letter(index), choices=options, default=mapping.get(index, ""),
                            validators=[Optional()]))
    return StatementMappingForm()


def mapping_from_form(form: FlaskForm, width: int) -> dict[int, str]:
    """{column index: field} as chosen on the mapping form."""
    chosen = {index: form[column_field(index)].data for index in range(width)}
    return {index: key for index, key in chosen.items() if key}


class MatchForm(FlaskForm):
    """A statement line and a payment, chosen on the reconciliation page, to match by hand."""

    line_id = IntegerField(_l("Statement line"), validators=[InputRequired(_l("Choose a statement line."))])
    payment_id = IntegerField(_l("Payment"), validators=[InputRequired(_l("Choose a payment."))])


class UnmatchForm(FlaskForm):
    """A matched statement line to free, with its payment."""

    line_id = IntegerField(_l("Statement line"), validators=[InputRequired()])



class ExplainForm(FlaskForm):
    """A statement line no payment will match, and what it is."""

    line_id = IntegerField(_l("Statement line"), validators=[InputRequired(_l("Choose a statement line."))])
    reason = StringField(_l("What the line is"), validators=[InputRequired(
        _l("Say what the line is, e.g. a bank fee or money received.")), Length(max=500)])
