"""The reminder and follow-up rules, run by ``webinars_send_reminders`` (every minute if you like).

Reminders: every confirmed registrant of a session gets one reminder at each offset of
``REMINDER_MINUTES_BEFORE`` (default a day and an hour before the start), with the join link,
the invitation and the cancel link. Only the reminder that still makes sense is sent: after
downtime, a session an hour away gets the hour's reminder, not the day's as well; a session that
has started, is cancelled or postponed gets none; someone who registered after a reminder's
moment does not get that one (their confirmation just told them).

Follow-up: once a session has been broadcast and its editor has set the recording URL or added
an "After the broadcast" block, those who had a place get one e-mail with the recording, the
material and the discussion questions, up to ``FOLLOW_UP_DAYS`` days after the end.

Never twice: each e-mail's key (``before-<minutes>``, ``after``) is unique per registration in
the outbox, so two overlapping runs write one row; the other run's insert fails and is skipped.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..conf import webinar_settings
from ..models.pages import SessionStatus
from ..models.registrations import EmailKind, Registration, RegistrationEmail
from ..pagemodel import session_page_model
from .mail import BATCH_SIZE, enqueue_batch_on_commit, task

FOLLOW_UP_KEY = "after"


def reminder_offsets() -> list[int]:
    """Minutes before the start at which reminders go, smallest first.

    ``REMINDER_MINUTES_BEFORE``; a site that set only the older ``REMINDER_HOURS_BEFORE`` keeps
    its one reminder at that many hours."""
    user = webinar_settings.user_settings
    if "REMINDER_MINUTES_BEFORE" not in user and "REMINDER_HOURS_BEFORE" in user:
        minutes = [round(webinar_settings.REMINDER_HOURS_BEFORE * 60)]
    else:
        minutes = list(webinar_settings.REMINDER_MINUTES_BEFORE or [])
    return sorted({int(m) for m in minutes if m and m > 0})


def reminder_key(minutes: int) -> str:
    return f"before-{minutes}"


def _queue_each(registrations: Any, kind: str, key: str) -> int:
    """Write one outbox row per registration and enqueue them, each session's in batches of its
    own (``send_registration_emails``), so the e-mails of a session are sent together: with the
    default immediate task backend, in this process, in a fixed number of queries a session."""
    by_session: dict[int, list[Registration]] = {}
    for registration in registrations.iterator():
        by_session.setdefault(registration.session_id, []).append(registration)
    return sum(_queue_session(rows, kind, key) for rows in by_session.values())


def _queue_session(registrations: list[Registration], kind: str, key: str) -> int:
    """One session's rows in one INSERT; if another run wrote one of them first, that INSERT
    fails as a whole and the rows are written one by one, each skipped where the other run got
    there."""
    try:
        with transaction.atomic():
            rows = RegistrationEmail.objects.bulk_create(
                [RegistrationEmail(registration=r, kind=kind, key=key) for r in registrations],
                batch_size=BATCH_SIZE,
            )
            enqueue_batch_on_commit([row.pk for row in rows])
        return len(rows)
    except IntegrityError:  # an overlapping run: one by one below
        pass
    queued = []
    for registration in registrations:
        try:
            with transaction.atomic():
                row = RegistrationEmail.objects.create(
                    registration=registration, kind=kind, key=key
                )
        except IntegrityError:  # another run got there first
            continue
        queued.append(row.pk)
    enqueue_batch_on_commit(queued)
    return len(queued)


def queue_reminders(now: datetime.datetime | None = None) -> int:
    """Queue the reminders that are due; returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    closer = 0  # the next smaller offset: inside it, that reminder is the one that makes sense
    for minutes in reminder_offsets():
        offset = datetime.timedelta(minutes=minutes)
        key = reminder_key(minutes)
        due = (
            Registration.objects.confirmed()
            .filter(
                session__live=True,
                session__status=SessionStatus.SCHEDULED,
                session__start__gt=now + datetime.timedelta(minutes=closer),
                session__start__lte=now + offset,
                # Registered before this reminder's moment: else the confirmation was enough.
                created_at__lte=F("session__start") - offset,
            )
            .exclude(
                pk__in=RegistrationEmail.objects.filter(kind=EmailKind.REMINDER, key=key).values(
                    "registration_id"
                )
            )
        )
        queued += _queue_each(due, EmailKind.REMINDER, key)
        closer = minutes
    return queued


def has_follow_up_material(session: Any) -> bool:
    """The editor has set the recording URL or added an "After the broadcast" block."""
    if session.recording_url:
        return True
    return any(block.block_type == "after_broadcast" for block in session.programme)


def queue_follow_ups(now: datetime.datetime | None = None) -> int:
    """Queue the follow-up to every confirmed registrant of each session broadcast within the
    last ``FOLLOW_UP_DAYS`` days that has material to send; returns how many were queued."""
    days = webinar_settings.FOLLOW_UP_DAYS
    if days is None:
        return 0
    now = now or timezone.now()
    sessions = (
        session_page_model()
        ._default_manager.live()
        .filter(
            status=SessionStatus.SCHEDULED,
            end__lte=now,
            end__gt=now - datetime.timedelta(days=days),
        )
    )
    queued = 0
    for session in sessions:
        if not has_follow_up_material(session):
            continue
        due = (
            Registration.objects.confirmed()
            .filter(session_id=session.pk)
            .exclude(
                pk__in=RegistrationEmail.objects.filter(
                    kind=EmailKind.FOLLOW_UP, key=FOLLOW_UP_KEY
                ).values("registration_id")
            )
        )
        queued += _queue_each(due, EmailKind.FOLLOW_UP, FOLLOW_UP_KEY)
    return queued


@task
def send_reminders() -> dict[str, int]:
    """The rule of ``webinars_send_reminders`` as a task of Django's tasks framework, for a host
    whose worker runs periodic tasks instead of cron: enqueue it every few minutes (every minute
    is fine; overlapping runs queue nothing twice). Returns what it queued."""
    return {"reminders": queue_reminders(), "follow_ups": queue_follow_ups()}
