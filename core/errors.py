"""One way to refuse: a service raises `Refused` (or a subclass) naming the field at fault and why;
a view shows it with `show_refusal`, on the form's field when the form has one, else as a message.

Services are the only door that counts (the web, the spreadsheet import, the CLI and the API all go
through them), so every business rule raises this, in words a person can act on. Messages are
translatable (lazy) strings: they read in the language of whoever sees them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash
from wtforms import Field


class Refused(ValueError):
    """A refused operation: `errors` maps each field at fault to a message saying why (at least one);
    `field` and `message` are the first of them. Nothing was stored (the caller rolls back)."""

    def __init__(self, field: str | Mapping[str, Any], message: Any = None):
        self.errors: dict[str, Any] = dict(field) if isinstance(field, Mapping) else {field: message}
        super().__init__("; ".join(f"{key}: {value}" for key, value in self.errors.items()))

    @property
    def field(self) -> str:
        """The (first) field at fault."""
        return next(iter(self.errors))

    @property
    def message(self) -> Any:
        """Why the (first) field is refused."""
        return next(iter(self.errors.values()))


def show_refusal(form, refused: Refused, fields: Mapping[str, str] | None = None) -> None:
    """Put each of the refusal's messages on the form's field of that name (`fields` maps a service's
    field names to the form's where they differ); a message for a field the form lacks is flashed."""
    for key, message in refused.errors.items():
        field = form._fields.get((fields or {}).get(key, key)) if form is not None else None
        if field is not None:
            add_field_error(field, message)
        else:
            flash(message, "error")


def add_field_error(field: Field, message: str) -> None:
    """Show `message` on `field` beside what its validators said (WTForms types `errors` as a
    read-only sequence: a new list, not an append)."""
    field.errors = [*field.errors, message]
