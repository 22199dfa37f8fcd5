"""The registration e-mail outbox: the writer (``queue_email``), its send task and the sender.

As pretix keeps ``mail()`` and its send task together: ``queue_email()`` writes the outbox row
inside the caller's transaction and enqueues ``send_registration_email`` once that transaction
commits; the task (or ``webinars_send_pending_mail`` from cron, for whatever a worker has not
sent) claims the row, builds the message from overridable templates and sends it through
Django's e-mail API.

The host picks the backend (SMTP, or django-anymail with a real provider: docs/email.md). Each
message carries Anymail ``tags`` and ``metadata`` (ignored by other backends), so that Anymail's
tracking webhook can be matched back to its ``RegistrationEmail`` row by ``receive_tracking``.

Templates, overridable by a host at the same path, per kind (``confirmation``, ``waitlisted``,
``promoted``, ``cancelled``, ``reminder``)::

    wagtail_webinars/emails/<kind>_subject.txt
    wagtail_webinars/emails/<kind>.txt
    wagtail_webinars/emails/<kind>.html
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
from email.utils import formataddr
from typing import Any

import django
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import router, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..conf import webinar_settings
from ..dates import format_datetime, format_timespan
from ..ical import get_invitation_class
from ..models.registrations import (
    DeliveryState,
    EmailKind,
    EmailState,
    Registration,
    RegistrationEmail,
    RegistrationStatus,
)
from ..pagemodel import session_page_model

try:  # Django 6.0+
    from django.tasks import task
except ImportError:  # Django 5.2 with the django-tasks backport
    from django_tasks import task

logger = logging.getLogger(__name__)

#: Kinds of e-mail that carry the calendar invitation (METHOD:REQUEST): the ones that give a
#: place, and the reminder (which puts the event back where a registrant deleted it).
INVITATION_KINDS = {EmailKind.CONFIRMATION, EmailKind.PROMOTED, EmailKind.REMINDER}
#: Change notices (registration/changes.py): an updated REQUEST for a confirmed registrant (the
#: new time or link, or STATUS:TENTATIVE while postponed); nothing for one who is waiting.
UPDATE_KINDS = {EmailKind.UPDATE, EmailKind.POSTPONED}
#: Kinds that remove the event from a calendar (METHOD:CANCEL), for those who were invited.
CANCEL_KINDS = {EmailKind.CANCELLED, EmailKind.CALLED_OFF}
#: Kinds that carry the join link where the editor keeps it for registrants.
JOIN_LINK_KINDS = {
    EmailKind.CONFIRMATION,
    EmailKind.PROMOTED,
    EmailKind.REMINDER,
    EmailKind.UPDATE,
}


# ---------------------------------------------------------------------------------------------
# The outbox writer and its task
# ---------------------------------------------------------------------------------------------


def queue_email(registration: Registration, kind: str, key: str = "") -> RegistrationEmail:
    """Write the outbox row now (inside the caller's transaction) and enqueue the send task
    once that transaction commits (with django-tasks-db on the same database: in that
    transaction, see ``_queue_shares_the_transaction()``). If enqueueing fails, the row stays pending for
    ``webinars_send_pending_mail``. A ``key`` (a reminder's offset, a change's SEQUENCE) is
    unique per registration and kind: writing it twice raises ``IntegrityError``."""
    email = RegistrationEmail.objects.create(registration=registration, kind=kind, key=key)
    if _queue_shares_the_transaction():
        # The task row commits with the outbox row, or neither does; no worker sees it before.
        # A savepoint, so that a failed enqueue leaves the caller's transaction usable.
        try:
            with transaction.atomic():
                send_registration_email.enqueue(email.pk)
        except Exception:  # the row stays pending; the command sends it
            logger.exception("Could not enqueue registration e-mail %s", email.pk)
        return email
    transaction.on_commit(lambda: _enqueue_send(email.pk))
    return email


def _queue_shares_the_transaction() -> bool:
    """Whether the send task's backend is django-tasks-db writing its queue to the database of
    the outbox, inside a transaction: then the task row is written in that transaction (one
    commit per registration instead of two). Every other backend is enqueued at commit, so that
    no worker (RQ, or the immediate backend) runs the task before the outbox row is there."""
    classes = _tasks_db_classes()
    if classes is None:
        return False
    database_backend, db_task_result = classes
    if not isinstance(send_registration_email.get_backend(), database_backend):
        return False
    alias = router.db_for_write(RegistrationEmail)
    return (
        router.db_for_write(db_task_result) == alias
        and transaction.get_connection(alias).in_atomic_block
    )


def queue_emails(registrations: list[Registration], kind: str, key: str) -> None:
    """``queue_email()`` for many registrations at once, in one INSERT: every registrant of a
    session told of one change. The caller holds the session's lock, so no row exists yet; the
    key's unique constraint makes a second round fail (and roll back) rather than send twice."""
    rows = RegistrationEmail.objects.bulk_create(
        [RegistrationEmail(registration=r, kind=kind, key=key) for r in registrations]
    )
    ids = [row.pk for row in rows]

    def enqueue() -> None:
        for email_id in ids:
            _enqueue_send(email_id)

    transaction.on_commit(enqueue)


@functools.cache
def _tasks_db_classes() -> tuple[type, type] | None:
    """django-tasks-db's backend and task model, or None where it cannot be imported (not
    installed; on Django 5.2 without django-tasks' compat extra). Looked up once."""
    try:
        from django_tasks_db import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except Exception:
        return None
    return DatabaseBackend, DBTaskResult


def _enqueue_send(email_id: int) -> None:
    try:
        send_registration_email.enqueue(email_id)
    except Exception:  # the row stays pending; the command sends it
        logger.exception("Could not enqueue registration e-mail %s", email_id)


@task
def send_registration_email(email_id: int) -> str:
    """Send one queued registration e-mail; returns its state afterwards ("sent", "pending", …).

    A task of Django's tasks framework (``django.tasks`` on Django 6, the ``django_tasks``
    backport before): the host picks the backend in its ``TASKS`` setting."""
    return send_queued_email(email_id)


# ---------------------------------------------------------------------------------------------
# Building and sending one message
# ---------------------------------------------------------------------------------------------


def sender_address() -> str:
    return webinar_settings.EMAIL_FROM or settings.DEFAULT_FROM_EMAIL


def cancel_url(registration: Registration, session: Any | None = None) -> str:
    """The absolute personal cancel link, on the session's own site."""
    session = session or registration.session
    path = reverse("wagtail_webinars:registration_cancel", kwargs={"token": registration.token})
    return f"{site_root_url(session).rstrip('/')}{path}"


def site_root_url(session: Any) -> str:
    """The root URL of the session's site, from Wagtail's cached site root paths (kept on the
    page instance): ``get_site()`` would read the Site row again for every e-mail."""
    url_parts = session.get_url_parts()
    if url_parts is not None and url_parts[1]:
        return url_parts[1]
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "")


def get_contacts(session: Any) -> list:
    """The session's contact persons, else its series'."""
    contacts = session.get_contacts()
    if not contacts and getattr(session, "series", None) is not None:
        contacts = session.series.get_contacts()
    return contacts


def absolute_url(session: Any, url: str) -> str:
    """``url`` (a document's, say) on the session's own site, for an e-mail."""
    if not url or "://" in url:
        return url
    return f"{site_root_url(session).rstrip('/')}{url}"


def get_after_broadcast(session: Any) -> list[dict[str, Any]]:
    """The session's "After the broadcast" blocks, for the follow-up: heading, text (rich text
    as HTML), discussion questions and documents with absolute URLs."""
    from wagtail.rich_text import expand_db_html

    items = []
    for block in session.programme:
        if block.block_type != "after_broadcast":
            continue
        value = block.value
        text = value.get("text")
        items.append(
            {
                "heading": value.get("heading") or "",
                "text": expand_db_html(text.source) if text else "",
                "discussion_questions": [q for q in value.get("discussion_questions") or [] if q],
                "documents": [
                    {"title": d.title, "url": absolute_url(session, d.url)}
                    for d in value.get("documents") or []
                    if d
                ],
            }
        )
    return items


def get_email_context(email: RegistrationEmail) -> dict[str, Any]:
    """Template context of one e-mail; the keys are documented in docs/email.md."""
    registration = email.registration
    session = session_page_model().objects.get(pk=registration.session_id)
    join_url = ""
    if email.kind in JOIN_LINK_KINDS:
        join_url = session.stream_url
    return {
        "kind": email.kind,
        "registration": registration,
        "session": session,
        "session_url": session.get_full_url() or "",
        "timespan": format_timespan(session.start, session.end),
        "join_url": join_url,
        "cancel_url": cancel_url(registration, session),
        "contacts": get_contacts(session),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        # The place in the queue, as it is when the e-mail is written; for its owner only.
        "waitlist_position": (
            registration.waitlist_position() if email.kind == EmailKind.WAITLISTED else None
        ),
        # The start it had before it moved, for the change notice ("It was to be held …").
        "previous_timespan": (
            format_datetime(session.rescheduled_from)
            if email.kind == EmailKind.UPDATE and session.is_rescheduled
            else ""
        ),
        "after_broadcast": get_after_broadcast(session)
        if email.kind == EmailKind.FOLLOW_UP
        else [],
    }


class InvitationEmail(EmailMultiAlternatives):
    """An e-mail whose calendar part mail clients treat as an invitation (iMIP, RFC 6047).

    The calendar goes where Outlook looks for it (MS-OXCMAIL: among the alternatives of the
    first part) and Gmail, Apple Mail and Thunderbird find it too, as Google Calendar's own
    invitations are built::

        multipart/mixed
          multipart/alternative
            text/plain
            text/html
            text/calendar; charset="utf-8"; method=REQUEST   (or CANCEL)
          application/ics; name="invite.ics"                 (attachment)

    Django builds text and HTML; ``message()`` adds the calendar alternative with its
    ``method=`` parameter, which ``attach_alternative()`` cannot write. The attachment is an
    ordinary one, so Anymail's API backends (which never call ``message()``) still send the
    calendar, as a file.
    """

    #: The attachment's name (Gmail and Outlook show it beside the invitation card).
    calendar_filename = "invite.ics"

    def __init__(self, *args: Any, calendar: str = "", method: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.calendar_method = method
        if calendar:
            # Bytes: Django would write a str of a non-text type in the wrong charset.
            self.attach(self.calendar_filename, calendar.encode(), "application/ics")

    def message(self, *args: Any, **kwargs: Any) -> Any:
        msg = super().message(*args, **kwargs)
        if not self.calendar:
            return msg
        alternative = msg
        if msg.get_content_type() != "multipart/alternative":
            alternative = msg.get_payload()[0]  # multipart/mixed: the bodies come first
        alternative.attach(_calendar_part(self.calendar, self.calendar_method))
        return msg


def _calendar_part(ics: str, method: str) -> Any:
    """The calendar as a ``text/calendar; method=…`` MIME part, without a disposition: an
    alternative body, not an attachment."""
    if django.VERSION >= (6, 0):
        from email.message import MIMEPart

        part = MIMEPart()
        part.set_content(ics, subtype="calendar", charset="utf-8", params={"method": method})
        return part
    from django.core.mail.message import SafeMIMEText

    part = SafeMIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    return part


def calendar_method(email: RegistrationEmail) -> str | None:
    """The iTIP method of the calendar an e-mail carries, or None for none.

    REQUEST for the e-mails that give or remind of a place; CANCEL in a cancellation, but only
    for a registrant who was sent an invitation (someone who leaves the waiting list has no
    event in their calendar to remove)."""
    if email.kind in INVITATION_KINDS:
        return "REQUEST"
    if email.kind in UPDATE_KINDS:
        confirmed = email.registration.status == RegistrationStatus.CONFIRMED
        return "REQUEST" if confirmed else None
    if email.kind in CANCEL_KINDS:
        invited = RegistrationEmail.objects.filter(
            registration_id=email.registration_id, kind__in=INVITATION_KINDS | UPDATE_KINDS
        ).exists()
        if email.kind == EmailKind.CALLED_OFF:
            invited = invited or email.registration.status == RegistrationStatus.CONFIRMED
        return "CANCEL" if invited else None
    return None


def build_message(email: RegistrationEmail) -> EmailMultiAlternatives:
    """The message for one outbox row, in the registrant's language."""
    registration = email.registration
    with translation.override(registration.language or "sv"):
        context = get_email_context(email)
        base = f"wagtail_webinars/emails/{email.kind}"
        # One line, whatever the template or the page title holds: no header injection.
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    name = " ".join(registration.name.split())
    contacts = context["contacts"]
    reply_to = [c.contact.email for c in contacts if c.contact.email][:1]
    method = calendar_method(email)
    ics = ""
    if method:
        # The ORGANIZER of every calendar file, which is this message's From (docs/calendar.md).
        invitation = get_invitation_class()(context["session"], registration, method=method)
        ics = invitation.to_ical().decode()
    message = InvitationEmail(
        subject=subject,
        body=text,
        from_email=sender_address(),
        to=[formataddr((name, registration.email))],
        reply_to=reply_to,
        # RFC 3834: no out-of-office or other automatic replies to an automatic message.
        headers={"Auto-Submitted": "auto-generated"},
        calendar=ics,
        method=method or "",
    )
    message.attach_alternative(html, "text/html")
    # Anymail: ignored by Django's own backends, sent to the provider by Anymail's.
    message.tags = ["wagtail_webinars", f"webinar-{email.kind}"]
    message.metadata = {
        "registration_id": str(registration.pk),
        "session_id": str(registration.session_id),
        "email_id": str(email.pk),
        "kind": email.kind,
    }
    return message


def claim(email_id: int, now: datetime.datetime | None = None) -> bool:
    """Take one pending row for sending with a single conditional UPDATE: of any number of
    workers and commands, exactly one wins, so no e-mail is sent twice."""
    now = now or timezone.now()
    return bool(
        RegistrationEmail.objects.filter(pk=email_id, state=EmailState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=EmailState.SENDING, attempts=F("attempts") + 1)
    )


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff: EMAIL_RETRY_BACKOFF seconds, doubled with each further attempt."""
    return datetime.timedelta(
        seconds=webinar_settings.EMAIL_RETRY_BACKOFF * 2 ** max(0, attempts - 1)
    )


def send_queued_email(email_id: int, now: datetime.datetime | None = None) -> str:
    """Claim, build and send one outbox row; returns its state afterwards.

    A failing or timing-out backend leaves the registration alone: the row goes back to
    ``pending`` with a later ``next_attempt_at`` (and a deferred retry where the task backend
    supports it), or to ``failed`` after ``EMAIL_MAX_ATTEMPTS``, with the error for editors.
    """
    now = now or timezone.now()
    if not claim(email_id, now):
        return "skipped"
    email = RegistrationEmail.objects.select_related("registration").get(pk=email_id)
    try:
        message = build_message(email)
        message.send()
    except Exception as error:  # any backend error: SMTP, timeout, provider API
        logger.warning("Registration e-mail %s failed: %r", email_id, error)
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts >= webinar_settings.EMAIL_MAX_ATTEMPTS:
            email.state = EmailState.FAILED
            email.next_attempt_at = None
        else:
            email.state = EmailState.PENDING
            email.next_attempt_at = now + retry_delay(email.attempts)
        email.save(update_fields=["state", "next_attempt_at", "last_error"])
        if email.state == EmailState.PENDING:
            _schedule_retry(email)
        return email.state
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None) if status is not None else None
    email.message_id = "" if message_id is None else str(message_id)[:255]
    if status is not None and getattr(status, "status", None):
        # Anymail reports e.g. {"queued"} or {"rejected"} at send time.
        first = sorted(status.status)[0]
        if first in DeliveryState.values:
            email.delivery_state = first
    email.state = EmailState.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["state", "sent_at", "message_id", "delivery_state", "last_error"])
    return email.state


def _schedule_retry(email: RegistrationEmail) -> None:
    try:
        if send_registration_email.get_backend().supports_defer:
            send_registration_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
    except Exception:  # the command picks the row up instead
        logger.exception("Could not schedule a retry of registration e-mail %s", email.pk)


def send_pending(now: datetime.datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every pending row that is due (``webinars_send_pending_mail``). Returns counts."""
    now = now or timezone.now()
    due = (
        RegistrationEmail.objects.filter(state=EmailState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    if limit:
        due = due[:limit]
    counts: dict[str, int] = {}
    for email_id in list(due):
        state = send_queued_email(email_id, now)
        counts[state] = counts.get(state, 0) + 1
    return counts


# Anymail's normalised event types → our delivery states.
TRACKING_STATES = {
    "queued": DeliveryState.QUEUED,
    "sent": DeliveryState.QUEUED,
    "delivered": DeliveryState.DELIVERED,
    "bounced": DeliveryState.BOUNCED,
    "rejected": DeliveryState.REJECTED,
    "deferred": DeliveryState.DEFERRED,
    "complained": DeliveryState.COMPLAINED,
    "opened": DeliveryState.OPENED,
    "failed": DeliveryState.FAILED,
}
# An open or a complaint tells more than "delivered", but never undoes a bounce.
_FINAL = {DeliveryState.BOUNCED, DeliveryState.REJECTED}


def receive_tracking(sender: Any, event: Any, esp_name: str = "", **kwargs: Any) -> None:
    """Receiver of ``anymail.signals.tracking`` (connected in ``AppConfig.ready()``): record
    the provider's delivery state on the e-mail it concerns."""
    state = TRACKING_STATES.get(getattr(event, "event_type", ""))
    if state is None:
        return
    emails = RegistrationEmail.objects.none()
    metadata = getattr(event, "metadata", None) or {}
    message_id = getattr(event, "message_id", None)
    if metadata.get("email_id"):
        # Another app's message may carry an email_id of its own that is no number.
        with contextlib.suppress(TypeError, ValueError):
            emails = RegistrationEmail.objects.filter(pk=int(metadata["email_id"]))
        if message_id not in (None, ""):
            # ... or one that is a number: the provider's message id must agree with ours (or
            # ours be unknown, when the provider gave none at send time).
            emails = emails.filter(Q(message_id=str(message_id)) | Q(message_id=""))
    elif message_id not in (None, ""):
        emails = RegistrationEmail.objects.filter(message_id=str(message_id))
    if state not in _FINAL:
        emails = emails.exclude(delivery_state__in=_FINAL)
    emails.update(
        delivery_state=state,
        delivery_updated_at=getattr(event, "timestamp", None) or timezone.now(),
    )
