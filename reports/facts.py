"""The plain records the reports' queries return and their pure functions take: a source's money, a
project's timing, a milestone's dates. Below both, so that neither depends on the other."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional


@dataclass(frozen=True)
class SourceMoney:
    """A fund source's money: received, allocated and spent (within the filter, see queries)."""

    source_id: Optional[int]
    code: str
    name: str
    received_fen: int
    allocated_fen: int
    spent_fen: int

    @property
    def unallocated_fen(self) -> int:
        """Received and not yet allocated to any project."""
        return self.received_fen - self.allocated_fen

    @property
    def unspent_fen(self) -> int:
        """Allocated and not yet spent."""
        return self.allocated_fen - self.spent_fen


@dataclass(frozen=True)
class ProjectTiming:
    """A project's dates, physical progress and late flag."""

    project_id: int
    code: str
    name: str
    planned_start: Optional[date]
    planned_end: Optional[date]
    progress_bp: Optional[int]
    late: bool


@dataclass(frozen=True)
class MilestoneDates:
    """A milestone's planned and actual dates and progress."""

    sequence: int
    name: str
    planned_date: date
    actual_date: Optional[date]
    progress_pct: int
