"""The content's receivers, connected once by ``connect()`` from ``AppConfig.ready()``."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import shared_cache
from .models import (
    ContactPerson,
    Notice,
    Registration,
    RegistrationQuestion,
    Speaker,
    TechnicalHelpFAQ,
)
from .page_cache import bump_generation, bump_generation_for_page
from .pagemodel import series_page_model, session_page_model


def connect() -> None:
    """Connect the receivers (in ``page_cache``) that make page fragments stale (``AppConfig.ready()`` calls this once):
    anything a page shows but does not own, and our own pages, since code that changes one with
    ``save()`` rather than a published revision leaves its ``cache_key`` as it was."""
    cached_models = (Speaker, ContactPerson, Notice, TechnicalHelpFAQ, RegistrationQuestion)
    for model in (*cached_models, series_page_model(), session_page_model()):
        # Publishing and unpublishing a snippet both save it.
        for signal in (post_save, post_delete):
            signal.connect(
                bump_generation,
                sender=model,
                dispatch_uid=f"wagtail_webinars.page_cache.{model.__name__}.{signal is post_save}",
            )
    # Any page: a series' title, its dates, a notice's link target.
    page_signals = {
        "published": page_published,
        "unpublished": page_unpublished,
        "moved": post_page_move,
    }
    for name, signal in page_signals.items():
        signal.connect(bump_generation, dispatch_uid=f"wagtail_webinars.page_cache.page_{name}")
    post_delete.connect(bump_generation_for_page, dispatch_uid="wagtail_webinars.page_cache.delete")
    # A view restriction on a page or an ancestor closes the registration endpoints to the page
    # (whose live, public page they keep in the cache).
    for signal in (post_save, post_delete):
        signal.connect(
            bump_generation,
            sender=PageViewRestriction,
            dispatch_uid=f"wagtail_webinars.page_cache.restriction.{signal is post_save}",
        )
    # A shared front-end cache (FRONTEND_CACHE): registrations change the places a page shows.
    for signal in (post_save, post_delete):
        signal.connect(
            shared_cache.registration_changed,
            sender=Registration,
            dispatch_uid=f"wagtail_webinars.shared_cache.registration.{signal is post_save}",
        )
    page_published.connect(
        shared_cache.page_published, dispatch_uid="wagtail_webinars.shared_cache.page_published"
    )
