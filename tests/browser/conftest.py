"""Browser fixtures: one Debian Chromium for the whole run, a fresh page per test.

Never downloads a browser: it drives /usr/bin/chromium (CHROMIUM_PATH overrides).
"""

from __future__ import annotations

import os

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM_PATH):
        pytest.fail(f"Chromium not found at {CHROMIUM_PATH}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium_browser):
    context = chromium_browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    yield context
    context.close()


@pytest.fixture
def browser_page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.close()


@pytest.fixture
def nojs_page(chromium_browser):
    """A page with JavaScript switched off, for the no-JS paths of forms."""
    context = chromium_browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
