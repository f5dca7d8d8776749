"""The kinds of record a document can be attached to, as the features register them (CTFd-style).

Documents sit below every feature that has evidence, so they cannot know projects, contracts or
payments; each feature tells them, in its init_app, how to find one of its records, what to call
it, where it is shown and who may read and attach:

    owners.register(app, "project", label=_l("Project"), read_roles=READERS, write_roles=PLANNERS,
                    find=lambda owner_id: db.session.get(Project, owner_id),
                    title=lambda project: f"{project.code} {project.name}",
                    url=lambda project: url_for("projects.detail", project_id=project.id),
                    by_code=project_id_by_code)

`by_code` (optional) lets the command line name a record by its code (`--project P-0001`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from flask import Flask, current_app

EXTENSION = "document_owners"


@dataclass(frozen=True)
class OwnerKind:
    """A kind of record documents attach to (module docstring)."""

    key: str
    label: Any
    read_roles: tuple[str, ...]
    write_roles: tuple[str, ...]
    find: Callable[[int], Any]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    by_code: Optional[Callable[[str], Optional[int]]] = None


def register(app: Flask, key: str, *, label: Any, read_roles: tuple[str, ...], write_roles: tuple[str, ...],
             find: Callable[[int], Any], title: Callable[[Any], str], url: Callable[[Any], str],
             by_code: Optional[Callable[[str], Optional[int]]] = None) -> None:
    """Let documents be attached to records of kind `key` in `app`."""
    kind = OwnerKind(key, label, tuple(read_roles), tuple(write_roles), find, title, url, by_code)
    app.extensions.setdefault(EXTENSION, {})[key] = kind


def registered() -> dict[str, OwnerKind]:
    """The current app's owner kinds, by key, in the order they were registered."""
    return dict(current_app.extensions.get(EXTENSION, {}))


def owner_kind(key: str) -> Optional[OwnerKind]:
    """The registered kind `key`, or None."""
    return current_app.extensions.get(EXTENSION, {}).get(key)
