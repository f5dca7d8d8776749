"""Sections that features above planning add to a project's page (contracts: its contracts), without
planning importing them: each registers a template and a function giving its context.

    register_section(app, "contracts/_project_contracts.html", lambda project, user: {...})
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

EXTENSION = "project_sections"


@dataclass(frozen=True)
class Section:
    """A template included on the project page, with the context it needs."""

    template: str
    context: Callable[[Any, Any], dict[str, Any]]


def register_section(app: Flask, template: str, context: Callable[[Any, Any], dict[str, Any]]) -> None:
    """Add a section to every project page of `app` (in the order registered)."""
    app.extensions.setdefault(EXTENSION, []).append(Section(template, context))


def sections_for(project, user) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each registered section for this project and reader."""
    return [(section.template, section.context(project, user)) for section in current_app.extensions.get(EXTENSION, [])]
