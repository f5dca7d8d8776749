"""The leadership's pages (at /reports): dashboard, charts, earned value, the meeting report."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
