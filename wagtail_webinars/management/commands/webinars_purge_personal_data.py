"""Erase the personal data whose retention period has passed: registrations
(``PERSONAL_DATA_RETENTION_DAYS`` after the session ended) and feedback comments
(``FEEDBACK_COMMENT_RETENTION_DAYS``). Run it every night from cron; a second run does nothing.
The rules are ``registration.retention.purge_personal_data`` and
``feedback.retention.purge_feedback_comments``."""

from django.apps import apps
from django.core.management.base import BaseCommand

from wagtail_webinars.registration.retention import purge_personal_data, record_run


class Command(BaseCommand):
    help = "Erase personal data of registrations and feedback past their retention period."

    def handle(self, *args, **options):
        report = purge_personal_data()
        comments = 0
        if apps.is_installed("wagtail_webinars.feedback"):
            from wagtail_webinars.feedback.retention import purge_feedback_comments

            comments = purge_feedback_comments()
        record_run(report, feedback_comments=comments)
        if options["verbosity"]:
            self.stdout.write(
                f"registrations erased: {report.registrations} "
                f"(sessions that ended before {report.cutoff:%Y-%m-%d %H:%M %Z}); "
                f"outbox rows cleared: {report.emails}; feedback comments erased: {comments}"
            )
