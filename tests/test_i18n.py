"""The interface speaks Chinese and English: browser default, a switch, and a complete catalog."""
from __future__ import annotations

import os

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from extensions import db
from tests import factories
from tests.conftest import ROOT, IsolatedClient

CATALOG = os.path.join(ROOT, "translations", "zh_Hans_CN", "LC_MESSAGES", "messages.po")


def test_browser_language_sets_the_default(client):
    """Accept-Language picks Chinese or English; with none, the county's Chinese is the default."""
    assert "登录".encode() in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).data
    assert b"Sign in" in client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).data
    assert "登录".encode() in client.get("/login").data


def test_switch_language_sticks_for_the_session(client):
    """The language link switches the interface and keeps it across pages."""
    client.get("/lang/en?next=/login", headers={"Accept-Language": "zh-CN"})
    assert b"Sign in" in client.get("/login", headers={"Accept-Language": "zh-CN"}).data
    client.get("/lang/zh_CN")
    assert "登录".encode() in client.get("/login", headers={"Accept-Language": "en"}).data


def test_signing_in_keeps_the_browsers_language(client):
    """An account that last switched to English still gets Chinese in a Chinese browser after signing in:
    the account's old choice does not override the browser."""
    user = factories.make_user("leader", username="shared")
    user.locale = "en"
    db.session.commit()
    client.post("/login", data={"username": "shared", "password": factories.PASSWORD},
                headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "退出".encode() in client.get("/reports/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).data


def test_a_switch_belongs_to_the_browser_not_the_account(app):
    """One person switching a shared account to English changes nothing for the next person on it in
    another browser; the switch stays in the first browser across signing out and in again."""
    factories.make_user("leader", username="shared")
    db.session.commit()
    app.test_client_class = IsolatedClient
    first, second = app.test_client(), app.test_client()
    zh = {"Accept-Language": "zh-CN"}
    for browser in (first, second):
        browser.post("/login", data={"username": "shared", "password": factories.PASSWORD}, headers=zh)
    first.get("/lang/en?next=/reports/", headers=zh)
    assert b"Sign out" in first.get("/reports/", headers=zh).data
    assert "退出".encode() in second.get("/reports/", headers=zh).data
    first.post("/logout", headers=zh)
    first.post("/login", data={"username": "shared", "password": factories.PASSWORD}, headers=zh)
    assert b"Sign out" in first.get("/reports/", headers=zh).data


def test_form_errors_and_flashes_in_both_languages(client):
    """Validation errors and flash messages come in the chosen language, never the other one."""
    zh = client.post("/login", data={"username": "", "password": ""}, headers={"Accept-Language": "zh-CN"})
    assert b"This field is required" not in zh.data and "用户名".encode() in zh.data
    en = client.post("/login", data={"username": "", "password": ""}, headers={"Accept-Language": "en"})
    assert b"This field is required" in en.data
    zh = client.post("/login", data={"username": "x", "password": "y"}, headers={"Accept-Language": "zh-CN"})
    assert b"Wrong username" not in zh.data and "用户名或密码错误".encode() in zh.data


def test_signed_in_pages_render_in_both_languages(client, auth):
    """Every main page a leader opens renders in Chinese and in English."""
    auth.as_role("admin")
    for url in ("/projects/", "/funds/", "/reports/", "/admin/", "/audit/"):
        zh = client.get(url, headers={"Accept-Language": "zh-CN"})
        en = client.get(url, headers={"Accept-Language": "en"})
        assert zh.status_code == en.status_code == 200, url
        assert "退出".encode() in zh.data and b"Sign out" in en.data, url


def test_catalog_translates_every_message(tmp_path):
    """Every string in the code and templates has a Chinese translation, none fuzzy or empty."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", os.path.join(ROOT, "babel.cfg"), "-k", "_l",
                                "-k", "lazy_gettext", "-o", str(pot), "--no-location", "--ignore-dirs",
                                ".venv tests migrations demo bench", ROOT])
    with open(pot, "rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    translated = {message.id for message in catalog
                  if message.id and message.string and "fuzzy" not in message.flags}
    assert sorted(wanted - translated) == []
