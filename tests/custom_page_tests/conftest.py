"""Fixtures for a site with its own base page model. These tests need their own settings:

WW_DEPS=newest bash scripts/test.sh --ds=tests.settings_custom_page tests/custom_page_tests
"""

from __future__ import annotations

import pytest
import wagtail
from django.conf import settings

SKIP_REASON = (
    "needs a site with its own base page model: run with --ds=tests.settings_custom_page"
    if wagtail.VERSION >= (8, 0)
    else "Wagtail 7 has no swappable base page model (WAGTAIL_PAGE_MODEL came in Wagtail 8)"
)


def pytest_collection_modifyitems(config, items):
    if getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page") != "basepage.BasePage":
        for item in items:
            if "custom_page_tests" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture
def root_page(site):
    return site.root_page.get_parent()
