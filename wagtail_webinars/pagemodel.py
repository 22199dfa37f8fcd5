"""Names of the page models this app relates to, resolved through ``swapper``.

Wagtail 8 lets a site swap the base page model (``WAGTAIL_PAGE_MODEL``); Wagtail 7 has no such
setting. Reading the names through swapper gives ``"wagtailcore.Page"`` on Wagtail 7 and on any
Wagtail 8 site that keeps the default, and the site's own model otherwise, so one set of models
and migrations serves both. Our own page types are swappable in the same way, so that a site with
its own base page model builds them from our mixins (see docs/installation.md).
"""

from __future__ import annotations

import swapper

APP_LABEL = "wagtail_webinars"

# Wagtail 8 does this itself; doing it here too keeps it true on Wagtail 7 and when our app is
# listed above ``wagtail`` in INSTALLED_APPS.
swapper.set_app_prefix("wagtailcore", "wagtail")


def page_model_name() -> str:
    """The active base page model, as ``"app_label.ModelName"``."""
    return swapper.get_model_name("wagtailcore", "Page")


def series_page_model_name() -> str:
    return swapper.get_model_name(APP_LABEL, "WebinarSeriesPage")


def session_page_model_name() -> str:
    return swapper.get_model_name(APP_LABEL, "WebinarSessionPage")


def swappable_setting(model_name: str) -> str:
    """The Django setting that swaps one of our page models, e.g.
    ``WAGTAIL_WEBINARS_WEBINARSESSIONPAGE_MODEL``."""
    return swapper.swappable_setting(APP_LABEL, model_name)


def session_page_model():
    """The active session page model class (ours, or the one a site swapped in)."""
    return swapper.load_model(APP_LABEL, "WebinarSessionPage")


def series_page_model():
    return swapper.load_model(APP_LABEL, "WebinarSeriesPage")
