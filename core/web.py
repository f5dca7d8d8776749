"""What every page has in common: error pages, security headers, template filters, proxy awareness.

`init_app(app)` installs them. Nothing here knows any feature; `has_endpoint` lets the layout show
a link only when the feature behind it is installed.

Every date a template shows is written as `<time datetime="2026-03-01">2026-03-01</time>`
(`show_dates`, Jinja's finalize), and the stylesheet never wraps a `<time>`: "2026-03-01" does not
break at its hyphens in a narrow column, on any page, without each template remembering to say so.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, current_app, flash, has_app_context, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from core import clock, units
from core.confirm import attributes as confirm_attributes
from core.dates import format_month
from core.money import format_basis_points, format_wan, format_yuan
from core.transactions import is_lock_timeout
from extensions import db

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
ERROR_CODES = (400, 403, 404, 405, 413, 500)


class FormLimitedRequest(Request):
    """A request whose url-encoded form may be at most MAX_FORM_MEMORY_SIZE bytes.

    Werkzeug applies that limit to the text parts of a multipart body only; an ordinary form is read
    whole, up to MAX_CONTENT_LENGTH, which is sized for uploaded files (20 MB). A form of text never
    needs that much: a pasted 10 MB would be read, checked and echoed back into the page. So the text
    of a form is held to the text limit, and `too_large` answers with the form's page."""

    @property
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH, or MAX_FORM_MEMORY_SIZE for a url-encoded form when that is smaller."""
        limit = super().max_content_length
        if self._max_content_length is None and self.mimetype == "application/x-www-form-urlencoded":
            form_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE") if has_app_context() else None
            if form_limit is not None:
                return form_limit if limit is None else min(limit, form_limit)
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def init_app(app: Flask) -> None:
    """Error pages, security headers, template filters; the client's address behind trusted proxies;
    forms of text held to the text limit."""
    app.request_class = FormLimitedRequest
    if app.config.get("PROXY_HOPS"):  # the client's address from X-Forwarded-For, set by our own proxies only
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    for code in ERROR_CODES:
        app.register_error_handler(code, too_large if code == 413 else render_error)
    app.register_error_handler(OperationalError, busy)
    app.jinja_env.finalize = show_dates
    app.jinja_env.filters["yuan"] = format_yuan
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.globals["confirm_attributes"] = confirm_attributes
    app.jinja_env.filters["wan"] = format_wan
    app.jinja_env.filters["pct"] = format_basis_points
    app.jinja_env.filters["local_time"] = clock.format_time  # stored UTC, shown in the county's zone
    app.jinja_env.filters["local_day"] = clock.local_day
    app.jinja_env.filters["money"] = lambda fen: units.amount_in(fen, units.list_unit())  # lists: the reader's unit
    app.jinja_env.globals["money_unit"] = units.list_unit
    app.jinja_env.globals["unit_name"] = units.unit_name
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.context_processor(lambda: {"current_locale": str(get_locale()), "time_zone": _time_zone()})
    app.after_request(security_headers)


def _time_zone() -> dict[str, object]:
    """What the page footer says about the times on the page (named once there, never per column)."""
    return {"beijing": clock.zone_is_beijing(), "name": clock.zone_name(), "offset": clock.utc_offset_text()}


def render_error(error):
    """A plain error page in the user's language, never a traceback."""
    code = getattr(error, "code", 500) or 500
    if code == 500:
        db.session.rollback()
    # A 400 raised by core.params carries a message for people; werkzeug's own descriptions do not.
    message = getattr(error, "description", None) if code == 400 and getattr(error, "liandong", False) else None
    return render_template("errors/error.html", code=code, message=message), code


def busy(error: OperationalError):
    """SQLite's writer lock stayed taken past the busy timeout (a burst of writes on a loaded server):
    503, saying nothing was saved, instead of a 500. Any other database failure is a 500 as before."""
    if not is_lock_timeout(error):
        raise error
    db.session.rollback()
    return render_template("errors/error.html", code=503), 503


def show_dates(value: Any) -> Any:
    """Jinja's finalize: a date (not a datetime) printed by a template becomes a `<time>` element,
    which the stylesheet keeps on one line; every other value is printed as it is."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return Markup('<time datetime="{0}">{0}</time>').format(value.isoformat())
    return value


def too_large(error):
    """A form or upload over the size the server reads (MAX_FORM_MEMORY_SIZE for a form's text,
    MAX_CONTENT_LENGTH for a file) was sent: back to the page of the form, saying so, instead of a
    bare error page. (The browser keeps text fields within their maxlength, so only a script or a
    file gets here.) Anything but a POST gets the error page."""
    if request.method != "POST":
        return render_error(error)
    if request.mimetype == "multipart/form-data":
        megabytes = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        flash(_("What was sent is larger than the server accepts (a file may be at most %(mb)d MB); nothing "
                "was saved.", mb=megabytes), "error")
    else:
        flash(_("The form was too large for the server: a text field holds at most a few thousand characters. "
                "Nothing was saved; shorten the text and send it again."), "error")
    return redirect(_form_page(), 303)


def _form_page() -> str:
    """Where the sent form was shown: the referring page of this site, else this address when it
    can be read with GET, else the start page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    try:
        current_app.url_map.bind_to_environ(request.environ).match(request.path, method="GET")
        return request.full_path.rstrip("?")
    except HTTPException:  # not found, POST only, or a redirect rule: the start page is always right
        return "/"


def security_headers(response):
    """Headers on every response: no framing, no sniffing, no inline script, no caching of money pages."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
