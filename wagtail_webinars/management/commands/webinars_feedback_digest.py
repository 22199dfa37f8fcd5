"""E-mail each page owner the visitors' comments on their pages from the last days.

Run it from cron as often as ``--days`` says, e.g. weekly: ``manage.py webinars_feedback_digest
--days 7``. Stateless on purpose: the period is the window, so nothing about the sending is stored.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from wagtail_webinars.conf import webinar_settings
from wagtail_webinars.models import Feedback


def preferred_language(user) -> str:
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None:
        return profile.get_preferred_language()
    return settings.LANGUAGE_CODE


class Command(BaseCommand):
    help = "E-mail each page owner the new feedback comments on their pages."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="Comments from this many days back."
        )

    def handle(self, *args, days: int, **options) -> None:
        since = timezone.now() - datetime.timedelta(days=days)
        answers = (
            Feedback.objects.filter(created_at__gte=since, page__owner__isnull=False)
            .exclude(comment="")
            .exclude(page__owner__email="")
            .select_related("page", "page__owner")
            .order_by("page__title", "-created_at")
        )
        by_owner: dict = defaultdict(lambda: defaultdict(list))
        for answer in answers:
            by_owner[answer.page.owner][answer.page].append(answer)

        base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
        sender = webinar_settings.EMAIL_FROM or settings.DEFAULT_FROM_EMAIL
        for owner, pages in by_owner.items():
            with translation.override(preferred_language(owner)):
                count = sum(len(comments) for comments in pages.values())
                subject = ngettext(
                    "Visitors' comments on your pages: %(count)s new",
                    "Visitors' comments on your pages: %(count)s new",
                    count,
                ) % {"count": count}
                body = render_to_string(
                    "wagtail_webinars/feedback/digest_email.txt",
                    {"owner": owner, "pages": dict(pages), "days": days, "base_url": base_url},
                )
            send_mail(subject, body, sender, [owner.email])
        self.stdout.write(f"Sent {len(by_owner)} digest(s).")
