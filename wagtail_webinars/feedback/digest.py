"""The digest rule: each page owner gets the visitors' comments on their pages from a period.

Stateless on purpose: the period is the window, so nothing about the sending is stored. The
command ``webinars_feedback_digest`` runs it from cron.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from ..conf import webinar_settings
from .services import get_feedback_service


def preferred_language(user) -> str:
    """The language the owner chose for Wagtail's admin, else the site's."""
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None:
        return profile.get_preferred_language()
    return settings.LANGUAGE_CODE


def send_digests(days: int = 7, now: datetime.datetime | None = None) -> int:
    """E-mail each page owner the comments on their pages from the last ``days`` days.

    Returns how many digests were sent.
    """
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    answers = (
        get_feedback_service()
        .get_feedback_model()
        .objects.filter(created_at__gte=since, page__owner__isnull=False)
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
    return len(by_owner)
