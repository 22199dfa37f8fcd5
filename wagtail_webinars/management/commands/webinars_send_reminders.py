"""Queue the reminders that are due (``REMINDER_MINUTES_BEFORE``, a day and an hour before the
start) and the follow-ups after the broadcast. Run it from cron, every few minutes or every
minute: it never queues the same e-mail to one registrant twice, even when two runs overlap. The
rules are ``wagtail_webinars.registration.reminders.queue_reminders`` and ``queue_follow_ups``."""

from django.core.management.base import BaseCommand

from wagtail_webinars.registration.reminders import queue_follow_ups, queue_reminders


class Command(BaseCommand):
    help = "Queue reminder e-mails before webinars and follow-ups after them."

    def handle(self, *args, **options):
        reminders = queue_reminders()
        follow_ups = queue_follow_ups()
        if options["verbosity"]:
            self.stdout.write(f"reminders queued: {reminders}, follow-ups queued: {follow_ups}")
