"""A project's change history as people read it, and the names of planning's fields.

A change record keeps the field's code and the old and new values as stored text
(`budget_fen`, `120000000`; `status`, `proposed`; `milestone 3 planned_cost_fen`). The page shows
the field's name in the reader's language, money in 元 to the fen (1,200,000.00 元), statuses and
categories by their labels and dates as written. The same field names serve the audit trail.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from flask_babel import gettext as _

from core.i18n import _l
from core.units import with_unit
from projects.models import CATEGORIES, NATURES, REVIEW_STATES, STATUSES

PROJECT_FIELD_LABELS = {
    "code": _l("Project code"), "name": _l("Project name"), "category": _l("Category"), "area_id": _l("Area"),
    "scale_quantity": _l("Scale"), "scale_unit": _l("Scale unit"), "budget_fen": _l("Budget"),
    "planned_start": _l("Planned start"), "planned_end": _l("Planned end"), "actual_start": _l("Actual start"),
    "actual_end": _l("Actual end"), "responsible_unit": _l("Responsible unit"), "contractor": _l("Contractor"),
    "description": _l("Description"), "status": _l("Status"),
    "longitude": _l("Longitude"), "latitude": _l("Latitude"),
    "nature": _l("Nature of construction"), "beneficiaries": _l("Beneficiaries"),
    "beneficiary_count": _l("People benefiting"), "beneficiary_poverty_count": _l("Of whom poverty-alleviated"),
    "beneficiary_monitored_count": _l("Of whom monitored"), "benefit_linkage": _l("Benefit-linkage mechanism"),
    "review_state": _l("Review"),
}
MILESTONE_FIELD_LABELS = {
    "sequence": _l("Sequence"), "planned_date": _l("Planned date"), "planned_cost_fen": _l("Planned cost"),
    "progress_pct": _l("Percent complete"), "actual_date": _l("Actual date"),
}
VALUE_LABELS: dict[str, dict[str, Any]] = {"status": STATUSES, "category": CATEGORIES, "nature": NATURES,
                                            "review_state": REVIEW_STATES}
_MILESTONE_FIELD = re.compile(r"^milestone ([0-9]+) (\w+)$")  # how services name a milestone's change
DASH = "—"


@dataclass(frozen=True)
class ChangeLine:
    """One change record as shown: when (stored UTC), who, what, before, after, why."""

    at: datetime
    username: str
    what: str
    before: str
    after: str
    reason: str


def field_name(field: str) -> str:
    """A changed field's name: 'Budget', or 'Milestone 3: Planned cost' for a milestone's field."""
    match = _MILESTONE_FIELD.match(field)
    if match:
        label = MILESTONE_FIELD_LABELS.get(match.group(2), match.group(2))
        return _("Milestone %(n)s: %(field)s", n=match.group(1), field=label)
    return str(PROJECT_FIELD_LABELS.get(field, field))


def value_text(field: str, stored: Optional[str]) -> str:
    """A stored value as people read it: money in 元, codes as labels, nothing as a dash."""
    if stored is None or stored == "":
        return DASH
    key = _MILESTONE_FIELD.sub(r"\2", field)
    if key.endswith("_fen") and re.fullmatch(r"-?[0-9]+", stored):
        return with_unit(int(stored))
    labels = VALUE_LABELS.get(key)
    if labels is not None and stored in labels:
        return str(labels[stored])
    return stored


def change_line(change: Any, username: Optional[str]) -> ChangeLine:
    """A ProjectChange (with the username of who made it) as a line of the history."""
    reason = "" if change.reason == "-" else change.reason  # "-": a status move that needed no reason
    return ChangeLine(change.at, username or DASH, field_name(change.field), value_text(change.field, change.old_value),
                      value_text(change.field, change.new_value), reason)
