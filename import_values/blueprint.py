"""The remembered values' page (at /imports)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("import_values", __name__)
