"""Open data in the Open Contracting for Infrastructure Data Standard (OC4IDS 0.9, CoST).

`mapping` makes a project package of Liandong's projects (the disclosed ones, or all), `checks`
validates one offline (the schema shipped in `schema/`, and the Data Review Tool's additional checks),
`flatten` lays one out as spreadsheet tables. Served at /public/oc4ids.json and /public/oc4ids.xlsx;
`flask oc4ids export` and `flask oc4ids validate` (disclosure.cli).
"""
from __future__ import annotations

import json
from datetime import date
from io import BytesIO
from typing import Any, Optional

from flask import current_app


def package_uri(path: str = "/public/oc4ids.json") -> str:
    """Where the package is published: under the public address when it is configured, else a URN."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    prefix = current_app.config.get("OC4IDS_PREFIX", "")
    return f"{base}{path}" if base else f"urn:x-liandong:{prefix}package"


def build(*, all_projects: bool = False, code: Optional[str] = None, uri: Optional[str] = None,
          today: Optional[date] = None) -> dict[str, Any]:
    """The package of the disclosed projects (or all, or the one with `code`). Positions (GeoJSON points)
    go only into the internal export of all projects: what is published names places as text, since
    published maps and coordinates in China pass a map review first."""
    from disclosure.oc4ids.mapping import project_package, select_projects

    projects = select_projects(all_projects=all_projects, code=code, today=today)
    return project_package(projects, uri=uri or package_uri(), today=today, positions=all_projects)


def as_json(package: dict[str, Any]) -> bytes:
    """The package as UTF-8 JSON (Chinese as itself, not escaped)."""
    return json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")


def as_xlsx(package: dict[str, Any]) -> bytes:
    """The package flattened into a workbook (disclosure.oc4ids.flatten), formula-safe."""
    from core.sheets.tables import write_xlsx
    from disclosure.oc4ids.flatten import sheets

    stream = BytesIO()
    write_xlsx(stream, sheets(package))
    return stream.getvalue()
