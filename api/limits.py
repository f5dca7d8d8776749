"""A rate limit per token: requests per minute in fixed windows, counted in each server process.

With N server processes a token gets at most N times the limit (`API_RATE_PER_MINUTE`); that keeps a
runaway script from crowding out the county's staff, which is what it is for, not an exact quota.
Memory is bounded: at most `MAX_TOKENS` windows, the oldest dropped first.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

MAX_TOKENS = 10_000
WINDOW_SECONDS = 60.0


class TokenLimiter:
    """At most `limit` requests per token in each one-minute window."""

    def __init__(self, limit: int, clock=time.monotonic):
        self.limit, self.clock = limit, clock
        self.windows: OrderedDict[int, tuple[float, int]] = OrderedDict()
        self.lock = threading.Lock()

    def allow(self, token_id: int) -> tuple[bool, int]:
        """Count a request with the token: (allowed, seconds until its window ends)."""
        now = self.clock()
        with self.lock:
            started, count = self.windows.pop(token_id, (now, 0))
            if now - started >= WINDOW_SECONDS:
                started, count = now, 0
            count += 1
            self.windows[token_id] = (started, count)
            while len(self.windows) > MAX_TOKENS:
                self.windows.popitem(last=False)
            return count <= self.limit, max(1, int(WINDOW_SECONDS - (now - started)))
