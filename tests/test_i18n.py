"""The interface speaks Chinese and English: browser default, a switch, and a complete catalog."""
from __future__ import annotations

import os

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from tests.conftest import ROOT

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
