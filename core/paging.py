"""Pagination shared by every list page (one helper, not boilerplate in each view)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """Which slice of a list to show: 1-based `number`, `size` rows, out of `total`."""

    number: int
    size: int
    total: int

    @classmethod
    def from_request(cls, args: Mapping[str, str], total: int, size: int) -> Page:
        """Read `page` from the query string, clamped to the pages that exist."""
        try:
            number = int(args.get("page", 1))
        except (TypeError, ValueError):
            number = 1
        last = max(1, -(-total // size))
        return cls(min(max(1, number), last), size, total)

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        """True when there is a page before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """True when there is a page after this one."""
        return self.number < self.pages
