"""Queue a reminder to every confirmed registrant of sessions that start within
``REMINDER_HOURS_BEFORE`` hours. Run it from cron (hourly is enough); each registration gets one
reminder however often it runs (a unique constraint on the outbox guards it)."""

import datetime

from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail_webinars.conf import webinar_settings
from wagtail_webinars.models import EmailKind, Registration, RegistrationEmail
from wagtail_webinars.services import queue_email


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


class Command(BaseCommand):
    help = "Queue reminder e-mails to registrants of webinars that start soon."

    def handle(self, *args, **options):
        queued = queue_reminders()
        if options["verbosity"]:
            self.stdout.write(f"reminders queued: {queued}")
