"""The blueprints of accounts: signing in and out, one's own password and language (`auth`, at /),
and the administrator's account pages (`admin`, at /admin)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)
admin_bp = Blueprint("admin", __name__)
