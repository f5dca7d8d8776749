"""Configuration read from the environment, with safe defaults for the embedded database.

`SECRET_KEY` is never a constant in code: when the environment does not give one, a random key is
generated once and kept in the instance folder, so sessions survive restarts.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def instance_secret_key(instance_path: str) -> str:
    """Return the key stored in the instance folder, creating it (mode 0600) on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Make a plain `postgresql://` or `postgres://` URL use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Production defaults; every setting that differs between installations comes from the environment."""

    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: DATABASE_URL or SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = None  # filled in by create_app: SECRET_KEY or the instance file
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("LIANDONG_HTTPS", "") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    ONCE_TOKEN_REQUIRED = True  # forms that create something must carry their one-time token (core/once.py)
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # a whole request (an uploaded file)
    # The text of a form: a url-encoded form (core.web.FormLimitedRequest) or a text part of an upload's
    # form (Werkzeug) over it is answered with the form's page and a message (core.web.too_large). The
    # browser never sends that much: every text field carries the maxlength of its Length validator.
    MAX_FORM_MEMORY_SIZE = 500_000
    # Uploads wait here between the steps of an import (default: instance/uploads).
    UPLOAD_FOLDER = os.environ.get("LIANDONG_UPLOAD_FOLDER")
    # Documents (documents/store.py): files kept by SHA-256 here (default instance/documents), each at
    # most DOCUMENT_MAX_BYTES (10 MB: a scanned contract or a phone photo).
    DOCUMENT_STORE = os.environ.get("LIANDONG_DOCUMENT_STORE")
    DOCUMENT_MAX_BYTES = int(os.environ.get("LIANDONG_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))
    LANGUAGES = ("zh_CN", "en")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    # The county's time zone (an IANA name): timestamps are stored in UTC and shown in this zone on
    # every page and export (core/clock.py). Beijing time by default.
    TIME_ZONE = os.environ.get("LIANDONG_TIME_ZONE", "Asia/Shanghai")
    # Public notices (公示): the shortest period a notice runs, in days counted inclusively, and the
    # county's supervision phone printed on every notice (disclosure/).
    NOTICE_MIN_DAYS = int(os.environ.get("LIANDONG_NOTICE_MIN_DAYS", 10))
    SUPERVISION_PHONE = os.environ.get("LIANDONG_SUPERVISION_PHONE", "12317")
    # A fund-use notice (资金使用公示) is due when a project's payments reach this share of its allocation,
    # and at completion; the county posts it within this many days (disclosure.due).
    FUND_USE_NOTICE_SPENT_PCT = int(os.environ.get("LIANDONG_FUND_USE_NOTICE_SPENT_PCT", 50))
    FUND_USE_NOTICE_DAYS = int(os.environ.get("LIANDONG_FUND_USE_NOTICE_DAYS", 15))
    # An accepted project's assets are handed over (资产移交) within this many days of its acceptance;
    # later, the check `asset_not_handed_over` names it (assets.overdue).
    ASSET_HANDOVER_DAYS = int(os.environ.get("LIANDONG_ASSET_HANDOVER_DAYS", 90))
    # The address the public reaches Liandong at (e.g. https://xm.example.gov.cn), for the QR code of a
    # printed notice; unset: the address of the request that printed it (an intranet address, if staff
    # print from inside).
    PUBLIC_BASE_URL = os.environ.get("LIANDONG_PUBLIC_BASE_URL", "")
    # The OC4IDS open-data export (disclosure/oc4ids): the project identifier prefix registered with CoST
    # (each project's id is the prefix and its code) and the publisher named in the package, also the
    # public authority of every project.
    OC4IDS_PREFIX = os.environ.get("LIANDONG_OC4IDS_PREFIX", "oc4ids-xxxxxx-")
    OC4IDS_PUBLISHER = os.environ.get("LIANDONG_OC4IDS_PUBLISHER", "双牌县人民政府")
    # Requests to the public pages per client address per minute, counted in each server process.
    PUBLIC_RATE_PER_MINUTE = int(os.environ.get("LIANDONG_PUBLIC_RATE_PER_MINUTE", 60))
    # Requests one API token may make per minute (core.limits), counted in each server process.
    API_RATE_PER_MINUTE = int(os.environ.get("LIANDONG_API_RATE_PER_MINUTE", 120))
    # Requests without a usable token one address may make per minute (each refusal is audited).
    API_REFUSALS_PER_MINUTE = int(os.environ.get("LIANDONG_API_REFUSALS_PER_MINUTE", 30))
    # Points of the year-end self-assessment: budget execution, output, benefit, satisfaction
    # (projects/targets), "10,50,30,10" by default.
    ASSESSMENT_WEIGHTS = dict(zip(("budget", "output", "benefit", "satisfaction"), (
        int(part) for part in os.environ.get("LIANDONG_ASSESSMENT_WEIGHTS", "10,50,30,10").split(","))))
    # The county's spending schedule (序时进度, funds/schedule.py): 12 cumulative percentages, one per
    # month end, e.g. the province's curve "5,12,20,28,37,50,58,66,75,83,91,100"; empty: the share
    # of the year's days passed.
    SPENDING_CURVE = os.environ.get("LIANDONG_SPENDING_CURVE", "")
    BABEL_DEFAULT_TIMEZONE = TIME_ZONE
    PAGE_SIZE = 50
    # How often (seconds) each server process checks whether the reports need computing again
    # (reports/warm.py); 0 turns the background warmer off.
    REPORT_WARM_SECONDS = float(os.environ.get("LIANDONG_REPORT_WARM_SECONDS", 5))
    # Where computed reports are kept between restarts and shared by the server processes
    # (reports/cache/disk.py); unset: instance/report-cache; empty: memory only.
    REPORT_CACHE_DIR = os.environ.get("LIANDONG_REPORT_CACHE_DIR")
    # The audit chain's anchors (audit/anchors.py): where the anchor log is kept (default
    # instance/audit-anchors; never inside the database or its backups), and how many hours may pass
    # between two anchors before a server process writes one (0: no automatic anchoring). The audit
    # key itself is read by audit/keys.py from LIANDONG_AUDIT_KEY or instance/audit_key, not kept here.
    AUDIT_ANCHOR_DIR = os.environ.get("LIANDONG_AUDIT_ANCHOR_DIR")
    AUDIT_ANCHOR_HOURS = float(os.environ.get("LIANDONG_AUDIT_ANCHOR_HOURS", 24))
    # Account and session policy (GB/T 22239 level 2-3, OWASP ASVS level 2); each can be tuned here.
    PASSWORD_MAX_AGE_DAYS = int(os.environ.get("LIANDONG_PASSWORD_MAX_AGE_DAYS", 90))
    # Sign-in limits (auth/throttle.py): per account and address, per account, per address.
    LOGIN_MAX_FAILURES = int(os.environ.get("LIANDONG_LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LIANDONG_LOGIN_LOCK_MINUTES", 5))
    LOGIN_LOCK_MAX_MINUTES = int(os.environ.get("LIANDONG_LOGIN_LOCK_MAX_MINUTES", 60))
    LOGIN_ACCOUNT_MAX_FAILURES = int(os.environ.get("LIANDONG_LOGIN_ACCOUNT_MAX_FAILURES", 30))
    LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LIANDONG_LOGIN_ADDRESS_MAX_FAILURES", 50))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("LIANDONG_LOGIN_WINDOW_MINUTES", 60))
    # How many reverse proxies in front of the app set X-Forwarded-For (0: use the peer's address).
    PROXY_HOPS = int(os.environ.get("LIANDONG_PROXY_HOPS", 0))
    # The dates that can be right (core/dates.py): none before this day; plans at most so many years ahead.
    DATE_EARLIEST = os.environ.get("LIANDONG_DATE_EARLIEST", "2000-01-01")
    PLAN_YEARS_AHEAD = int(os.environ.get("LIANDONG_PLAN_YEARS_AHEAD", 5))
    # A statement line matched to a payment booked more than this many days before or after it is
    # flagged on the reconciliation page with the gap (a bank books within days; months means look again).
    MATCH_GAP_DAYS = int(os.environ.get("LIANDONG_MATCH_GAP_DAYS", 10))
    # The county's bounding box in WGS84 degrees, "minlon,minlat,maxlon,maxlat": a project's position
    # outside it is refused (projects/positions.py). The default boxes the demo county, Shuangpai.
    COUNTY_BBOX = os.environ.get("LIANDONG_COUNTY_BBOX", "111.45,25.50,112.00,26.25")
    # The county's outline and towns as GeoJSON, the background of the project map (projects/map);
    # empty: the illustrative outline of the demo county shipped in projects/map/county.geojson.
    COUNTY_OUTLINE = os.environ.get("LIANDONG_COUNTY_OUTLINE", "")
    SESSION_IDLE_MINUTES = int(os.environ.get("LIANDONG_SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("LIANDONG_SESSION_ABSOLUTE_HOURS", 12))


class TestConfig(Config):
    """Settings for the test suite: a database given by the fixture, no CSRF and no required one-time
    form token unless a test asks (the live server, driven by real HTTP clients and browsers, asks)."""

    TESTING = True
    WTF_CSRF_ENABLED = False
    ONCE_TOKEN_REQUIRED = False
    REPORT_WARM_SECONDS = 0  # tests call reports.warm.warm() themselves
    SECRET_KEY = "test-only-key-not-used-outside-tests"
    AUDIT_KEY = "test-only-audit-key-not-used-outside-tests"
    AUDIT_ANCHOR_HOURS = 0  # tests anchor themselves (audit/daily.py is tested with its own clock)
