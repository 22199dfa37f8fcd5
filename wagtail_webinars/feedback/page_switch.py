"""The per-page switch that turns the widget off, read on every page view without a query."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from .models import FeedbackPageSetting

DISABLED_PAGES_CACHE_KEY = "wagtail_webinars:feedback:disabled_pages"
# The signal that refreshes the set runs only in the process that saved a switch; with a cache
# per process (Django's default LocMemCache) the others see the change when their copy expires.
DISABLED_PAGES_CACHE_TIMEOUT = 5 * 60


def feedback_disabled_page_ids() -> frozenset[int]:
    """Ids of pages where editors turned the widget off.

    Kept in Django's cache and rebuilt whenever a switch changes, so a page view reads it
    without a query; only a cold or expired cache costs one query (for the whole site), at most
    once every ``DISABLED_PAGES_CACHE_TIMEOUT`` seconds.
    """
    ids = cache.get(DISABLED_PAGES_CACHE_KEY)
    if ids is None:
        ids = refresh_disabled_pages_cache()
    return ids


def refresh_disabled_pages_cache(**kwargs: Any) -> frozenset[int]:
    """Receiver for ``post_save``/``post_delete`` of ``FeedbackPageSetting`` (connected by ``connect()``)."""
    ids = frozenset(
        FeedbackPageSetting.objects.filter(enabled=False).values_list("page_id", flat=True)
    )
    cache.set(DISABLED_PAGES_CACHE_KEY, ids, DISABLED_PAGES_CACHE_TIMEOUT)
    return ids


def set_feedback_enabled(page, enabled: bool) -> None:
    """Turn the widget on or off for one page (the admin panel calls this)."""
    FeedbackPageSetting.objects.update_or_create(page_id=page.pk, defaults={"enabled": enabled})


def is_feedback_enabled(page) -> bool:
    return page is None or page.pk not in feedback_disabled_page_ids()


def connect() -> None:
    """Keep the cached set in step with every change of a switch (``AppConfig.ready()``)."""
    for signal in (post_save, post_delete):
        signal.connect(
            refresh_disabled_pages_cache,
            sender=FeedbackPageSetting,
            dispatch_uid=f"wagtail_webinars.feedback.page_switch.{signal is post_save}",
        )
