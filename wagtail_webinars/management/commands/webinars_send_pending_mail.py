"""Send registration e-mails that are due: new ones a task worker has not sent, and retries.

Cron-friendly (like ``clearsessions``): run it every few minutes. Rows are claimed one at a time
with a conditional UPDATE, so it may overlap with task workers or with itself without sending
anything twice.
"""

from django.core.management.base import BaseCommand

from wagtail_webinars.registration.mail import send_pending


class Command(BaseCommand):
    help = (
        "Send pending registration e-mails of wagtail_webinars (new ones and retries that are due)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args, limit=None, **options):
        counts = send_pending(limit=limit)
        if options["verbosity"]:
            summary = (
                ", ".join(f"{state}: {n}" for state, n in sorted(counts.items())) or "nothing due"
            )
            self.stdout.write(summary)
