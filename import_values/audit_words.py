"""What the audit trail calls a value mapped by hand and its changes; a remembered value links to the
page that lists them (audit/vocabulary.py)."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, url_for

from audit.vocabulary import describe
from core.i18n import _l

ACTIONS = {"import_value.remember": _l("Spreadsheet value remembered"),
           "import_value.forget": _l("Spreadsheet value forgotten")}
# Recorded under keys of their own: a rule's "kind" and a project's "code" already have names.
FIELDS = {"column": _l("Column"), "written": _l("As written"), "means": _l("Means")}


def value_links(ids: list[str]) -> Mapping[str, str]:
    """The trail's own events about each value (the page listing them is the planners'; a forgotten
    value is no longer on it)."""
    return {text: url_for("audit.index", object="import_value", object_id=text) for text in ids if text.isdigit()}


def install(app: Flask) -> None:
    """Tell the trail the remembered values' words and link."""
    describe(app, actions=ACTIONS, objects={"import_value": _l("Remembered spreadsheet value")}, fields=FIELDS,
             links={"import_value": value_links})
