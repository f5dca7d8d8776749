"""The planning office's pages (at /projects): the list, a project, editing, the spreadsheet import."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects", __name__)
