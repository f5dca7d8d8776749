"""Compute the leadership reports after a change, before anyone asks for them.

The dashboard, the checks, earned value and the dashboard's charts are computed once per data
version (reports/cache.py); at county scale the first computation after a change takes 0.5-2 s.
Without help, the first person to open a report after each payment waits for it. The warmer moves
that wait off the request path: a daemon thread in each server process looks at the data version
every `REPORT_WARM_SECONDS` seconds (a few index lookups) and, right after a request of this
process changed something, at once; when the version moved, it computes those reports for today,
unfiltered, in each language the process has shown reports in (the county's default language
first). A request that arrives while the warmer is still computing waits for that same computation
(the cache makes each key once), never for a second one. After a round that took T seconds the
thread rests 3T, so during a busy hour of data entry it uses at most a quarter of a core.

The thread starts with the first request of each process (so gunicorn's forked workers each get
their own) and makes its first round at once, so a new worker's reports are ready seconds later.
It is off when `REPORT_WARM_SECONDS` is 0, as in the tests, which call `warm()` themselves.

Last, the meeting-report PDF in the county's language (typeset by Typst since it no longer holds the
process's chart-rendering lock for seconds: its print charts take ~1 s at county scale, its layout
0.4 s in a child process), so that the report a leader prints after a change is ready too. What the
warmer computes is also kept on disk (reports/cache/disk.py): a restarted worker reads it back.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import date
from typing import Optional

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, get_locale

from core.transactions import commit_with_retry
from funds.rules import standing
from reports import services
from reports.cache.store import data_version
from reports.charts.catalog import DASHBOARD_CHARTS, Context
from reports.filters import ReportFilter
from reports.meeting.report import meeting_report_pdf

log = logging.getLogger(__name__)


def warm(locales: tuple[str, ...], today: Optional[date] = None, meeting: bool = True) -> tuple:
    """Compute the unfiltered reports for `today` at the current data version; the version.

    First the kept fund-rule breaches when they are not built yet (one write transaction). Then,
    cheapest and most looked-at first: the dashboard (with the checks), its charts, earned value and
    its ranking, then the meeting report in the first language of `locales` (the county's)."""
    today = today or date.today()
    if not standing.is_built():
        # After an upgrade to the kept breaches (migration 0012) or a bulk load without them: build
        # them once here, in the background, rather than evaluating every rule on each checks page.
        commit_with_retry(standing.rebuild)
    version = data_version()
    filters = ReportFilter()
    services.dashboard(filters, today, version)
    for _template, check in current_app.extensions.get("more_checks", []):
        check(today)  # the checks page's other checks (the fund-use notices due keep theirs per version)
    for locale in locales:
        with force_locale(locale):
            context = Context(filters, today, today, str(get_locale()))  # as a request names it: zh_Hans_CN
            for name in DASHBOARD_CHARTS:
                services.chart_table(name, context, version)
                services.chart_image(name, "png", context, version)
    services.ranked_earned_value(filters, today, today, version, "spi")
    if meeting and locales:
        meeting_report_pdf(filters, today, today, "zh_CN" if locales[0].startswith("zh") else "en", version)
    return version


class ReportWarmer:
    """One background thread per process that keeps the unfiltered reports computed."""

    def __init__(self, app: Flask, interval: float, meeting: bool = True):
        self.app = app
        self.interval = interval
        self.meeting = meeting  # the meeting report too (its last and longest step)
        self.locales: list[str] = [str(Locale.parse(app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")))]
        self.warmed: Optional[tuple] = None  # the data version of the last round
        self._warmed_for: tuple = (None, ())  # and its day and languages
        self._wake = threading.Event()
        self._stopped = False
        self._pid: Optional[int] = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        """Start this process's thread (once per process: a forked worker starts its own)."""
        if self.interval <= 0 or self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="report-warmer", daemon=True).start()

    def seen(self, locale: str) -> None:
        """Warm reports in `locale` too from now on (a report was shown in it)."""
        locale = str(Locale.parse(locale))
        if locale not in self.locales:
            self.locales.append(locale)

    def poke(self) -> None:
        """Look at the data version now rather than at the next tick (something was just changed)."""
        self._wake.set()

    def stop(self) -> None:
        """End the thread after its current round."""
        self._stopped = True
        self._wake.set()

    def _run(self) -> None:
        rest, first = 0.0, True
        while not self._stopped:
            # After a round that took T seconds, rest 3T whatever the pokes: at most a quarter of a core.
            if rest and self._sleep(rest):
                return
            if not first:  # the first round runs at once: a new worker's cache fills before it is asked
                self._wake.wait(self.interval)
            first = False
            self._wake.clear()
            if self._stopped:
                return
            started, rest = time.monotonic(), 0.0
            try:
                with self.app.app_context():
                    # A new day (the reports are as of today) or a language not warmed yet is new work too.
                    day, locales = date.today(), tuple(self.locales)
                    if (data_version(), day, locales) != (self.warmed, self._warmed_for[0], self._warmed_for[1]):
                        self.warmed = warm(locales, day, self.meeting)
                        self._warmed_for = (day, locales)
                        rest = 3 * (time.monotonic() - started)
            except Exception:  # a failed warm-up costs a slower first request, never the process
                log.exception("warming the reports failed")

    def _sleep(self, seconds: float) -> bool:
        """Sleep `seconds` unless stopped first; True when stopped."""
        deadline = time.monotonic() + seconds
        while not self._stopped and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))
        return self._stopped


def _after_request(response):
    """Wake the warmer after a request that may have changed data (a successful POST)."""
    warmer = current_app.extensions.get("report_warmer")
    if warmer is not None and request.method == "POST" and response.status_code < 400:
        warmer.poke()
    return response


def _before_request() -> None:
    warmer = current_app.extensions.get("report_warmer")
    if warmer is not None:
        warmer.ensure_started()


def install(app: Flask) -> None:
    """Give `app` a report warmer when REPORT_WARM_SECONDS is above 0."""
    interval = float(app.config.get("REPORT_WARM_SECONDS", 0) or 0)
    if interval <= 0:
        return
    app.extensions["report_warmer"] = ReportWarmer(app, interval)
    app.before_request(_before_request)
    app.after_request(_after_request)


def note_locale(locale: str) -> None:
    """Tell this process's warmer that reports are read in `locale`."""
    warmer = current_app.extensions.get("report_warmer") if has_request_context() else None
    if warmer is not None:
        warmer.seen(locale)
