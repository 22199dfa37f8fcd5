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
import contextvars
import datetime
import email.policy
import functools
import importlib
import logging
import time
from collections.abc import Iterable
from email.headerregistry import BaseHeader, HeaderRegistry
from email.utils import formataddr, parseaddr
from functools import cached_property
from typing import Any

import django
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import connection, router, transaction
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

#: Outbox rows of one session claimed, built and sent together (by ``webinars_send_pending_mail``,
#: and by the task that sends a session's reminders or change notices): what they share (the
#: session, its site, contact persons and calendar) is read and built once, not once per e-mail.
#: A batch must be sent well within ``EMAIL_SENDING_TIMEOUT``; the sender puts back what is left
#: of it at nine tenths of that time.
BATCH_SIZE = 1000
#: Seconds between writes of what a batch has sent (and once at its end): a sender killed in the
#: middle of a batch leaves at most this much sent but not written, to be sent again, with the
#: same Message-IDs, after ``EMAIL_SENDING_TIMEOUT``.
RECORD_EVERY = 10

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
    unique per registration and kind: writing it twice raises ``IntegrityError``.

    Where the task runs in this process (``_sends_here()``: Django's ImmediateBackend, the
    package's default), the row is written claimed for that task, as ``claim()`` would mark it,
    and the task is given the claim's deadline: no other sender takes the row before it runs out,
    and the send makes no claim of its own (one UPDATE and one commit fewer per e-mail). Should
    the process die between the commit and the send, the command sends the row once the claim
    has run out (``EMAIL_SENDING_TIMEOUT``)."""
    deadline = _claim_moment(timezone.now())[1] if _sends_here() else None
    claimed = (
        {}
        if deadline is None
        else {"state": EmailState.SENDING, "attempts": 1, "next_attempt_at": deadline}
    )
    email = RegistrationEmail.objects.create(
        registration=registration, kind=kind, key=key, **claimed
    )
    if deadline is None and _queue_shares_the_transaction():
        # The task row commits with the outbox row, or neither does; no worker sees it before.
        # A savepoint, so that a failed enqueue leaves the caller's transaction usable.
        try:
            with transaction.atomic():
                send_registration_email.enqueue(email.pk)
        except Exception:  # the row stays pending; the command sends it
            logger.exception("Could not enqueue registration e-mail %s", email.pk)
        return email
    transaction.on_commit(lambda: _enqueue_send(email.pk, email, deadline))
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
    enqueue_batch_on_commit([row.pk for row in rows])


def enqueue_batch_on_commit(email_ids: list[int]) -> None:
    """Once the caller's transaction commits, enqueue ``send_registration_emails`` for these
    rows, one task per ``BATCH_SIZE``: a worker (or, with the default immediate backend, this
    process) then sends them with one read of what they share."""

    def enqueue() -> None:
        for start in range(0, len(email_ids), BATCH_SIZE):
            chunk = email_ids[start : start + BATCH_SIZE]
            try:
                send_registration_emails.enqueue(chunk)
            except Exception:  # the rows stay pending; the command sends them
                logger.exception("Could not enqueue registration e-mails %s…", chunk[:1])

    if email_ids:
        transaction.on_commit(enqueue)


def _sends_here() -> bool:
    """Whether the send task's backend runs a task in this process as it is enqueued (Django's
    ImmediateBackend, or the django-tasks backport's)."""
    return isinstance(send_registration_email.get_backend(), _immediate_backends())


@functools.cache
def _immediate_backends() -> tuple[type, ...]:
    classes = []
    for module in ("django.tasks.backends.immediate", "django_tasks.backends.immediate"):
        with contextlib.suppress(ImportError):
            classes.append(importlib.import_module(module).ImmediateBackend)
    return tuple(classes)


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


#: The outbox row that ``_enqueue_send()`` is enqueueing in this thread, as its writer holds it
#: (with its registration, and the session where the writer had it): a backend that runs the task
#: here and now (Django's ImmediateBackend, the package's default) sends it without reading back
#: what this process has just written. A worker elsewhere never sees it and reads the row.
_handed_over: contextvars.ContextVar[RegistrationEmail | None] = contextvars.ContextVar(
    "wagtail_webinars_handed_over", default=None
)


def _enqueue_send(
    email_id: int,
    email: RegistrationEmail | None = None,
    claimed_until: datetime.datetime | None = None,
) -> None:
    token = _handed_over.set(email)
    try:
        if claimed_until is None:
            send_registration_email.enqueue(email_id)
        else:
            send_registration_email.enqueue(email_id, claimed_until.isoformat())
    except Exception:  # the row stays pending; the command sends it
        logger.exception("Could not enqueue registration e-mail %s", email_id)
    finally:
        _handed_over.reset(token)


@task
def send_registration_email(email_id: int, claimed_until: str | None = None) -> str:
    """Send one queued registration e-mail; returns its state afterwards ("sent", "pending", …).
    ``claimed_until``: the deadline (ISO 8601) of the claim ``queue_email()`` wrote into the row
    for this task, which then sends it without claiming it.

    A task of Django's tasks framework (``django.tasks`` on Django 6, the ``django_tasks``
    backport before): the host picks the backend in its ``TASKS`` setting."""
    claim = datetime.datetime.fromisoformat(claimed_until) if claimed_until else None
    return send_queued_email(email_id, claimed_until=claim)


@task
def send_registration_emails(email_ids: list[int]) -> dict[str, int]:
    """Send a batch of queued registration e-mails (a session's reminders or change notices)
    as ``webinars_send_pending_mail`` does; returns how many ended in each state."""
    return send_emails(email_ids)


# ---------------------------------------------------------------------------------------------
# Building and sending one message
# ---------------------------------------------------------------------------------------------


def sender_address() -> str:
    return webinar_settings.EMAIL_FROM or settings.DEFAULT_FROM_EMAIL


def _site_root(session: Any) -> str:
    """The root URL of the session's site without the final slash, from Wagtail's cached site
    root paths (kept on the page instance): ``get_site()`` would read the Site row again for
    every e-mail. ``WAGTAILADMIN_BASE_URL`` when the page has no site."""
    url_parts = session.get_url_parts()
    root = url_parts[1] if url_parts is not None and url_parts[1] else None
    return (root or getattr(settings, "WAGTAILADMIN_BASE_URL", "")).rstrip("/")


def cancel_url(
    registration: Registration, session: Any | None = None, root: str | None = None
) -> str:
    """The absolute personal cancel link, on the session's own site (``root``, when the caller
    has read it already)."""
    session = session or registration.session
    path = reverse("wagtail_webinars:registration_cancel", kwargs={"token": registration.token})
    return f"{_site_root(session) if root is None else root}{path}"


def get_contacts(session: Any) -> list:
    """The session's contact persons, else its series'."""
    contacts = session.get_contacts()
    if not contacts and getattr(session, "series", None) is not None:
        contacts = session.series.get_contacts()
    return contacts


def absolute_url(session: Any, url: str, root: str | None = None) -> str:
    """``url`` (a document's, say) on the session's own site, for an e-mail."""
    if not url or "://" in url:
        return url
    return f"{_site_root(session) if root is None else root}{url}"


def get_after_broadcast(session: Any, root: str | None = None) -> list[dict[str, Any]]:
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
                    {"title": d.title, "url": absolute_url(session, d.url, root)}
                    for d in value.get("documents") or []
                    if d
                ],
            }
        )
    return items


class SessionMail:
    """What every e-mail about one session shares, read and built once however many e-mails of
    the session a batch sends: the session page, its address and site, its contact persons (or
    its series'), the "After the broadcast" material and the dates in each language. Only what
    is the registrant's own (name, cancel link, place in the queue, attendee) is made per
    e-mail, so each message is the one ``build_message()`` makes alone."""

    #: The attribute of a page instance that keeps its ``SessionMail`` (``of()``).
    ATTRIBUTE = "_wagtail_webinars_session_mail"

    def __init__(self, session: Any) -> None:
        self.session = session
        self._dates: dict[str, tuple[str, str]] = {}

    @classmethod
    def load(cls, session_ids: Iterable[int]) -> dict[int, SessionMail]:
        """The sessions of ``session_ids`` in one query, by id."""
        sessions = session_page_model()._default_manager.filter(pk__in=set(session_ids))
        return {session.pk: cls(session) for session in sessions}

    @classmethod
    def of(cls, session: Any) -> SessionMail:
        """The ``SessionMail`` kept on this page instance, made on first use: what was read for
        it travels with the instance, into a cache entry too (``keep_contacts()``)."""
        shared = session.__dict__.get(cls.ATTRIBUTE)
        if shared is None:
            shared = session.__dict__[cls.ATTRIBUTE] = cls(session)
        return shared

    @classmethod
    def keep_contacts(cls, session: Any) -> None:
        """Read the session's contact persons (or its series') onto the page instance, for a
        page about to be kept in the page cache: a registration that reads the page from there
        then writes its confirmation without querying them (a query per registration in the
        default setup, bench/PROFILE.md). The page cache's generation
        changes with any contact person, page or series saved or published, so what is kept is
        as current as the page."""
        cls.of(session).contacts  # noqa: B018 (the cached_property is read for its effect)

    @cached_property
    def root(self) -> str:
        return _site_root(self.session)

    @cached_property
    def session_url(self) -> str:
        return self.session.get_full_url() or ""

    @cached_property
    def contacts(self) -> list:
        return get_contacts(self.session)

    @cached_property
    def after_broadcast(self) -> list[dict[str, Any]]:
        return get_after_broadcast(self.session, self.root)

    def dates(self) -> tuple[str, str]:
        """The timespan and the start it had before it moved, in the active language."""
        language = translation.get_language() or ""
        if language not in self._dates:
            session = self.session
            previous = format_datetime(session.rescheduled_from) if session.is_rescheduled else ""
            self._dates[language] = (format_timespan(session.start, session.end), previous)
        return self._dates[language]


def get_email_context(
    email: RegistrationEmail, shared: SessionMail | None = None
) -> dict[str, Any]:
    """Template context of one e-mail; the keys are documented in docs/email.md. ``shared`` is
    what the e-mails of its session have in common, when a batch has read it already."""
    registration = email.registration
    if shared is None:
        shared = SessionMail(session_page_model().objects.get(pk=registration.session_id))
    session = shared.session
    timespan, previous_timespan = shared.dates()
    join_url = ""
    if email.kind in JOIN_LINK_KINDS:
        join_url = session.stream_url
    return {
        "kind": email.kind,
        "registration": registration,
        "session": session,
        "session_url": shared.session_url,
        "timespan": timespan,
        "join_url": join_url,
        "cancel_url": cancel_url(registration, session, shared.root),
        "contacts": shared.contacts,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        # The place in the queue, as it is when the e-mail is written; for its owner only.
        "waitlist_position": (
            registration.waitlist_position() if email.kind == EmailKind.WAITLISTED else None
        ),
        # The start it had before it moved, for the change notice ("It was to be held …").
        "previous_timespan": previous_timespan if email.kind == EmailKind.UPDATE else "",
        "after_broadcast": shared.after_broadcast if email.kind == EmailKind.FOLLOW_UP else [],
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
        if django.VERSION >= (6, 0) and not args:
            chosen = kwargs.get("policy", email.policy.default)
            kwargs["policy"] = _OUR_POLICIES.get(id(chosen), chosen)
        msg = super().message(*args, **kwargs)
        if not self.calendar:
            return msg
        alternative = msg
        if msg.get_content_type() != "multipart/alternative":
            alternative = msg.get_payload()[0]  # multipart/mixed: the bodies come first
        alternative.attach(_calendar_part(self.calendar, self.calendar_method, msg.policy))
        return msg


class _FoldedOnce(BaseHeader):
    """A header that keeps what it last folded to, with the policy it folded for: a header
    object is immutable (a ``str`` with its parse tree), and ``_HeaderClasses`` hands the same
    one to every message that sets the same header to the same value."""

    def fold(self, *, policy: Any) -> str:
        folded = self.__dict__.get("_wagtail_webinars_folded")
        if folded is not None and folded[0] is policy:
            return folded[1]
        text = super().fold(policy=policy)
        self.__dict__["_wagtail_webinars_folded"] = (policy, text)
        return text


class _HeaderClasses(HeaderRegistry):
    """The standard library's header registry, but

    - each header's class made once per name: ``HeaderRegistry.__getitem__()`` creates a new
      class with ``type()`` for every header it parses (27 in an invitation, a fifth of the time
      Django 6 took to build the message);
    - each header parsed once per name and value, among the last ``HEADERS_KEPT`` set, and folded
      once per policy (``_FoldedOnce``): most of an invitation's headers are those of every other
      (the parts' Content-Type and Content-Transfer-Encoding, From, Reply-To, the session's
      Subject, Auto-Submitted, MIME-Version), parsed and folded anew for each message before.

    The same classes and the same parse, so the same bytes (tests/registration/
    test_calendar_invitations.py compares them with the standard policy's)."""

    HEADERS_KEPT = 512

    def __init__(self) -> None:
        super().__init__(base_class=_FoldedOnce)
        self._classes: dict[str, type] = {}
        self._parsed = functools.lru_cache(maxsize=self.HEADERS_KEPT)(self._parse)

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls

    def __call__(self, name: str, value: Any) -> Any:
        if type(name) is str and type(value) is str:
            return self._parsed(name, value)
        return self._parse(name, value)

    def _parse(self, name: str, value: Any) -> Any:
        return self[name](name, value)


#: The policy of the registration e-mails Django 6 builds: its default (``email.policy.default``)
#: with the registry above; and the same for SMTP (``email.policy.SMTP``, which Django's SMTP
#: backend asks for: the default with CRLF line ends).
MESSAGE_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())
SMTP_MESSAGE_POLICY = MESSAGE_POLICY.clone(linesep="\r\n")
#: The standard library's policies and ours in their place.
_OUR_POLICIES = {
    id(email.policy.default): MESSAGE_POLICY,
    id(email.policy.SMTP): SMTP_MESSAGE_POLICY,
}


def _calendar_part(ics: str, method: str, policy: Any = None) -> Any:
    """The calendar as a ``text/calendar; method=…`` MIME part, without a disposition: an
    alternative body, not an attachment."""
    if django.VERSION >= (6, 0):
        from email.message import MIMEPart

        part = MIMEPart(policy=policy or MESSAGE_POLICY)
        part.set_content(ics, subtype="calendar", charset="utf-8", params={"method": method})
        return part
    from django.core.mail.message import SafeMIMEText

    part = SafeMIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    return part


def calendar_method(email: RegistrationEmail, invited: bool | None = None) -> str | None:
    """The iTIP method of the calendar an e-mail carries, or None for none.

    REQUEST for the e-mails that give or remind of a place; CANCEL in a cancellation, but only
    for a registrant who was sent an invitation (someone who leaves the waiting list has no
    event in their calendar to remove). ``invited``: whether they were, when a batch has read it
    for all its cancellations at once."""
    if email.kind in INVITATION_KINDS:
        return "REQUEST"
    if email.kind in UPDATE_KINDS:
        confirmed = email.registration.status == RegistrationStatus.CONFIRMED
        return "REQUEST" if confirmed else None
    if email.kind in CANCEL_KINDS:
        if invited is None:
            invited = _invited({email.registration_id})
            invited = email.registration_id in invited
        if email.kind == EmailKind.CALLED_OFF:
            invited = invited or email.registration.status == RegistrationStatus.CONFIRMED
        return "CANCEL" if invited else None
    return None


def _invited(registration_ids: set[int]) -> set[int]:
    """Which of these registrations were sent an invitation, in one query."""
    return set(
        RegistrationEmail.objects.filter(
            registration_id__in=registration_ids, kind__in=INVITATION_KINDS | UPDATE_KINDS
        ).values_list("registration_id", flat=True)
    )


def message_id(email: RegistrationEmail) -> str:
    """The ``Message-ID`` of one outbox row, the same at every attempt to send it (RFC 5322):
    a receiving server that gets it twice (a worker killed after sending, before it could write
    that it had) can drop the copy. Made of the row's id and creation time, at the sender's
    domain."""
    domain = parseaddr(sender_address())[1].rpartition("@")[2] or str(DNS_NAME)
    stamp = int(email.created_at.timestamp() * 1_000_000)
    return f"<wagtail-webinars.{email.pk}.{stamp}@{domain}>"


def build_message(
    email: RegistrationEmail, shared: SessionMail | None = None, invited: bool | None = None
) -> EmailMultiAlternatives:
    """The message for one outbox row, in the registrant's language. ``shared`` and ``invited``
    are what a batch has read for several e-mails at once (``send_emails()``)."""
    registration = email.registration
    with translation.override(registration.language or "sv"):
        context = get_email_context(email, shared)
        base = f"wagtail_webinars/emails/{email.kind}"
        # One line, whatever the template or the page title holds: no header injection.
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    name = " ".join(registration.name.split())
    contacts = context["contacts"]
    reply_to = [c.contact.email for c in contacts if c.contact.email][:1]
    method = calendar_method(email, invited)
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
        headers={
            # RFC 3834: no out-of-office or other automatic replies to an automatic message.
            "Auto-Submitted": "auto-generated",
            "Message-ID": message_id(email),
        },
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


# ---------------------------------------------------------------------------------------------
# Claiming and sending: one row, or a batch
# ---------------------------------------------------------------------------------------------


def claimable(now: datetime.datetime) -> Any:
    """The rows a sender may claim at ``now``: pending ones that are due, and ones a sender
    claimed but never finished (killed mid-send) once their claim has run out.

    A claim writes its deadline (``EMAIL_SENDING_TIMEOUT`` on) in ``next_attempt_at``. A row
    claimed before there were deadlines has none: it is taken again once it is that old."""
    timeout = datetime.timedelta(seconds=webinar_settings.EMAIL_SENDING_TIMEOUT)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    stale = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lte=now - timeout
    )
    return RegistrationEmail.objects.filter(
        (Q(state=EmailState.PENDING) & due) | (Q(state=EmailState.SENDING) & stale)
    )


def _claim_moment(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """When a claim is made (``now``, or the clock if it has passed ``now``) and its deadline."""
    moment = max(now, timezone.now())
    return moment, moment + datetime.timedelta(seconds=webinar_settings.EMAIL_SENDING_TIMEOUT)


def _take(pks: Any, deadline: datetime.datetime) -> int:
    return pks.update(
        state=EmailState.SENDING, attempts=F("attempts") + 1, next_attempt_at=deadline
    )


def claim(email_id: int, now: datetime.datetime | None = None) -> bool:
    """Take one due row for sending with a single conditional UPDATE: of any number of
    workers and commands, exactly one wins, so no e-mail is sent twice."""
    now = now or timezone.now()
    return _claim_one(email_id, now, _claim_moment(now)[1])


def _claim_one(email_id: int, now: datetime.datetime, deadline: datetime.datetime) -> bool:
    return bool(_take(claimable(now).filter(pk=email_id), deadline))


def claim_batch(
    email_ids: list[int], now: datetime.datetime
) -> tuple[list[int], datetime.datetime]:
    """Take the due rows of ``email_ids`` for sending; returns those taken and the claim's
    deadline. Where the database can lock rows and skip locked ones (PostgreSQL), in two queries
    whatever their number: the rows are locked, then marked, in one transaction, so a
    concurrent claimer skips them and then no longer sees them as due. Elsewhere (SQLite) one
    conditional UPDATE per row, as ``claim()``."""
    _, deadline = _claim_moment(now)
    if len(email_ids) == 1 or not connection.features.has_select_for_update_skip_locked:
        return [pk for pk in email_ids if _claim_one(pk, now, deadline)], deadline
    with transaction.atomic():
        taken = list(
            claimable(now)
            .filter(pk__in=email_ids)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if taken:
            _take(RegistrationEmail.objects.filter(pk__in=taken), deadline)
    return taken, deadline


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff: EMAIL_RETRY_BACKOFF seconds, doubled with each further attempt."""
    return datetime.timedelta(
        seconds=webinar_settings.EMAIL_RETRY_BACKOFF * 2 ** max(0, attempts - 1)
    )


def send_queued_email(
    email_id: int,
    now: datetime.datetime | None = None,
    claimed_until: datetime.datetime | None = None,
) -> str:
    """Claim, build and send one outbox row; returns its state afterwards ("skipped" when
    another sender has it or it is not due). With ``claimed_until``, the row was written claimed
    until then for this send (``queue_email()``): it is sent without a claim, if it still holds
    that claim and the claim is not near its end.

    A failing or timing-out backend leaves the registration alone: the row goes back to
    ``pending`` with a later ``next_attempt_at`` (and a deferred retry where the task backend
    supports it), or to ``failed`` after ``EMAIL_MAX_ATTEMPTS``, with the error for editors.
    """
    states: dict[int, str] = {}
    _send_batch([email_id], now or timezone.now(), {}, states, claimed_until)
    return states.get(email_id, "skipped")


def send_emails(email_ids: Iterable[int], now: datetime.datetime | None = None) -> dict[str, int]:
    """Claim, build and send these outbox rows in batches of ``BATCH_SIZE``, each session's
    together, reading and building what the e-mails of a session share once; returns how many
    ended in each state. The same rules as ``send_queued_email()`` for each row."""
    now = now or timezone.now()
    ids = list(email_ids)
    sessions = (
        dict(
            RegistrationEmail.objects.filter(pk__in=ids).values_list(
                "pk", "registration__session_id"
            )
        )
        if len(ids) > 1
        else {}
    )
    return _send_grouped(ids, sessions, now)


def _send_grouped(
    ids: list[int], session_of: dict[int, int], now: datetime.datetime
) -> dict[str, int]:
    # A batch per session (of at most BATCH_SIZE, in their order), so the queries of a run grow
    # with its sessions, not with its e-mails.
    by_session: dict[int, list[int]] = {}
    for pk in ids:
        by_session.setdefault(session_of.get(pk, 0), []).append(pk)
    cache: dict[int, SessionMail] = {}
    states: dict[int, str] = {}
    for session_ids in by_session.values():
        for start in range(0, len(session_ids), BATCH_SIZE):
            _send_batch(session_ids[start : start + BATCH_SIZE], now, cache, states)
    counts: dict[str, int] = {}
    for pk in ids:
        state = states.get(pk, "skipped")
        counts[state] = counts.get(state, 0) + 1
    return counts


def _send_batch(
    ids: list[int],
    now: datetime.datetime,
    cache: dict[int, SessionMail],
    states: dict[int, str],
    claimed_until: datetime.datetime | None = None,
) -> None:
    """Claim ``ids`` (unless they were written claimed until ``claimed_until`` for this send),
    then build and send each claimed row over one connection, in a fixed number of queries for
    the batch and for each of its sessions (plus the place in the queue of a ``waitlisted``
    e-mail), and record the outcome. Every write is fenced by the claim's deadline: a sender
    whose claim ran out (and was taken over) changes nothing, and none sends in the last tenth
    of its claim."""
    timeout = webinar_settings.EMAIL_SENDING_TIMEOUT
    emails = None
    if claimed_until is None:
        taken, deadline = claim_batch(ids, now)
        if not taken:
            return
    else:
        taken, deadline = ids, claimed_until
        emails = _handed_over_row(ids, deadline, cache)
    # The claim's start, on the monotonic clock: it may have been made before this call.
    written = time.monotonic()
    started = written - (timeout - (deadline - timezone.now()).total_seconds())
    if emails is None:
        # Only the rows this claim still holds.
        emails = list(
            RegistrationEmail.objects.filter(
                pk__in=taken, state=EmailState.SENDING, next_attempt_at=deadline
            )
            .select_related("registration")
            .order_by("created_at", "pk")
        )
    missing = {e.registration.session_id for e in emails} - cache.keys()
    if missing:
        cache.update(SessionMail.load(missing))
    cancelling = {e.registration_id for e in emails if e.kind in CANCEL_KINDS}
    invited = _invited(cancelling) if cancelling else set()
    mine = RegistrationEmail.objects.filter(state=EmailState.SENDING, next_attempt_at=deadline)
    sent: list[RegistrationEmail] = []
    released: list[int] = []
    backend = mail_connection()
    with contextlib.suppress(Exception):  # a backend that cannot open now fails each send below
        backend.open()
    try:
        for email in emails:
            if time.monotonic() - started > 0.9 * timeout:
                # Near the claim's end: another sender may take these over soon. Put them back.
                released.append(email.pk)
                continue
            try:
                shared = cache.get(email.registration.session_id)
                message = build_message(email, shared, email.registration_id in invited)
                backend.send_messages([message])
            except Exception as error:  # any backend error: SMTP, timeout, provider API
                states[email.pk] = _record_failure(email, error, now, mine)
                with contextlib.suppress(Exception):  # a fresh connection for the next one
                    backend.close()
                    backend.open()
                continue
            _record_success(email, message)
            sent.append(email)
            states[email.pk] = EmailState.SENT
            if time.monotonic() - written > RECORD_EVERY:
                _record_sent(sent, mine)
                sent, written = [], time.monotonic()
    finally:
        with contextlib.suppress(Exception):
            backend.close()
        if sent:
            _record_sent(sent, mine)
        if released:
            mine.filter(pk__in=released).update(
                state=EmailState.PENDING, attempts=F("attempts") - 1, next_attempt_at=None
            )


def _handed_over_row(
    ids: list[int], deadline: datetime.datetime, cache: dict[int, SessionMail]
) -> list[RegistrationEmail] | None:
    """The one row, claimed until ``deadline``, that ``_enqueue_send()`` handed over in this
    thread, as its writer holds it (and its session into ``cache``, where the registration holds
    it); None when it must be read (a backend that runs the task later, in a test's transaction)."""
    email = _handed_over.get()
    if email is None or ids != [email.pk] or email.next_attempt_at != deadline:
        return None
    registration = email.registration
    if Registration.session.is_cached(registration) and registration.session_id not in cache:
        cache[registration.session_id] = SessionMail.of(registration.session)
    return [email]


def mail_connection() -> Any:
    """A connection of the site's default mailer, for a batch to send over: Django 6.1's
    ``mailers.default`` (``MAILERS``, or ``EMAIL_BACKEND`` until Django 2028), else
    ``get_connection()``."""
    try:
        from django.core.mail import mailers
    except ImportError:  # Django before 6.1
        return get_connection()
    return mailers.default


def _record_sent(sent: list[RegistrationEmail], mine: Any) -> None:
    """Write the sent rows: in one plain UPDATE where they agree (Django's own backends and any
    that report no message id), else in one CASE per field (Anymail's provider ids)."""
    outcomes = {(e.message_id, e.delivery_state) for e in sent}
    if len(outcomes) == 1:
        ((provider_id, delivery_state),) = outcomes
        mine.filter(pk__in=[e.pk for e in sent]).update(
            state=EmailState.SENT,
            sent_at=sent[-1].sent_at,
            message_id=provider_id,
            delivery_state=delivery_state,
            last_error="",
            next_attempt_at=None,
        )
        return
    fields = ["state", "sent_at", "message_id", "delivery_state", "last_error", "next_attempt_at"]
    mine.bulk_update(sent, fields)


def _record_success(email: RegistrationEmail, message: Any) -> None:
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) if status is not None else None
    email.message_id = "" if provider_id is None else str(provider_id)[:255]
    if status is not None and getattr(status, "status", None):
        # Anymail reports e.g. {"queued"} or {"rejected"} at send time.
        first = sorted(status.status)[0]
        if first in DeliveryState.values:
            email.delivery_state = first
    email.state = EmailState.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.next_attempt_at = None


def _record_failure(
    email: RegistrationEmail, error: Exception, now: datetime.datetime, mine: Any
) -> str:
    logger.warning("Registration e-mail %s failed: %r", email.pk, error)
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= webinar_settings.EMAIL_MAX_ATTEMPTS:
        email.state = EmailState.FAILED
        email.next_attempt_at = None
    else:
        email.state = EmailState.PENDING
        email.next_attempt_at = now + retry_delay(email.attempts)
    mine.filter(pk=email.pk).update(
        state=email.state, next_attempt_at=email.next_attempt_at, last_error=email.last_error
    )
    if email.state == EmailState.PENDING:
        _schedule_retry(email)
    return email.state


def _schedule_retry(email: RegistrationEmail) -> None:
    try:
        if send_registration_email.get_backend().supports_defer:
            send_registration_email.using(run_after=email.next_attempt_at).enqueue(email.pk)
    except Exception:  # the command picks the row up instead
        logger.exception("Could not schedule a retry of registration e-mail %s", email.pk)


def send_pending(now: datetime.datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every row that is due (``webinars_send_pending_mail``): pending ones, retries, and
    ones whose sender never finished (``EMAIL_SENDING_TIMEOUT``), oldest first, each session's
    in one batch. Returns how many ended in each state."""
    now = now or timezone.now()
    due = claimable(now).order_by("created_at", "pk").values_list("pk", "registration__session_id")
    if limit:
        due = due[:limit]
    rows = list(due)
    return _send_grouped([pk for pk, _ in rows], dict(rows), now)


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
