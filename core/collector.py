"""Pausing Python's cycle collector while a bulk job keeps many objects alive at once.

    with cycle_collector_paused(): ...

Apart from core.bulk (which re-exports it) so that code with no database, such as the spreadsheet
readers, can pause the collector too without importing SQLAlchemy.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_paused = 0  # bulk jobs running now with the collector paused (threads of one process share it)
_was_enabled = False
_pause_lock = threading.Lock()


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk job. A long statement keeps hundreds of thousands of
    cells, lines, tuples and rows alive at once, none of them in a cycle, and the collector, woken by
    every few hundred new objects, would walk them again and again (a third of the time it takes to
    read 100,000 lines). Reference counting still frees everything. The collector is process-wide:
    it resumes (if it was running) when the last of the jobs running at the same time ends; until
    then cyclic garbage of other threads of the process (the report warmer's matplotlib figures)
    waits too, a passing rise of some tens of MB."""
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
