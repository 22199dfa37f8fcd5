"""Erase the personal data whose retention period has passed: registrations
(``PERSONAL_DATA_RETENTION_DAYS`` after the session ended) and feedback comments
(``FEEDBACK_COMMENT_RETENTION_DAYS``). Run it every night from cron; a second run does nothing.
The rule is ``registration.retention.run_retention`` (also a task: ``purge_personal_data_task``).
"""

from django.core.management.base import BaseCommand

from wagtail_webinars.registration.retention import run_retention


class Command(BaseCommand):
    help = "Erase personal data of registrations and feedback past their retention period."

    def handle(self, *args, **options):
        report, comments, _run = run_retention()
        if options["verbosity"]:
            self.stdout.write(
                f"registrations erased: {report.registrations} "
                f"(sessions that ended before {report.cutoff:%Y-%m-%d %H:%M %Z}); "
                f"outbox rows cleared: {report.emails}; feedback comments erased: {comments}"
            )
