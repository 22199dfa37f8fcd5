"""Receivers of registration, and ``connect()``, which ``AppConfig.ready()`` calls once."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from wagtail.signals import page_published

from ..models.registrations import Registration
from ..pagemodel import series_page_model, session_page_model
from .changes import announce_changes_on_publish
from .services import promote_after_capacity_change


def promote_waitlisted_on_publish(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``page_published`` receiver (connected by ``connect()``): an editor who raises a
    capacity and publishes gives the new places to those waiting, not to the next newcomer.

    A published session is checked itself; a published series, each of its sessions that
    inherits the series' capacity (one with its own capacity is untouched by the series').
    """
    session_model = session_page_model()
    if isinstance(instance, session_model):
        sessions = [instance]
    elif isinstance(instance, series_page_model()):
        # Only those with someone waiting: the others need no lock.
        someone_waits = Registration.objects.waitlisted().filter(session_id=OuterRef("pk"))
        sessions = list(
            session_model.objects.child_of(instance)
            .filter(registration_capacity__isnull=True)
            .filter(Exists(someone_waits))
        )
        for session in sessions:
            # The capacity just published, not the series cached before this publish.
            session.__dict__["series"] = instance
    else:
        return
    for session in sessions:
        promote_after_capacity_change(session)


def connect() -> None:
    """Connect registration's receivers: the publish rules and, where Anymail is
    installed, its delivery tracking (``mail.receive_tracking``)."""
    page_published.connect(
        promote_waitlisted_on_publish,
        dispatch_uid="wagtail_webinars.registration.promote_waitlisted_on_publish",
    )
    # A moved, postponed or cancelled session: every registrant is told once (changes.py).
    page_published.connect(
        announce_changes_on_publish,
        dispatch_uid="wagtail_webinars.registration.announce_changes_on_publish",
    )
    try:
        from anymail.signals import tracking
    except ImportError:  # Anymail is optional: without it there is no delivery tracking
        return
    from .mail import receive_tracking

    tracking.connect(receive_tracking, dispatch_uid="wagtail_webinars.registration.mail.tracking")
