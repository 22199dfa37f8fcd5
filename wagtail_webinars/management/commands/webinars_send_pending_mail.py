"""Send registration e-mails that are due: new ones a task worker has not sent, retries, and ones
whose sender died mid-send (``EMAIL_SENDING_TIMEOUT``).

Cron-friendly (like ``clearsessions``): run it every few minutes. Each session's rows are claimed
and sent in a batch (``registration.mail.send_pending``), so it may overlap with task workers or
with itself without sending anything twice. It first announces any published change of a
session that its registrants were not yet told of (a crash between a publish and its
announcement: registration/changes.py).
"""

from django.core.management.base import BaseCommand

from wagtail_webinars.registration.changes import announce_pending_changes
from wagtail_webinars.registration.mail import send_pending


class Command(BaseCommand):
    help = (
        "Send pending registration e-mails of wagtail_webinars (new ones and retries that are due)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args, limit=None, **options):
        announced = announce_pending_changes()
        counts = send_pending(limit=limit)
        if options["verbosity"] and announced:
            self.stdout.write(f"change notices queued: {announced}")
        if options["verbosity"]:
            summary = (
                ", ".join(f"{state}: {n}" for state, n in sorted(counts.items())) or "nothing due"
            )
            self.stdout.write(summary)
