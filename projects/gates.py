"""Gates on a project's status moves that other rules own: the library's review, the notices' periods.

A gate is a function (project, target status, actor) -> {field: message} or None; features install
theirs with `install_gate` in their init_app (disclosure, above planning, installs the notice gates
this way), and projects.services.change_status refuses a move while any gate names a problem, whatever
door the move came through (page, CLI, import). A project entered at a later status than proposed
(the county's form, the spreadsheet import) passes the same gates, move by move, as a project that has
nothing yet: no notice, no target, no review; so no door reaches 'approved' around them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from flask import Flask, current_app

from projects import lifecycle

Gate = Callable[[Any, str, Any], Optional[dict[str, Any]]]


def install_gate(app: Flask, gate: Gate) -> None:
    """Add `gate` to the checks every status move must pass."""
    app.extensions.setdefault("project_gates", []).append(gate)


def install_after_move(app: Flask, target: str, listener: Callable[[Any, str, str, Any], object]) -> None:
    """Call `listener(project, from status, to status, actor)` after every move to `target`, in its
    transaction, whatever door it came through (assets: accepting a project drafts its asset)."""
    app.extensions.setdefault("project_after_move", []).append((target, listener))


def heard(target: str) -> bool:
    """True when some listener waits for moves to `target` (the bulk import then loads the project)."""
    return any(wanted == target for wanted, _listener in current_app.extensions.get("project_after_move", []))


def after_move(project, current: str, target: str, actor) -> None:
    """Tell the listeners of moves to `target` that `project` moved there from `current`."""
    for wanted, listener in current_app.extensions.get("project_after_move", []):
        if wanted == target:
            listener(project, current, target, actor)


def gate_problems(project, target: str, actor) -> dict[str, Any]:
    """Every installed gate's problems with moving `project` to `target`, merged."""
    problems: dict[str, Any] = {}
    for gate in current_app.extensions.get("project_gates", []):
        problems.update(gate(project, target, actor) or {})
    return problems


@dataclass(frozen=True)
class Unstored:
    """What the gates read of a project not stored yet: it has no id, so nothing attached to it."""

    status: str
    id: None = None
    review_state: None = None


def creation_problems(status: str, actor) -> dict[str, Any]:
    """Every gate's problems with entering a new project at `status`: each move from proposed to it."""
    problems: dict[str, Any] = {}
    current = "proposed"
    for following in lifecycle.path("proposed", status):
        problems.update(gate_problems(Unstored(current), following, actor))
        current = following
    return problems
