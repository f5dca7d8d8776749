"""What the leadership pages are narrowed to: year, township, category, fund source; and the report date.

The same filter drives the project list (projects.queries.ProjectFilter), so every figure on the
dashboard links to a list that shows exactly the projects behind it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

from core.params import query_int
from projects.models import CATEGORIES
from projects.queries import ProjectFilter

LANGUAGES = {"zh": "zh_CN", "zh_CN": "zh_CN", "zh-CN": "zh_CN", "en": "en"}


@dataclass(frozen=True)
class ReportFilter:
    """Year (projects running in it; the monthly chart shows it), township (or town), category, source."""

    year: Optional[int] = None
    area_id: Optional[int] = None
    category: str = ""
    source_id: Optional[int] = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ReportFilter:
        """Read the filter from a query string, dropping values that are not allowed."""
        year = query_int("year", low=1, high=9999, args=args)
        category = args.get("category") or ""
        return cls(year=year if year and 2000 <= year <= 2100 else None, area_id=query_int("area", args=args),
                   category=category if category in CATEGORIES else "", source_id=query_int("source", args=args))

    @property
    def narrows_projects(self) -> bool:
        """True when projects are filtered by year, place or category (not only by source)."""
        return bool(self.year or self.area_id or self.category)

    @property
    def active(self) -> bool:
        """True when any filter is on."""
        return self.narrows_projects or self.source_id is not None

    def project_filter(self, **extra) -> ProjectFilter:
        """The project-list filter for the same projects (plus e.g. status or attention)."""
        return ProjectFilter(category=self.category, area_id=self.area_id, year=self.year,
                             source_id=self.source_id, **extra)

    def args(self, **extra) -> dict[str, object]:
        """Query-string arguments that reproduce this filter (empty ones left out), plus `extra`."""
        values = {"year": self.year, "area": self.area_id, "category": self.category or None,
                  "source": self.source_id, **extra}
        return {key: value for key, value in values.items() if value not in (None, "")}

    def key(self) -> tuple:
        """A hashable key for caches."""
        return (self.year, self.area_id, self.category, self.source_id)


def parse_language(text: Optional[str], default: str) -> Optional[str]:
    """The locale for 'zh' or 'en' (also zh_CN / zh-CN), `default` when empty, None when unknown."""
    if not text:
        return default
    return LANGUAGES.get(text.strip())
