"""Real-browser fixtures: the app served on loopback by a thread, Debian's Chromium driven by Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by scripts/test).
"""
from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("LIANDONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    """Without Chromium the browser tests cannot run: skip them on a laptop, fail them in CI."""
    if os.path.exists(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (scripts/test installs it)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium with the flags this sandboxed, offline machine needs."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def sign_in(live_server):
    """Sign a Playwright page in as `username` through the login form, in the page's language."""

    def do(page, username: str, password: str):
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return do
