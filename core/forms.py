"""Form fields shared by every feature: amounts typed in yuan or 万元, stored as exact fen; dates."""
from __future__ import annotations

from wtforms import DateField, StringField

from core.dates import DateProblem, parse_day
from core.i18n import _l
from core.money import MoneyError, format_yuan, parse_amount

MONEY_MESSAGES = {
    "empty": _l("Enter an amount."),
    "negative": _l("The amount cannot be negative."),
    "malformed": _l("Not an amount: use digits, e.g. 1,234.56 or 12.5万."),
    "too_precise": _l("Amounts are exact to the fen (two decimals in yuan)."),
    "too_large": _l("The amount is too large."),
}


class MoneyField(StringField):
    """Text input whose `data` is integer fen (or None when left empty and optional).

    Accepts yuan with or without thousands separators, full-width digits, and a 万/万元 suffix.
    """

    def __init__(self, label=None, validators=None, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.raw_text = ""

    def process_formdata(self, valuelist):
        self.raw_text = (valuelist[0] if valuelist else "") or ""
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
