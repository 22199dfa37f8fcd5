"""E-mail each page owner the visitors' comments on their pages from the last days.

Run it from cron as often as ``--days`` says, e.g. weekly: ``manage.py webinars_feedback_digest
--days 7``. The rule is ``wagtail_webinars.feedback.digest.send_digests``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from wagtail_webinars.feedback.digest import send_digests


class Command(BaseCommand):
    help = "E-mail each page owner the new feedback comments on their pages."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="Comments from this many days back."
        )

    def handle(self, *args, days: int, **options) -> None:
        sent = send_digests(days=days)
        self.stdout.write(f"Sent {sent} digest(s).")
