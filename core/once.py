"""One-time form tokens: a double click or a resubmitted form creates one record, not two.

Each form that creates something carries a random token; the token is stored (PRIMARY KEY) in the
same transaction as the record, so a second submission of the same form fails to store it and the
whole second attempt is rolled back, whichever worker or process receives it.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import current_app, flash
from flask_wtf import FlaskForm
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from core.i18n import _l
from extensions import Model, db


class FormToken(Model):
    """A form submission that has been used."""

    __tablename__ = "form_token"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(DateTime)


def new_token() -> str:
    """A fresh token for a form being shown."""
    return secrets.token_urlsafe(24)


class OnceField(HiddenField):
    """Hidden field carrying the form's one-time token (a new one each time the form is shown)."""

    def _value(self):
        if not self.data:
            self.data = new_token()
        return self.data


class OnceForm(FlaskForm):
    """A form that creates something: it carries a one-time token.

    A submission without the token is refused (`ONCE_TOKEN_REQUIRED`, on outside the unit tests): a
    browser always sends it, so only a script leaves it out — and a script that resends the same
    form would otherwise store twice."""

    once = OnceField()

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, and the one-time token present when it is required."""
        valid = super().validate(extra_validators)
        if current_app.config.get("ONCE_TOKEN_REQUIRED", True) and not (self.once.data or "").strip():
            flash(_l("The form was sent without its one-time token; nothing was saved. Reload the page and "
                     "send the form again."), "error")
            return False
        return valid


def already_used(token: str | None) -> bool:
    """True when a submission with this token has already been stored."""
    return bool(token) and db.session.scalar(select(FormToken.token).where(FormToken.token == token)) is not None


def spend(token: str | None) -> None:
    """Mark the token used in the current transaction (a racing duplicate then fails on the key)."""
    if token:
        db.session.add(FormToken(token=token[:64], used_at=datetime.now(UTC).replace(tzinfo=None)))
        db.session.flush()
