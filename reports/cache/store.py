"""An in-process LRU cache for chart bytes and computed report data, keyed by a data version.

The key of every entry starts with `data_version()`: a cheap fingerprint of everything the reports
read. Every money and planning change writes an audit event in the same transaction, so the newest
audit event about projects, milestones, sources, allocations, appropriations, payments or rules
moves with each of them (sign-ins, refusals and exports — even an export naming a project or a
source — are not changes of data and are skipped, so they do not throw the cache away). The newest
ids of payments, progress reports, milestones, allocation entries, appropriations and plan changes,
the number of projects, the rules' newest edit time and the sum of the projects' row versions are
added, so that a change made without an audit event (a script, a test builder) invalidates too.
Each part is an index lookup or an index-only scan of the projects' versions: 1-3 ms at county
scale, and every report page pays it. (Milestones are not counted: nothing deletes a milestone but
with its project, which the number of projects sees, and counting 50,000 of them cost 3-12 ms a page.)
A warm chart costs that query and a dict lookup.

The cache lives in each process (gunicorn workers each have their own), holds at most `max_bytes` of
values, and drops the least recently used entries first. Entries for older data versions are never
hit again: all but the last two versions' are dropped. Behind it, a second tier on disk
(reports/cache/disk.py, `REPORT_CACHE_DIR`, default instance/report-cache) keeps what any process
computed, so a restarted or new worker reads the current version's reports back instead of
computing them again.
"""
from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Any, Optional

from flask import current_app
from sqlalchemy import func, select

from audit.models import AuditEvent
from extensions import db
from funds.models import AllocationEntry, Appropriation, FundRule, Payment
from projects.models import Milestone, ProgressUpdate, Project, ProjectChange
from reports.cache.disk import MISSING, DiskTier

DATA_OBJECTS = ("project", "milestone", "fund_source", "allocation", "appropriation", "payment", "fund_rule",
                "notice", "asset")  # a notice or a handover meets a check of the checks page
# Events that read data and change none, whatever object they name: an export ("payment.export",
# "project.export", ...). Without this, a leader exporting the project list would throw away every
# report computed for the data as it still is.
READ_ONLY_SUFFIX = ".export"
# Events about a data object that change nothing a report shows: an objection to a notice (received or
# resolved) is the notice's, but the notices due read only that the notice was posted.
UNSHOWN_ACTIONS = ("objection.create", "objection.resolve")


def data_version() -> tuple:
    """A fingerprint of the data the reports show; it changes whenever that data changes."""
    # Newest first and stop at the first match: the primary key index answers it without a scan.
    last_change = (select(AuditEvent.id).where(AuditEvent.object_type.in_(DATA_OBJECTS),
                                               AuditEvent.action.not_like(f"%{READ_ONLY_SUFFIX}"),
                                               AuditEvent.action.not_in(UNSHOWN_ACTIONS))
                   .order_by(AuditEvent.id.desc()).limit(1))
    parts = [last_change] + [select(part) for part in (
        func.max(Payment.id), func.max(ProgressUpdate.id), func.max(Milestone.id),
        func.max(AllocationEntry.id), func.max(Appropriation.id), func.max(ProjectChange.id),
        func.max(FundRule.id), func.max(FundRule.updated_at), func.coalesce(func.sum(Project.version), 0),
        func.count(Project.id))]
    return tuple(db.session.execute(select(*(part.scalar_subquery() for part in parts))).one())


def _version(key: Hashable) -> Hashable:
    """The data version a key of a cache that keeps versions starts with."""
    if not isinstance(key, tuple):
        raise TypeError(f"a cache that keeps versions takes (data version, ...) keys, not {key!r}")
    return key[0]


def _size(value: Any) -> int:
    """Roughly how much memory a value holds (exact for bytes)."""
    return len(value) if isinstance(value, (bytes, bytearray)) else sys.getsizeof(value) + 4096


class LruCache:
    """A thread-safe least-recently-used cache bounded by entry count and total size."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 64 * 1024 * 1024, keep_versions: int = 0,
                 disk: Optional[DiskTier] = None):
        self.max_entries = max_entries
        self.disk = disk  # a second tier, asked on a miss and given what is made (keys start with a version)
        self.max_bytes = max_bytes
        # With keep_versions, keys are tuples starting with a data version, and only the entries of the
        # last `keep_versions` versions stored are kept: the others would never be asked for again, and
        # the size estimate of computed data (not bytes) is too rough to bound memory by itself.
        self.keep_versions = keep_versions
        self._versions: list = []
        self._dropped: deque = deque(maxlen=64)  # versions already dropped: a late put of one is ignored
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0
        self.disk_hits = 0

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The cached value of `key`, made (outside the lock) and stored when missing.

        While one thread makes a key (the report warmer, say), another asking for it waits for that
        value instead of computing it a second time; if the maker fails, the waiter makes it itself.
        """
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return self._entries[key][0]
                making = self._making.get(key)
                if making is None:
                    self.misses += 1
                    done = self._making[key] = threading.Event()
                    break
            making.wait()  # then look again: the value, or (the maker failed) make it here
        try:
            value = self.disk.get(key) if self.disk is not None else MISSING
            if value is MISSING:
                value = make()
                if self.disk is not None:
                    self.disk.put(key, value)
            else:
                self.disk_hits += 1
            self.put(key, value)
            return value
        finally:
            with self._lock:
                self._making.pop(key, None)
            done.set()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value, evicting the least recently used entries beyond the limits."""
        size = _size(value)
        with self._lock:
            if self.keep_versions:
                version = _version(key)
                if version in self._dropped:
                    return  # computed for a version two changes old: nobody will ask for it again
                self._forget_old_versions(version)
            if key in self._entries:
                self._bytes -= self._entries.pop(key)[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, evicted) = self._entries.popitem(last=False)
                self._bytes -= evicted

    def _forget_old_versions(self, version) -> None:
        if version in self._versions:
            return
        self._versions.append(version)
        while len(self._versions) > self.keep_versions:
            old = self._versions.pop(0)
            self._dropped.append(old)
            for key in [key for key in self._entries if _version(key) == old]:
                self._bytes -= self._entries.pop(key)[1]

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._versions.clear()
            self._dropped.clear()
            self._bytes = 0


def report_cache() -> LruCache:
    """The application's report cache (one per app, so two apps never share entries), with its disk
    tier unless `REPORT_CACHE_DIR` is empty."""
    cache = current_app.extensions.get("reports.cache")
    if cache is None:
        folder = current_app.config.get("REPORT_CACHE_DIR")
        if folder is None:
            folder = os.path.join(current_app.instance_path, "report-cache")
        secret = str(current_app.config["SECRET_KEY"]).encode()
        disk = DiskTier(folder, secret, keep_versions=2) if folder else None
        cache = current_app.extensions.setdefault("reports.cache", LruCache(keep_versions=2, disk=disk))
    return cache


def cached_by_version(key: tuple, make: Callable[[], Any]) -> Any:
    """make() once per data version and key in the report cache (its disk tier included): how a
    feature below reports (app.extensions["version_cache"]) keeps a computation over the ledger."""
    return report_cache().get_or_make((data_version(),) + key, make)
