"""Settings of a site with its own base page model (Wagtail 8 and later).

The host of tests/settings.py, plus ``WAGTAIL_PAGE_MODEL`` and our three page types swapped for
the site's own (tests/custom_page). Run the tests that need it in their own pytest run:

    WW_DEPS=newest bash scripts/test.sh --ds=tests.settings_custom_page tests/custom_page_tests

On Wagtail 7, which has no swappable page model, this is tests/settings.py unchanged and those
tests skip.
"""

import wagtail

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

CUSTOM_PAGE_MODEL_SUPPORTED = wagtail.VERSION >= (8, 0)

if CUSTOM_PAGE_MODEL_SUPPORTED:
    # The base page app comes before Wagtail's, as Wagtail's guide places it; our app reads the
    # swap settings whatever the order.
    INSTALLED_APPS = [
        "tests.custom_page.basepage",
        "tests.custom_page.webinarpages",
        *INSTALLED_APPS,
    ]
    WAGTAIL_PAGE_MODEL = "basepage.BasePage"
    WAGTAIL_WEBINARS_WEBINARSERIESPAGE_MODEL = "webinarpages.SeriesPage"
    WAGTAIL_WEBINARS_WEBINARSESSIONPAGE_MODEL = "webinarpages.SessionPage"
    WAGTAIL_WEBINARS_WEBINARLISTINGPAGE_MODEL = "webinarpages.ListingPage"

    # Its own file: tests/test.sqlite3 holds the default page model's tables.
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
        DATABASES = {
            "default": {**DATABASES["default"], "NAME": BASE_DIR / "test_custom_page.sqlite3"}  # noqa: F405
        }
