"""Which events the trail shows: the filter from the query string and the query it makes.

Filters: an action (a code from the list of named actions, or a prefix such as `payment`), the user,
the kind of object and its id, a date range in the county's days (Beijing time: an event at 23:30 on
1 March is on 1 March, though it is stored as 15:30 UTC), and the outcome.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import Select, select

from audit.models import AuditEvent
from core import dates
from core.clock import utc_start_of_local_day
from core.params import query_day

OUTCOME_CODES = ("ok", "denied")
TEXT_FILTERS = ("user", "action", "object", "object_id", "outcome")


@dataclass(frozen=True)
class TrailFilter:
    """The trail's filter as given (text values stripped; days within the window of dates)."""

    user: str = ""
    action: str = ""
    object: str = ""
    object_id: str = ""
    outcome: str = ""
    start: Optional[date] = None
    end: Optional[date] = None

    @classmethod
    def from_args(cls, args: Mapping[str, str], today: date) -> TrailFilter:
        """Read the query string (400 for a day outside the window of dates, like every page)."""
        text = {key: (args.get(key) or "").strip()[:64] for key in TEXT_FILTERS}
        if text["outcome"] not in OUTCOME_CODES:
            text["outcome"] = ""
        window = dates.window()
        low, high = window.earliest, window.latest(today, dates.PLAN)
        return cls(**text, start=query_day("from", low=low, high=high), end=query_day("to", low=low, high=high))

    def args(self) -> dict[str, str]:
        """The filter as query-string arguments (for the export link and the pager)."""
        values = {"user": self.user, "action": self.action, "object": self.object, "object_id": self.object_id,
                  "outcome": self.outcome, "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else ""}
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        """True when anything narrows the trail."""
        return bool(self.args())

    def apply(self, query: Select, named_actions: Mapping[str, object]) -> Select:
        """`query` narrowed to the filter. A named action is matched exactly; other text as a prefix."""
        if self.user:
            query = query.where(AuditEvent.username == self.user)
        if self.action in named_actions:
            query = query.where(AuditEvent.action == self.action)
        elif self.action:
            query = query.where(AuditEvent.action.startswith(self.action, autoescape=True))
        if self.object:
            query = query.where(AuditEvent.object_type == self.object)
        if self.object_id:
            query = query.where(AuditEvent.object_id == self.object_id)
        if self.outcome:
            query = query.where(AuditEvent.outcome == self.outcome)
        if self.start:
            query = query.where(AuditEvent.at >= utc_start_of_local_day(self.start))
        if self.end:
            query = query.where(AuditEvent.at < utc_start_of_local_day(self.end + timedelta(days=1)))
        return query


def trail_query(filters: TrailFilter, named_actions: Mapping[str, object]) -> Select:
    """The filtered events, newest first."""
    return filters.apply(select(AuditEvent), named_actions).order_by(AuditEvent.id.desc())
