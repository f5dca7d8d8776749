"""Anchoring the audit chain once a day without anyone remembering to, in every server process.

A request must never wait for an anchor nor fail because of one, so the work is off the request
path: each server process gets a daemon thread, started by its first request (gunicorn's forked
workers each start their own), that looks at the anchor log at once and then every
`CHECK_SECONDS`, and anchors when the newest line is older than `AUDIT_ANCHOR_HOURS`. A look costs
opening the log and reading its last line under its lock; only when an anchor is due does it read
the chain's head (a count and one row). The due-check and the anchor happen under the log's lock, so
however many processes look at the same moment, one of them anchors. A failure (log folder not
writable, database away) is logged and tried again at the next look; nothing is raised.

The first look of a new process anchors a log that has none, so a freshly upgraded installation is
anchored minutes after it starts serving. Off when `AUDIT_ANCHOR_HOURS` is 0 (the tests call
`tick()` with their own clock). The month close anchors too, and `flask audit anchor` any time.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Optional

from flask import Flask, current_app

from audit.anchors import AnchorLine, anchor_if_due

log = logging.getLogger(__name__)

CHECK_SECONDS = 300.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DailyAnchor:
    """This process's anchoring thread; `tick()` is one look, callable directly."""

    def __init__(self, app: Flask, every: timedelta, clock: Callable[[], datetime] = _utc_now,
                 check_seconds: float = CHECK_SECONDS):
        self.app = app
        self.every = every
        self.clock = clock
        self.check_seconds = check_seconds
        self.thread: Optional[threading.Thread] = None
        self._pid: Optional[int] = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def ensure_started(self) -> None:
        """Start this process's thread, once per process (a forked worker starts its own)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self.thread = threading.Thread(target=self._run, name="audit-anchor", daemon=True)
                self.thread.start()

    def stop(self) -> None:
        """End the thread at its next wake-up."""
        self._stopped.set()

    def tick(self) -> Optional[AnchorLine]:
        """Anchor if the newest anchor is older than `every`; the new line, or None. Never raises."""
        try:
            with self.app.app_context():
                return anchor_if_due(self.every, self.clock())
        except Exception:  # anchoring must never take the process down; the next look tries again
            log.exception("the daily audit anchor failed")
            return None

    def _run(self) -> None:
        while not self._stopped.is_set():
            started = time.monotonic()
            self.tick()
            self._stopped.wait(max(0.0, self.check_seconds - (time.monotonic() - started)))


def _before_request() -> None:
    current_app.extensions["audit_daily_anchor"].ensure_started()


def install(app: Flask) -> None:
    """Give `app` its daily anchoring when AUDIT_ANCHOR_HOURS is above 0."""
    hours = float(app.config.get("AUDIT_ANCHOR_HOURS", 0) or 0)
    if hours <= 0:
        return
    app.extensions["audit_daily_anchor"] = DailyAnchor(app, timedelta(hours=hours))
    app.before_request(_before_request)
