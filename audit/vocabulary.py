"""The words of the audit trail: what each action, object, field and coded value is called, and where
each kind of object can be seen.

The trail stores codes (`payment.reverse`, `amount_fen`, `in_progress`): they are what the chain
hashes and never change. People read names. The audit package sits below every feature, so each
feature tells the trail its own words in its `init_app`:

    describe(app, actions={"payment.reverse": _l("Payment reversed")},
             objects={"payment": _l("Payment")}, fields={"amount_fen": _l("Amount")},
             values={"cost_category": COST_CATEGORIES}, links={"payment": payment_links})

A link resolver takes the object ids shown on a page (text, as stored) and returns {id: url} for
those it can show to any reader of the trail; resolving a page's worth at once keeps it to one query.
Times recorded inside a before/after (a lock's end) are named in `times` and shown in the county's zone.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

LinkResolver = Callable[[list[str]], Mapping[str, str]]
_KEY = "audit.vocabulary"


@dataclass
class Vocabulary:
    """Every feature's words for the trail (lazy translatable strings, read when shown)."""

    actions: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    links: dict[str, LinkResolver] = field(default_factory=dict)
    times: set[str] = field(default_factory=set)


def describe(app: Flask, *, actions: Mapping[str, Any] | None = None, objects: Mapping[str, Any] | None = None,
             fields: Mapping[str, Any] | None = None, values: Mapping[str, Mapping[str, Any]] | None = None,
             links: Mapping[str, LinkResolver] | None = None, times: Iterable[str] = ()) -> None:
    """Add a feature's words to the app's trail vocabulary (a later feature may not rename a code)."""
    vocabulary = app.extensions.setdefault(_KEY, Vocabulary())
    for mine, theirs in ((vocabulary.actions, actions), (vocabulary.objects, objects), (vocabulary.fields, fields),
                         (vocabulary.values, values), (vocabulary.links, links)):
        for code, word in (theirs or {}).items():
            mine.setdefault(code, word)
    vocabulary.times.update(times)


def vocabulary() -> Vocabulary:
    """The current app's trail vocabulary (empty when no feature described anything)."""
    return current_app.extensions.get(_KEY) or Vocabulary()
