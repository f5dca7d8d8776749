"""What the planning pages need to know about money, without depending on the finance package.

Finance depends on planning (a payment belongs to a milestone), so planning must not import
finance. Instead, finance provides an object with this interface and the app factory installs it
as `app.extensions["project_money"]`; planning pages call it through `project_money()`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional, Protocol

from flask import current_app
from sqlalchemy import Select


@dataclass(frozen=True)
class FundingLine:
    """One source's money on a project."""

    source_id: int
    source_code: str
    source_name: str
    channel: str
    allocated_fen: int
    spent_fen: int

    @property
    def remaining_fen(self) -> int:
        """Allocated and not yet spent."""
        return self.allocated_fen - self.spent_fen


@dataclass(frozen=True)
class PlannedLine:
    """One source's planned funding of a project (the library entry's), beside what it allocated."""

    source_id: int
    source_code: str
    source_name: str
    planned_fen: int
    allocated_fen: int

    @property
    def unplanned_fen(self) -> int:
        """Allocated beyond the plan (0 when within it)."""
        return max(0, self.allocated_fen - self.planned_fen)


@dataclass(frozen=True)
class PaymentLine:
    """A payment (or reversal) made against a milestone."""

    payment_id: int
    milestone_id: int
    voucher_no: str
    paid_on: date
    payee: str
    source_code: str
    amount_fen: int
    cost_category: str
    reversal_of_id: Optional[int]
    category_label: object = None  # the cost category in the reader's language (finance knows the labels)


class ProjectMoney(Protocol):
    """Reads of the finance ledger that planning pages show."""

    def funding_by_source(self, project_id: int) -> list[FundingLine]:
        """Allocated, spent and remaining per source for a project."""
        ...

    def payments_by_milestone(self, project_id: int) -> dict[int, list[PaymentLine]]:
        """The project's payments grouped by milestone id, oldest first."""
        ...

    def planned_funding(self, project_ids: Sequence[int]) -> dict[int, list[PlannedLine]]:
        """Per project, each source planned or allocated: the plan beside the allocation."""
        ...

    def projects_funded_by(self, source_id: int) -> Select:
        """A select of the ids of projects the source has allocated to (for filtering)."""
        ...

    def source_choices(self) -> list[tuple[int, str]]:
        """(id, label) of every fund source, for a filter."""
        ...

    def lock_for_project_change(self, project_id: int) -> None:
        """Hold the locks finance takes before anything the fund rules read of a project changes
        (its name, category, description or completion): call it before changing the project."""
        ...

    def project_changed(self, project_id: int) -> None:
        """Bring what finance keeps about a project in step after it changed (the fund-rule breaches
        of its money), in the same transaction."""
        ...

    def breaches(self, project_id: int) -> Sequence[Any]:
        """The fund-rule breaches of the project's money, for templates/funds/_breaches.html
        (each with kind, kind_label, message, rule_id, source_id, source_code, project_id, project_code)."""
        ...


def project_money() -> ProjectMoney:
    """The installed provider."""
    return current_app.extensions["project_money"]
