"""The finance pages (at /funds): the ledger, money entry, reconciliation, fund rules and checks."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("funds", __name__)
