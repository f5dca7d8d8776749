"""A small, bounded rate limit: requests per key (a client address, an API token) per minute.

Storage: a dictionary in each server process's memory, holding at most `MAX_KEYS` keys (the oldest
window dropped first), so a flood from many addresses or tokens costs bounded memory and nothing is
written to the database. With N server processes a key gets at most N times the limit: enough against
scraping floods and runaway scripts crowding out the county's staff, not an exact quota. Flask-Limiter
is not installed; this does what the public pages (per address) and the API (per token) need.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app

MAX_KEYS = 10_000
WINDOW_SECONDS = 60.0


class RateLimiter:
    """Fixed one-minute windows per key, at most `limit` requests in each."""

    def __init__(self, limit: int, max_keys: int = MAX_KEYS, clock=time.monotonic):
        self.limit, self.max_keys, self.clock = limit, max_keys, clock
        self.windows: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()
        self.lock = threading.Lock()

    def allow(self, key: Hashable) -> tuple[bool, int]:
        """Count a request with `key`: (allowed, seconds until its window ends)."""
        now = self.clock()
        with self.lock:
            started, count = self.windows.pop(key, (now, 0))
            if now - started >= WINDOW_SECONDS:
                started, count = now, 0
            count += 1
            self.windows[key] = (started, count)
            while len(self.windows) > self.max_keys:
                self.windows.popitem(last=False)
            return count <= self.limit, max(1, int(WINDOW_SECONDS - (now - started)))


def app_limiter(name: str, setting: str, default: int) -> RateLimiter:
    """The app's limiter `name` (in app.extensions), made on first use with the setting's limit per minute."""
    limiter = current_app.extensions.get(name)
    if limiter is None:
        limiter = current_app.extensions[name] = RateLimiter(int(current_app.config.get(setting, default)))
    return limiter
