"""Work-for-relief pages (at /payroll): rosters, payrolls, their exports."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("payroll", __name__)
