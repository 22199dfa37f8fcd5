"""The reminder rule: every confirmed registrant of a session that starts within
``REMINDER_HOURS_BEFORE`` hours gets one reminder e-mail, however often the rule runs (a unique
constraint on the outbox guards it). The command ``webinars_send_reminders`` runs it from cron."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..conf import webinar_settings
from ..models.registrations import EmailKind, Registration, RegistrationEmail
from .mail import queue_email


def queue_reminders(now: datetime.datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many were queued."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=webinar_settings.REMINDER_HOURS_BEFORE)
    due = (
        Registration.objects.confirmed()
        .filter(session__start__gt=now, session__start__lte=horizon)
        .exclude(session__status="cancelled")
        .exclude(
            pk__in=RegistrationEmail.objects.filter(kind=EmailKind.REMINDER).values(
                "registration_id"
            )
        )
    )
    queued = 0
    for registration in due.iterator():
        try:
            with transaction.atomic():
                queue_email(registration, EmailKind.REMINDER)
        except IntegrityError:  # another run got there first
            continue
        queued += 1
    return queued
