"""An OC4IDS package as spreadsheet tables: one sheet of projects and one per array of objects
(locations, budgetBreakdown, parties, milestones, transactions, contractingProcesses, documents, ...),
each row carrying the ids that link it to its parents (`projects/id`, `parties/id`, ...).

A small flattener in the spirit of flatten-tool's: nested objects become columns named by their path
(`budget/amount/amount`), lists of plain values one cell joined by ";". Cells are written by core's
xlsx writer, formula-safe (a title typed as =HYPERLINK(...) stays text).
"""
from __future__ import annotations

from typing import Any

from core.sheets.tables import OutputSheet

MAX_TITLE = 31  # Excel's longest sheet name


def tables(package: dict[str, Any]) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Sheet path -> (columns, rows) for the package's projects and every nested array of objects."""
    found: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for project in package.get("projects", []):
        _rows(found, "projects", project, {})
    return found


def _rows(found: dict, sheet: str, item: dict[str, Any], parents: dict[str, Any]) -> None:
    columns, rows = found.setdefault(sheet, ([], []))
    row = dict(parents)
    children: list[tuple[str, dict[str, Any]]] = []
    _cells(item, "", row, children)
    for key in row:
        if key not in columns:
            columns.append(key)
    rows.append(row)
    links = dict(parents)
    if "id" in item:
        links[f"{sheet}/id"] = item["id"]
    for path, child in children:
        _rows(found, path.rsplit("/", 1)[-1] if "/" in path else path, child, links)


def _cells(value: dict[str, Any], prefix: str, row: dict[str, Any], children: list) -> None:
    for key, item in value.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict):
            _cells(item, path + "/", row, children)
        elif isinstance(item, list):
            if item and all(isinstance(element, dict) for element in item):
                children.extend((path, element) for element in item)
            else:
                row[path] = ";".join(str(element) for element in item)
        else:
            row[path] = item


def sheets(package: dict[str, Any]) -> list[OutputSheet]:
    """The package's tables as sheets for core.sheets.tables.write_xlsx."""
    out, titles = [], set()
    for name, (columns, rows) in tables(package).items():
        title = name[:MAX_TITLE]
        while title in titles:
            title = title[:MAX_TITLE - 1] + "_"
        titles.add(title)
        out.append(OutputSheet(title=title, headers=columns,
                               rows=[[row.get(column) for column in columns] for row in rows]))
    return out
