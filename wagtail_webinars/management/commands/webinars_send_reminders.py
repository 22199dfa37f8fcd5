"""Queue a reminder to every confirmed registrant of sessions that start within
``REMINDER_HOURS_BEFORE`` hours. Run it from cron (hourly is enough); the rule is
``wagtail_webinars.registration.reminders.queue_reminders``."""

from django.core.management.base import BaseCommand

from wagtail_webinars.registration.reminders import queue_reminders


class Command(BaseCommand):
    help = "Queue reminder e-mails to registrants of webinars that start soon."

    def handle(self, *args, **options):
        queued = queue_reminders()
        if options["verbosity"]:
            self.stdout.write(f"reminders queued: {queued}")
