"""One object for equal texts read from a table, so a text repeated in many cells is kept once.

A statement repeats its payees, summaries and dates line after line, and a CSV reader, an inline
string or a JSON decoder makes a new object for every cell: 4,000,000 short texts cost about 60
bytes each. A pool hands back the object it already has for an equal text. It remembers at most
`size` texts (the first ones met), so a table of texts that never repeat costs it a bounded dict
and a look-up per cell, no more.
"""
from __future__ import annotations

POOL_SIZE = 65_536


class TextPool:
    """Call it with a text to get the pooled object equal to it (the text itself the first time)."""

    __slots__ = ("room", "texts")

    def __init__(self, size: int = POOL_SIZE):
        self.texts: dict[str, str] = {}
        self.room = size

    def __call__(self, text: str) -> str:
        shared = self.texts.get(text)
        if shared is not None:
            return shared
        if self.room:
            self.texts[text] = text
            self.room -= 1
        return text
