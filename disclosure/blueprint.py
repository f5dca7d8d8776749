"""The notice pages (signed in, at /notices) and the public pages (no sign-in, at /public)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notices", __name__)
public_bp = Blueprint("public", __name__)
