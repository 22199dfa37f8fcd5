"""The live pages that answers are about, kept in the cache: an answer reads its page from one
cache round trip instead of a query (a third of a feedback answer's time on PostgreSQL,
bench/PROFILE.md).

What is kept is invalidated by a generation counter that every publish, unpublish, move and
deletion of a page bumps (``connect()``, from ``AppConfig.ready()``), in the cache every app
process shares; ``WAGTAIL_WEBINARS["CACHE_TIMEOUT"]`` bounds how long, and ``0`` turns it off.
The feedback app's own counter (kernel ``generations``): it runs without the webinar app and
its page cache.
"""

from __future__ import annotations

from typing import Any

import swapper
from django.core.cache import cache
from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished, post_page_move

from .. import generations
from ..conf import webinar_settings

GENERATION_KEY = "wagtail_webinars:feedback:pages-generation"
PAGE_KEY = "wagtail_webinars:feedback:live-page:{}"


def live_page(page_id: int) -> Any | None:
    """The live page with this id (the site's base page model, not its specific type), or
    None. Kept until a page is published, unpublished, moved or deleted; None is not kept."""
    if webinar_settings.CACHE_TIMEOUT == 0:
        return _read(page_id)
    return generations.kept_until_changed(
        cache,
        GENERATION_KEY,
        PAGE_KEY.format(page_id),
        lambda: _read(page_id),
        webinar_settings.CACHE_TIMEOUT,
        keep_none=False,
    )


def _read(page_id: int) -> Any | None:
    return swapper.load_model("wagtailcore", "Page").objects.live().filter(pk=page_id).first()


def bump(**kwargs: Any) -> None:
    """Make every kept page stale: a receiver of the page signals."""
    generations.bump(cache, GENERATION_KEY)


def bump_for_page(instance: Any = None, **kwargs: Any) -> None:
    """``post_delete`` receiver (for any model): only a deleted page makes kept pages stale."""
    if isinstance(instance, swapper.load_model("wagtailcore", "Page")):
        bump()


def connect() -> None:
    for name, signal in (
        ("published", page_published),
        ("unpublished", page_unpublished),
        ("moved", post_page_move),
    ):
        signal.connect(bump, dispatch_uid=f"wagtail_webinars.feedback.live_pages.{name}")
    post_delete.connect(bump_for_page, dispatch_uid="wagtail_webinars.feedback.live_pages.delete")
