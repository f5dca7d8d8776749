"""What every page has in common: error pages, security headers, template filters, proxy awareness.

`init_app(app)` installs them. Nothing here knows any feature; `has_endpoint` lets the layout show
a link only when the feature behind it is installed.
"""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from core import clock, units
from core.money import format_basis_points, format_wan, format_yuan
from extensions import db

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
ERROR_CODES = (400, 403, 404, 405, 413, 500)


def init_app(app: Flask) -> None:
    """Error pages, security headers, template filters; the client's address behind trusted proxies."""
    if app.config.get("PROXY_HOPS"):  # the client's address from X-Forwarded-For, set by our own proxies only
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    for code in ERROR_CODES:
        app.register_error_handler(code, render_error)
    app.jinja_env.filters["yuan"] = format_yuan
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
