"""The feedback comments' own retention: ``FEEDBACK_COMMENT_RETENTION_DAYS`` days after an answer,
its free-text comment and query string are emptied; the yes/no answer, its page and date stay, so
the report's counts never change. Run by ``webinars_purge_personal_data``."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from ..conf import webinar_settings
from .models import Feedback

BATCH_SIZE = 1000


def purge_feedback_comments(now: datetime.datetime | None = None) -> int:
    """Empty the comments older than the retention period, in batches; returns how many."""
    days = webinar_settings.FEEDBACK_COMMENT_RETENTION_DAYS
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    due = (
        Feedback.objects.filter(created_at__lt=cutoff)
        .filter(~Q(comment="") | ~Q(query_string=""))
        .order_by("pk")
    )
    total = 0
    while pks := list(due.values_list("pk", flat=True)[:BATCH_SIZE]):
        total += Feedback.objects.filter(pk__in=pks).update(comment="", query_string="")
    return total
