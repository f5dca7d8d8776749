"""The remembered values' page: removing one carries only the CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm


class ForgetForm(FlaskForm):
    """Forget one remembered value."""
