"""The fund-rule form: what a rule binds and its parameters as typed fields, never raw JSON.

One form serves every kind; the page shows only the fields of the rule's kind, and `params`
turns those fields into the stored parameters (the service validates them again).
"""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import MoneyField
from core.i18n import _l
from funds.models import CHANNELS
from funds.rules.params import DEFAULT_PARAMS, keywords_from_lines
from funds.rules.services import RuleInput
from projects.models import CATEGORIES

THRESHOLD_ROWS = 5


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ThresholdForm(Form):
    """One idle-allocation tier; a row left empty is ignored."""

    over = MoneyField(_l("Unspent balance over (yuan)"), required=False)
    months = IntegerField(_l("Months without payment"), validators=[Optional(), NumberRange(min=1, max=600)])


class RuleForm(FlaskForm):
    """A fund rule's binding, parameters, note and state."""

    channel = SelectField(_l("Channel"), choices=lambda: [("", _l("Any channel"))] + list(CHANNELS.items()))
    source_id = SelectField(_l("Or one fund source"), choices=[],
                            description=_l("Leave both empty for a rule that binds every source."))
    categories = CheckboxesField(_l("Project categories it may fund"), choices=lambda: list(CATEGORIES.items()))
    min_share_pct = DecimalField(_l("Minimum wage share (%)"), places=None, validators=[Optional()],
                                 description=_l("Share of the source's spending on a project paid as wages."))
    max_share_pct = DecimalField(_l("Maximum management fee (%)"), places=None, validators=[Optional()],
                                 description=_l("Share of what the source allocated to a project."))
    min_household_pct = DecimalField(_l("Minimum share from registered households (%)"), places=None,
                                     validators=[Optional()],
                                     description=_l("Share of a project's workers, managers aside."))
    days = IntegerField(_l("Days after the month worked"), validators=[Optional(), NumberRange(min=1, max=366)],
                        description=_l("A month's payroll not posted this many days after the month's end is listed."))
    warning_points = DecimalField(_l("Warning when behind by (percentage points)"), places=None,
                                  validators=[Optional()],
                                  description=_l("Payout ratio (paid ÷ received) below the schedule by this much."))
    breach_points = DecimalField(_l("Breach when behind by (percentage points)"), places=None,
                                 validators=[Optional()])
    forbidden_categories = CheckboxesField(_l("Forbidden project categories"),
                                           choices=lambda: list(CATEGORIES.items()))
    forbidden_keywords = TextAreaField(_l("Forbidden words, one per line"), validators=[Length(max=20000)],
                                       description=_l("Looked for in project names, descriptions and payees."))
    thresholds = FieldList(FormField(ThresholdForm), min_entries=THRESHOLD_ROWS)
    above = MoneyField(_l("Approval needed above (yuan)"), required=False,
                       description=_l("0 or empty: every payment needs a second person's approval."))
    fiscal_year = IntegerField(_l("Only for sources of fiscal year"),
                               validators=[Optional(), NumberRange(min=2000, max=2100)],
                               description=_l("Empty: sources of every year."))
    note = TextAreaField(_l("Note (source of the rule)"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active"))
    version = HiddenField()

    def params(self, kind: str) -> dict[str, Any]:
        """The parameters of a rule of `kind` as typed (validated by the service)."""
        if kind == "eligible_categories":
            return {"categories": list(self.categories.data or [])}
        if kind == "wage_share_floor":
            return {"min_share_pct": self.min_share_pct.data}
        if kind == "management_fee_cap":
            return {"max_share_pct": self.max_share_pct.data}
        if kind == "household_share_floor":
            return {"min_share_pct": self.min_household_pct.data}
        if kind == "wages_overdue":
            return {"days": self.days.data}
        if kind == "spending_schedule":
            return {"warning_points": self.warning_points.data, "breach_points": self.breach_points.data}
        if kind == "negative_list":
            return {"forbidden_categories": list(self.forbidden_categories.data or []),
                    "forbidden_keywords": keywords_from_lines(self.forbidden_keywords.data or "")}
        if kind == "idle_allocation":
            rows = [row.form for row in self.thresholds]
            return {"thresholds": [{"min_unspent_fen": row.over.data, "months": row.months.data}
                                   for row in rows if row.over.data is not None or row.months.data is not None]}
        if kind == "payment_approval":
            return {"above_fen": self.above.data or 0, "fiscal_year": self.fiscal_year.data}
        return {}

    def rule_input(self, kind: str) -> RuleInput:
        """Everything the service needs to save the rule."""
        return RuleInput(params=self.params(kind), channel=self.channel.data or None,
                         source_id=int(self.source_id.data) if self.source_id.data else None,
                         note=self.note.data or "", active=bool(self.active.data))


def initial_data(kind: str, rule=None) -> dict[str, Any]:
    """The form's starting values: the rule's own, or a new rule's defaults for its kind."""
    params = rule.params if rule is not None else DEFAULT_PARAMS.get(kind, {})
    params = params if isinstance(params, dict) else {}
    data: dict[str, Any] = {
        "channel": (rule.channel if rule else "") or "",
        "source_id": str(rule.source_id) if rule is not None and rule.source_id else "",
        "note": rule.note if rule is not None else "",
        "active": rule.active if rule is not None else True,
        "categories": params.get("categories") or [],
        "min_share_pct": params.get("min_share_pct") if kind == "wage_share_floor" else None,
        "max_share_pct": params.get("max_share_pct"),
        "min_household_pct": params.get("min_share_pct") if kind == "household_share_floor" else None,
        "days": params.get("days"),
        "warning_points": params.get("warning_points"),
        "breach_points": params.get("breach_points"),
        "forbidden_categories": params.get("forbidden_categories") or [],
        "forbidden_keywords": "\n".join(str(word) for word in params.get("forbidden_keywords") or []),
        "above": params.get("above_fen"),
        "fiscal_year": params.get("fiscal_year"),
    }
    rows = [row for row in params.get("thresholds") or [] if isinstance(row, dict)]
    data["thresholds"] = [{"over": row.get("min_unspent_fen"), "months": row.get("months")} for row in rows]
    return data


def rule_form(kind: str, rule, source_choices: list[tuple[str, str]]) -> RuleForm:
    """The form for a new rule of `kind` (rule None) or for editing `rule`, with its choices set."""
    form = RuleForm(data=initial_data(kind, rule))
    form.source_id.choices = [("", _l("No single source"))] + source_choices
    return form
