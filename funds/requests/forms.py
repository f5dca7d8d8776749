"""The decision on a payment request: approve (a note is optional) or reject (a reason is required)."""
from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from core.i18n import _l
from core.once import OnceForm
from funds.requests.models import MAX_DECISION_REASON


class DecisionForm(OnceForm):
    """Approve or reject a payment request; rejecting says why."""

    reason = TextAreaField(_l("Reason or note"), validators=[Optional(), Length(max=MAX_DECISION_REASON)],
                           description=_l("Required when rejecting."))
