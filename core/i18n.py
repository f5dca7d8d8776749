"""The interface's two languages: which one a request gets, and translatable strings typed as text.

`_l` is Flask-Babel's lazy_gettext: the string is translated when it is shown, in the language of
whoever sees it. It returns a LazyString, which WTForms, Flask and Jinja use wherever they take a
str; `_l` says so to the type checker (a cast, not a conversion). pybabel extracts `_l(...)` calls.
"""
from __future__ import annotations

from typing import Any, cast

from flask import Flask, has_request_context, request, session
from flask_babel import lazy_gettext

from extensions import babel

LANGUAGES = ("zh_CN", "en")
# The language someone chose with the switch, kept by their browser (a year): it outlives the session
# and belongs to the person at this browser, not to the account, which several people may share.
LANGUAGE_COOKIE = "liandong_lang"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def _l(message: str, **variables: Any) -> str:
    """A lazily translated string (see the module docstring)."""
    return cast(str, lazy_gettext(message, **variables))


def select_locale() -> str:
    """The language switched to in this browser (its cookie, or this session), else the browser's
    own best match, else Chinese. Never the account's: signing in does not change the language, and
    one person's switch does not follow a shared account to everyone else's browser."""
    if not has_request_context():
        return "en"  # the CLI speaks English, like the rest of the shell
    chosen = request.cookies.get(LANGUAGE_COOKIE) or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return "zh_CN"
    return "en" if best.startswith("en") else "zh_CN"


def init_app(app: Flask) -> None:
    """Flask-Babel with our locale selection."""
    babel.init_app(app, locale_selector=select_locale)
