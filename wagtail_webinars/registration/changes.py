"""The change rule: a published change that registrants must know of reaches each of them once.

When an editor publishes a session whose start, end, join link or status differs from what its
registrants were last told (``calendar_state``), ``announce_change()`` raises the session's
calendar SEQUENCE and writes one e-mail per confirmed or waiting registrant into the outbox, in
one transaction under the session's row lock:

- a new time or link: ``update``, with the invitation (METHOD:REQUEST, the higher SEQUENCE);
- postponed: ``postponed``, with the invitation marked ``STATUS:TENTATIVE``;
- cancelled (inställt): ``called_off``, with a METHOD:CANCEL that removes the event.

Those on the waiting list get the same notice without a calendar part (they have no event).

Exactly once: publishing the same state again finds nothing new; two editors publishing at once
queue on the lock, and the second finds the state the first recorded; the outbox rows carry the
SEQUENCE as their key, unique per registration, as a last guard. The rows are written in the
transaction that raises the SEQUENCE, so a crash leaves either both or neither; a crash between
Wagtail's save of the page and this rule leaves a difference that ``announce_pending_changes()``
(run by ``webinars_send_pending_mail``) finds and announces.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import page_cache
from ..models.pages import SessionStatus
from ..models.registrations import EmailKind, Registration
from ..pagemodel import session_page_model
from .mail import queue_emails


def change_kind(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The e-mail that tells registrants of the change from ``old`` to ``new`` (two
    ``calendar_snapshot()`` dicts), or None when they need not be told."""
    if old == new:
        return None
    old_status, new_status = old.get("status"), new.get("status")
    if new_status == SessionStatus.CANCELLED:
        # Changing the time of a session already called off tells nobody anything.
        return None if old_status == SessionStatus.CANCELLED else EmailKind.CALLED_OFF
    if new_status == SessionStatus.POSTPONED and old_status != SessionStatus.POSTPONED:
        return EmailKind.POSTPONED
    return EmailKind.UPDATE


def _parse(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def announce_change(session: Any, now: datetime.datetime | None = None) -> int:
    """Compare the live session with what its registrants were told and, if it changed in a
    way they must know of, raise its SEQUENCE and queue one e-mail to each confirmed or waiting
    registrant. Returns the number of e-mails queued. Safe to call any number of times, from
    any number of processes at once."""
    now = now or timezone.now()
    model = session_page_model()
    with transaction.atomic():
        locked = list(
            model._default_manager.select_for_update(of=("self",))
            .filter(pk=session.pk, live=True)
            .order_by()  # no join of the page table for Wagtail's ordering by path
        )
        if not locked:
            return 0
        current = locked[0]
        new = current.calendar_snapshot()
        old = current.calendar_state or {}
        if old == new:
            return 0
        updates: dict[str, Any] = {"calendar_state": new}
        kind = change_kind(old, new) if old else None
        if old and old.get("start") != new["start"]:
            updates["rescheduled_from"] = _parse(old.get("start"))
        if kind is not None:
            updates["calendar_sequence"] = current.calendar_sequence + 1
        model._default_manager.filter(pk=current.pk).update(**updates)
        # An UPDATE sends no post_save: the page's cached fragments (the banner) are stale now.
        transaction.on_commit(page_cache.bump_generation)
        for name, value in updates.items():
            setattr(session, name, value)
        old_end = _parse(old.get("end"))
        ended = current.end <= now and (old_end is None or old_end <= now)
        if kind is None or ended:
            return 0
        registrations = list(
            Registration.objects.active().filter(session_id=current.pk).order_by("pk")
        )
        queue_emails(registrations, kind, key=f"sequence-{updates['calendar_sequence']}")
        return len(registrations)


def announce_changes_on_publish(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``page_published`` receiver (connected by ``signal_handlers.connect()``)."""
    if isinstance(instance, session_page_model()):
        announce_change(instance)


def announce_pending_changes(now: datetime.datetime | None = None) -> int:
    """Announce every live, not yet ended session whose published state differs from what its
    registrants were told: what a crash between a publish and its announcement left undone.
    Returns the number of e-mails queued."""
    now = now or timezone.now()
    queued = 0
    sessions = session_page_model()._default_manager.live().filter(end__gt=now)
    for session in sessions.iterator():
        if session.calendar_snapshot() != (session.calendar_state or {}):
            queued += announce_change(session, now)
    return queued
