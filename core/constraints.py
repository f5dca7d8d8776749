"""CHECK constraints written once: a column limited to a set of codes."""
from __future__ import annotations

from collections.abc import Iterable


def one_of(column: str, codes: Iterable[str]) -> str:
    """SQL condition: `column` holds one of `codes` (the keys of a label table), e.g. for a CHECK."""
    return f"{column} IN (" + ",".join(f"'{code}'" for code in codes) + ")"
