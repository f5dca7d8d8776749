"""Form fields shared by every feature: amounts typed in yuan or 万元, stored as exact fen; dates; months.

Each text field tells the browser how much it may hold (`maxlength`, from its Length validator or,
for these fields, its own limit), so nobody pastes more than the server accepts."""
from __future__ import annotations

from typing import Optional, TypeVar

from wtforms import DateField, Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from core.dates import DateProblem, format_month, parse_day, parse_month
from core.i18n import _l
from core.money import MoneyError, format_yuan, parse_amount

MONEY_MESSAGES = {
    "empty": _l("Enter an amount."),
    "negative": _l("The amount cannot be negative."),
    "malformed": _l("Not an amount: use digits, e.g. 1,234.56 or 12.5万."),
    "too_precise": _l("Amounts are exact to the fen (two decimals in yuan)."),
    "too_large": _l("The amount is too large."),
}

T = TypeVar("T")


def field_problems(form) -> list[str]:
    """What is wrong with a refused form, one line per field: "label: first message".

    A field's first message is the one that says what to fix; the ones after it follow from it (a
    number field that could not read "abc" also fails its range check), so showing them all, joined,
    reads "Not a valid integer value.; Number must be between 0 and 100." for one typing slip.
    """
    lines = []
    for name, messages in form.errors.items():
        field = form._fields.get(name)
        label = field.label.text if field is not None else name
        lines.append(f"{label}: {messages[0]}" if messages else str(label))
    return lines


def required(value: Optional[T]) -> T:
    """The data of a field the form requires, read after the form validated.

    WTForms types every field's data as optional; DataRequired, InputRequired and a required
    MoneyField refuse the form when it is missing. None here is a bug (a view reading the field
    before validating it, or a validator dropped), so it fails loudly instead of reaching a service.
    """
    if value is None:
        raise ValueError("a required form field has no value: read it after the form validates")
    return value


class MoneyField(Field):
    """Text input whose `data` is integer fen (or None when left empty and optional).

    Accepts yuan with or without thousands separators, full-width digits, and a 万/万元 suffix.
    (A Field with a text input, not a StringField: a StringField's data is its text.)
    """

    widget = TextInput()
    data: Optional[int]
    MAX_LENGTH = 40  # "1,000,000,000,000.00 万元" and then some: longer is not an amount

    def __init__(self, label=None, validators=None, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.raw_text = ""
        self.flags.maxlength = self.MAX_LENGTH

    def process_formdata(self, valuelist):
        self.raw_text = ((valuelist[0] if valuelist else "") or "")[:self.MAX_LENGTH + 1]
        if len(self.raw_text) > self.MAX_LENGTH:
            self.data = None
            raise ValueError(MONEY_MESSAGES["malformed"])
        if not self.raw_text.strip():
            self.data = None
            if self.required:
                raise ValueError(MONEY_MESSAGES["empty"])
            return
        try:
            self.data = parse_amount(self.raw_text)
        except MoneyError as error:
            self.data = None
            raise ValueError(MONEY_MESSAGES[error.code]) from error

    def _value(self):
        if self.raw_text:
            return self.raw_text
        return format_yuan(self.data) if isinstance(self.data, int) else ""


class DayField(DateField):
    """A date input whose text is read as people write dates (core.dates.parse_day: 2026-03-01,
    2026/3/1, 2026年3月1日, full-width digits) and whose refusal says what is wrong ("2026-02-30 is
    not a day of the calendar"). Use InputRequired, not DataRequired, with it: DataRequired would
    replace that message with "This field is required"."""

    def process_formdata(self, valuelist):
        text = ((valuelist[0] if valuelist else "") or "").strip()
        self.raw_data = [text]  # blank is no input: InputRequired then says so
        if not text:
            self.data = None
            return
        try:
            self.data = parse_day(text[:40])
        except DateProblem as problem:
            self.data = None
            raise ValueError(str(problem.message)) from problem


class MonthField(Field):
    """Text input whose `data` is a yyyymm month, typed any way core.dates.parse_month reads
    (2026-03, 2026/3, 202603, 2026年3月) and shown one way (2026-03)."""

    widget = TextInput()
    data: Optional[int]

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.raw_text = ""
        self.flags.maxlength = 20
        self.flags.required = True  # never optional (below): the browser asks before the confirm dialog does

    def process_formdata(self, valuelist):
        self.raw_text = ((valuelist[0] if valuelist else "") or "").strip()
        self.data = None
        if not self.raw_text:
            raise ValueError(_l("Enter a month, e.g. 2026-03."))
        try:
            self.data = parse_month(self.raw_text)
        except DateProblem as problem:
            raise ValueError(str(problem.message)) from problem

    def pre_validate(self, form):
        """A form sent without the field at all (an empty POST) has no month either."""
        if self.data is None and not self.process_errors:
            raise StopValidation(_l("Enter a month, e.g. 2026-03."))

    def _value(self):
        if self.raw_text:
            return self.raw_text
        return format_month(self.data) if isinstance(self.data, int) else ""
