"""The kinds of column whose values can be mapped by hand, as the features register them.

Each feature says, in its init_app, which of its choice columns a county may map (projects: the
category, the status, the township or village; finance: the cost category, the funding channel and
the fund source) and which codes each accepts, read when needed (areas and sources are rows of the
database). The remembered values' page shows labels through these, and `remember` accepts only
their codes.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask, current_app

EXTENSION = "import_value_kinds"


@dataclass(frozen=True)
class ValueKind:
    """A kind of column: its key, its name for people, and {code: label} of the values it accepts."""

    key: str
    label: object
    choices: Callable[[], Mapping[str, object]]


def register(app: Flask, kind: ValueKind) -> None:
    """Make `kind` mappable in `app`."""
    app.extensions.setdefault(EXTENSION, {})[kind.key] = kind


def registered() -> dict[str, ValueKind]:
    """The current app's kinds, by key, in the order they were registered."""
    return dict(current_app.extensions.get(EXTENSION, {}))
