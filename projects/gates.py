"""Gates on a project's status moves that other rules own: the library's review, the notices' periods.

A gate is a function (project, target status, actor) -> {field: message} or None; features install
theirs with `install_gate` in their init_app (disclosure, above planning, installs the notice gates
this way), and projects.services.change_status refuses a move while any gate names a problem, whatever
door the move came through (page, CLI, import).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from flask import Flask, current_app

Gate = Callable[[Any, str, Any], Optional[dict[str, Any]]]


def install_gate(app: Flask, gate: Gate) -> None:
    """Add `gate` to the checks every status move must pass."""
    app.extensions.setdefault("project_gates", []).append(gate)


def gate_problems(project, target: str, actor) -> dict[str, Any]:
    """Every installed gate's problems with moving `project` to `target`, merged."""
    problems: dict[str, Any] = {}
    for gate in current_app.extensions.get("project_gates", []):
        problems.update(gate(project, target, actor) or {})
    return problems
