"""Asset pages (at /assets): the register, its export, an asset's edit and handover."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assets", __name__)
