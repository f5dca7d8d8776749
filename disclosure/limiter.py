"""A small, bounded rate limit for the public pages: requests per client address per minute.

Storage: a dictionary in each server process's memory, holding at most `MAX_ADDRESSES` addresses (the
oldest window dropped first) — so a flood from many addresses costs bounded memory, and nothing is
written to the database by an anonymous visitor. With N server processes an address gets at most N
times the limit; that is enough against scraping floods (the issue's aim), not an exact quota. The
client's address is Flask's `request.remote_addr`, which core.web corrects behind trusted proxies
(`LIANDONG_PROXY_HOPS`). Flask-Limiter is not installed; this does what the public pages need.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

MAX_ADDRESSES = 10_000
WINDOW_SECONDS = 60.0


class RateLimiter:
    """Fixed one-minute windows per address, at most `limit` requests in each."""

    def __init__(self, limit: int, max_addresses: int = MAX_ADDRESSES, clock=time.monotonic):
        self.limit, self.max_addresses, self.clock = limit, max_addresses, clock
        self.windows: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self.lock = threading.Lock()

    def allow(self, address: str) -> tuple[bool, int]:
        """Count a request from `address`: (allowed, seconds until its window ends)."""
        now = self.clock()
        with self.lock:
            started, count = self.windows.pop(address, (now, 0))
            if now - started >= WINDOW_SECONDS:
                started, count = now, 0
            count += 1
            self.windows[address] = (started, count)
            while len(self.windows) > self.max_addresses:
                self.windows.popitem(last=False)
            return count <= self.limit, max(1, int(WINDOW_SECONDS - (now - started)))
