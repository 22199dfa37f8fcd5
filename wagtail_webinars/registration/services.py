"""The registration rules, in one place: the HTML form, the JSON API and the admin all call these.

``register()`` is the one function that locks, counts, saves and enqueues the e-mail. The lock is
injectable (``lock=``) so that a test can show what happens without it; production always uses
``session_row_lock``, a ``SELECT … FOR UPDATE`` on the session's row, which holds across
processes and machines on PostgreSQL. The registration and its outbox row
(``RegistrationEmail``) are written in one transaction, and the e-mail task is enqueued only
after that transaction commits, so a mail outage can delay an e-mail but never lose a sign-up.

Messages in exceptions and states are translated into the visitor's language (``language`` of
the request, or the active language for ``registration_state()``).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Max, Q, Subquery, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from .. import shared_cache
from ..data import is_valid_code
from ..dates import format_datetime
from ..language import supported
from ..models.registrations import (
    ACTIVE_STATUSES,
    WAITLIST_ORDER,
    EmailKind,
    Registration,
    RegistrationEmail,
    RegistrationQuestion,
    RegistrationStatus,
    SessionPlaces,
    email_key_for,
    hash_token,
)
from ..pagemodel import session_page_model
from ..text import MULTILINE_EXTRA, is_email_text, is_multiline, is_single_line
from .mail import queue_email

if TYPE_CHECKING:
    from wagtail.models import Page

logger = logging.getLogger(__name__)

#: A lock is a callable that takes the session and returns a context manager; it is entered
#: inside the transaction and must hold until the transaction ends.
Lock = Callable[[Any], contextlib.AbstractContextManager[Any]]


# ---------------------------------------------------------------------------------------------
# Contract with the web side
# ---------------------------------------------------------------------------------------------


@dataclass
class RegistrationRequest:
    """What the visitor submitted, already validated by the form or the JSON endpoint."""

    name: str
    email: str
    organisation: str = ""
    municipality_code: str = ""  # an official code (see wagtail_webinars.data), or "other"
    participants: list[str] = field(default_factory=list)  # further names, same organisation
    answers: dict[str, Any] = field(default_factory=dict)  # question clean_name -> value
    question_to_speaker: str = ""
    consent_text: str = ""  # the consent text the visitor accepted, stored as given
    language: str = "sv"  # "sv" or "en": the language of messages and e-mails


class RegistrationError(Exception):
    """A registration that the rules refuse. ``code`` is stable (the JSON API's ``code``);
    ``message`` is translated into the visitor's language and safe to show."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    code = "closed"


class RegistrationFull(RegistrationError):
    code = "full"


@dataclass
class RegistrationOutcome:
    """What ``register()`` did, as every entrance shows it.

    For an address that already holds a place, ``register()`` answers exactly as for a new one
    (so nobody learns who is registered by trying an address): ``status`` and ``places`` are
    what a new registration with these details would have got, ``is_duplicate`` is True and
    ``registration`` is the existing one, which an entrance must never show.
    """

    registration: Registration
    status: str  # "confirmed" | "waitlisted"
    is_duplicate: bool = False
    places: int = 0  # the places this request asked for (1 + further participants)

    def __post_init__(self) -> None:
        if not self.places:
            self.places = self.registration.places


#: A repeated registration from an address re-sends its e-mail at most this often.
REPEAT_NOTICE_INTERVAL = datetime.timedelta(hours=1)


@dataclass
class RegistrationState:
    """Whether a session takes registrations now, and if not, why (``message`` says it)."""

    is_open: bool
    # None | "disabled" | "not_yet_open" | "closed" | "started" | "cancelled" | "ended" | "full"
    reason_code: str | None
    message: str
    places_left: int | None  # None: no limit
    waitlist_open: bool  # open, but new registrations go on the waiting list
    capacity: int | None = None
    opens_at: datetime.datetime | None = None


# ---------------------------------------------------------------------------------------------
# Locks
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def session_row_lock(session: Any) -> Iterator[Any]:
    """Lock the session's own row until the transaction ends (``SELECT … FOR UPDATE``).

    Only the session table is locked (``of=("self",)``), not Wagtail's page row, so editors can
    still publish the page while registrations come in. SQLite ignores the clause; it serialises
    writers itself.

    Every registration for the session queues here, so the locking query is as small as one can
    be: the key alone, with no join to the page table and no ordering. The rules go on reading
    the session the caller fetched, which is what this yields; its settings are not read again.
    """
    model = type(session)
    locked = (
        model._default_manager.select_for_update(of=("self",))
        .filter(pk=session.pk)
        .order_by()  # Wagtail's page manager orders by path, which would join the page table
        .values_list("pk", flat=True)
    )
    if not list(locked):
        raise model.DoesNotExist(f"No session with id {session.pk} to lock.")
    yield session


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def get_questions(page: Page) -> list[RegistrationQuestion]:
    """The questions to ask: the session's own, else those of its series."""
    # A session's series is its parent page, so one query fetches the questions of both; the
    # series is looked up only when the parent has questions and the session has none.
    parent_path = page.path[: -page.steplen] if page.depth and page.depth > 1 else None
    mine_or_parent = Q(page_id=page.pk)
    if parent_path:
        mine_or_parent |= Q(page__path=parent_path)
    questions = list(RegistrationQuestion.objects.filter(mine_or_parent).order_by("sort_order"))
    own = [q for q in questions if q.page_id == page.pk]
    if own or not questions:
        return own
    series = getattr(page, "series", None)
    if series is None:
        return []
    return [q for q in questions if q.page_id == series.pk]


def effective_capacity(session: Any) -> int | None:
    """The session's number of places, else its series', else None (no limit)."""
    return session.effective_registration_capacity()


def registration_state(
    session: Any,
    now: datetime.datetime | None = None,
    *,
    places_taken: int | None = None,
    waiting: int | None = None,
) -> RegistrationState:
    """Whether ``session`` takes registrations at ``now``, with a translated reason if not.

    Order of reasons: disabled, cancelled, ended, started, not yet open, closed, full.
    ``places_taken`` and ``waiting`` (registrations on the waiting list) save a query when the
    caller has just counted them.
    """
    now = now or timezone.now()
    capacity = effective_capacity(session)

    def closed(code: str, message: str) -> RegistrationState:
        return RegistrationState(False, code, message, None, False, capacity)

    if not session.registration_enabled:
        return closed("disabled", gettext("This webinar does not take registrations."))
    if session.status == "cancelled":
        return closed(
            "cancelled", gettext("Registration is closed because the webinar is cancelled.")
        )
    if now >= session.end:
        return closed("ended", gettext("Registration is closed because the webinar is over."))
    if now >= session.start:
        return closed("started", gettext("Registration is closed because the webinar has started."))
    window = _window_state(session, now, capacity)
    if window is not None:
        return window
    if capacity is None:
        return RegistrationState(True, None, "", None, False, None)
    if places_taken is None or waiting is None:
        places_taken, waiting = count_registrations([session.pk]).get(session.pk, (0, 0))
    places_left = max(0, capacity - places_taken)
    if places_left > 0 and waiting:
        # Free places that the first in line does not fit into stay theirs to wait for:
        # nobody jumps the waiting list, so the page offers the list, as register() decides.
        if session.registration_waitlist:
            return RegistrationState(
                True,
                None,
                gettext(
                    "Others are waiting for the free places. You can register for the waiting list."
                ),
                places_left,
                True,
                capacity,
            )
        return closed("full", gettext("All places are taken."))
    if places_left > 0:
        message = ngettext("%(count)d place left.", "%(count)d places left.", places_left) % {
            "count": places_left
        }
        return RegistrationState(True, None, message, places_left, False, capacity)
    if session.registration_waitlist:
        return RegistrationState(
            True,
            None,
            gettext("All places are taken. You can register for the waiting list."),
            0,
            True,
            capacity,
        )
    return RegistrationState(False, "full", gettext("All places are taken."), 0, False, capacity)


def count_registrations(session_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Places taken (confirmed) and registrations waiting, of each of ``session_ids``, in one
    grouped query whatever their number; a session with no registrations is left out.

    What a page, a form or the API shows about many dates at once (``registration_states()``);
    ``register()`` counts under the lock with a query of its own (``_counting_query()``).
    """
    ids = list(session_ids)
    if not ids:
        return {}
    rows = (
        Registration.objects.filter(session_id__in=ids)
        .order_by()
        .values("session_id")
        .annotate(
            taken=Sum("places", filter=Q(status=RegistrationStatus.CONFIRMED)),
            # COUNT(status), not COUNT(id): the index on (session, status, created_at)
            # INCLUDE (places) (migration 0011) then answers it on PostgreSQL without reading
            # the table.
            waiting=Count("status", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
        .values_list("session_id", "taken", "waiting")
    )
    return {session_id: (taken or 0, waiting or 0) for session_id, taken, waiting in rows}


def registration_states(
    sessions: Iterable[Any], now: datetime.datetime | None = None
) -> dict[int, RegistrationState]:
    """``registration_state()`` of each of ``sessions``, keyed by page id, with one count query
    for all of them (none when no date has a number of places): what a series page, its form and
    the API show at 5 dates costs the same queries at 500."""
    now = now or timezone.now()
    sessions = list(sessions)
    limited = [s.pk for s in sessions if effective_capacity(s) is not None]
    counts = count_registrations(limited)
    states = {}
    for session in sessions:
        taken, waiting = counts.get(session.pk, (0, 0))
        states[session.pk] = registration_state(session, now, places_taken=taken, waiting=waiting)
    return states


def _window_state(
    page: Any, now: datetime.datetime, capacity: int | None = None
) -> RegistrationState | None:
    """The editor's open/close window of a session or a series: a closed state, or None when
    ``now`` is inside it. The one place this rule lives, for the page and the POST alike."""
    opens = page.registration_opens_at
    if opens and now < opens:
        message = gettext("Registration opens %(date)s.") % {"date": format_datetime(opens)}
        return RegistrationState(False, "not_yet_open", message, None, False, capacity, opens)
    closes = page.registration_closes_at
    if closes and now >= closes:
        return RegistrationState(
            False, "closed", gettext("Registration has closed."), None, False, capacity
        )
    return None


def series_registration_state(
    series: Any, now: datetime.datetime | None = None
) -> RegistrationState:
    """Whether the series form (one form for several dates) takes registrations at ``now``.

    The series' own switch and window govern its form; each date is then decided by
    ``registration_state()`` of its session. ``registration_context()`` shows this state and
    ``register_for_series()`` refuses with its message, so the page says why exactly when the
    POST would be refused.
    """
    now = now or timezone.now()
    if not series.registration_enabled:
        return RegistrationState(
            False, "disabled", gettext("This series does not take registrations."), None, False
        )
    return _window_state(series, now) or RegistrationState(True, None, "", None, False)


def get_registration_by_token(token: str) -> Registration | None:
    """The registration whose personal cancel link carries ``token``, or None."""
    if not token or len(token) > 128:
        return None
    return (
        Registration.objects.select_related("session").filter(token_hash=hash_token(token)).first()
    )


def get_registration(registration_id: Any) -> Registration | None:
    """The registration with this id (with its session), or None."""
    if not isinstance(registration_id, int) or isinstance(registration_id, bool):
        return None
    return Registration.objects.select_related("session").filter(pk=registration_id).first()


# ---------------------------------------------------------------------------------------------
# Changing
# ---------------------------------------------------------------------------------------------


def _clean_line(value: str) -> str:
    # Newlines and other control whitespace never reach a header or a subject.
    return " ".join(str(value or "").split())


def _validate(data: RegistrationRequest) -> None:
    """The text rule (``text.py``) for every text stored, whichever entrance sent it: the form
    applies it field by field with its own messages; this holds it for any other caller."""
    errors: dict[str, str] = {}
    if not _clean_line(data.name):
        errors["name"] = gettext("Enter your name.")
    try:
        if not is_email_text(data.email.strip()):
            raise ValidationError("not one line")
        validate_email(data.email.strip())
        # The column's length: PostgreSQL refuses a longer address that the validator passes.
        if len(data.email.strip()) > Registration._meta.get_field("email").max_length:
            raise ValidationError("too long")
    except ValidationError:
        errors["email"] = gettext("Enter a valid e-mail address.")
    one_line = {
        "name": [data.name],
        "organisation": [data.organisation],
        "participants": list(data.participants),
        # An answer with a line break or a tab is a multi-line question's (the form's field
        # decides which a question takes; a tab alone is as good a multi-line answer as any).
        "answers": [v for v in _answer_texts(data.answers) if not MULTILINE_EXTRA & set(v)],
    }
    multi_line = {
        "question_to_speaker": [data.question_to_speaker],
        "answers": [v for v in _answer_texts(data.answers) if MULTILINE_EXTRA & set(v)],
    }
    for name, values in one_line.items():
        if any(not is_single_line(str(v or "")) for v in values):
            errors.setdefault(
                name,
                gettext("Write this on one line, without line breaks or special characters."),
            )
    for name, values in multi_line.items():
        if any(not is_multiline(str(v or "")) for v in values):
            errors.setdefault(name, gettext("The text contains characters that cannot be used."))
    if data.municipality_code and not is_valid_code(data.municipality_code):
        errors["municipality_code"] = gettext(
            "Choose a municipality, region or other organisation."
        )
    if errors:
        raise ValidationError(errors)


def _answer_texts(answers: dict[str, Any]) -> list[str]:
    """Every string in the answers (keys, values, the items of a multiple choice)."""
    texts = []
    for key, value in (answers or {}).items():
        texts.append(str(key))
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str):
                texts.append(item)
    return texts


def register(
    session: Any,
    data: RegistrationRequest,
    *,
    lock: Lock | None = None,
    now: datetime.datetime | None = None,
) -> RegistrationOutcome:
    """Register a visitor (and their further participants) for one session.

    Under the lock: check the session is open, count the places taken, and decide whether the
    registration is confirmed, or waitlisted when it does not fit and the waiting list is on.
    The registration and its e-mail are written in the same transaction. Raises
    ``RegistrationClosed`` or ``RegistrationFull`` (messages in ``data.language``), or
    ``ValidationError`` for input that the form should already have refused.

    An address that already holds a place gets the very answer a new one would (see
    ``RegistrationOutcome``): nothing is saved, and its owner is told by e-mail, the
    registration's own e-mail again, at most once per ``REPEAT_NOTICE_INTERVAL``
    (``notify_repeated_registration()``).

    The lock serialises every registration for the session, so what it covers bounds how many
    one session takes per second. The rows are therefore written before it is taken, in the
    same transaction: the registration as confirmed, its outbox row, and the task's row where
    the task queue shares the database (``_register_writing_first()``). Under the lock run only
    the count and, when the count says so, the change to the waiting list. An address that
    already holds a place fails the unique constraint at that first write; it is then decided
    as before, counting under the lock first (``_register_counting_first()``).
    """
    lock = lock or session_row_lock
    language = supported(data.language)
    with translation.override(language):
        _validate(data)
        # All that does not depend on the places taken happens before the lock: the row to
        # insert is built (token included), the capacity is read (which may fetch the series
        # once), and the count is compiled.
        registration = _build_registration(session, data, language)
        capacity = effective_capacity(session)
        counting_query = _counting_query(session, registration.email_key)
        try:
            return _register_writing_first(
                session, registration, capacity, counting_query, lock, now
            )
        except IntegrityError:
            # The unique constraint: the address holds a place already (or a racing request
            # for it has just taken one). Nothing of this attempt was kept.
            pass
        registration = _build_registration(session, data, language)
        return _register_counting_first(session, registration, capacity, counting_query, lock, now)


def _register_writing_first(
    session: Any,
    registration: Registration,
    capacity: int | None,
    counting_query: tuple[str, str, Any],
    lock: Lock,
    now: datetime.datetime | None,
) -> RegistrationOutcome:
    """``register()`` for an address with no active registration: write the rows, then lock and
    count. Raises ``IntegrityError`` (with nothing saved) when the address has one."""
    using = counting_query[0]
    places_sql = _places_sql(using)  # looked up once per process, before the lock
    with transaction.atomic(using=using):
        # Confirmed until the count says otherwise. Other registrations count only what has
        # been committed, so nobody sees this row before its status is decided.
        registration.status = RegistrationStatus.CONFIRMED
        with shared_cache.registration_changes_held():
            registration.save(force_insert=True)
        email = queue_email(registration, EmailKind.CONFIRMATION)
        with lock(session):
            # A statement of its own, after the lock is granted: only then does it see what the
            # previous holder committed (a count in the locking statement would read the
            # snapshot taken before the wait, and overbook).
            counts = _counted(session, registration, counting_query, places_sql)
            if _places_free_while_waiting(capacity, counts) and promote_waitlisted(
                session, now, not_counting=registration
            ):
                counts = _counted(session, registration, counting_query, places_sql)
            _refuse_if_closed(session, now, counts)
            # RegistrationFull rolls the rows back.
            status = _decide_status(session, capacity, registration.places, counts)
            if status != registration.status:
                registration.status = status
                Registration.objects.using(using).filter(pk=registration.pk).update(status=status)
                email.kind = EmailKind.WAITLISTED
                RegistrationEmail.objects.using(using).filter(pk=email.pk).update(kind=email.kind)
            shared_cache.registration_changed(
                sender=Registration, instance=registration, created=True, using=using
            )
    return RegistrationOutcome(registration, registration.status)


def _register_counting_first(
    session: Any,
    registration: Registration,
    capacity: int | None,
    counting_query: tuple[str, str, Any],
    lock: Lock,
    now: datetime.datetime | None,
) -> RegistrationOutcome:
    """``register()`` for an address that may hold a place: lock and count first, then write
    the registration only if the count finds none from the address."""
    duplicate: Registration | None = None
    refusal: RegistrationFull | None = None
    try:
        with transaction.atomic(using=counting_query[0]), lock(session):
            counts = _count(counting_query)
            if _places_free_while_waiting(capacity, counts) and promote_waitlisted(session, now):
                counts = _count(counting_query)
            _refuse_if_closed(session, now, counts)
            if counts["duplicate_id"] is not None:
                duplicate = Registration.objects.get(pk=counts["duplicate_id"])
                # What a new registration would get, so that the answer cannot tell.
                try:
                    registration.status = _decide_status(
                        session, capacity, registration.places, counts
                    )
                except RegistrationFull as error:
                    refusal = error
            else:
                registration.status = _decide_status(session, capacity, registration.places, counts)
                # A racing duplicate (possible only without the lock) fails the unique
                # constraint; the IntegrityError is caught below, outside the transaction.
                registration.save(force_insert=True)
                queue_email(
                    registration,
                    EmailKind.CONFIRMATION
                    if registration.status == RegistrationStatus.CONFIRMED
                    else EmailKind.WAITLISTED,
                )
    except IntegrityError:
        # Only without the lock can two inserts race to the unique constraint.
        duplicate = (
            Registration.objects.active()
            .filter(session_id=session.pk, email_key=registration.email_key)
            .first()
        )
        if duplicate is None:
            raise
    if duplicate is not None:
        notify_repeated_registration(duplicate, now)
        if refusal is not None:
            raise refusal
        return RegistrationOutcome(
            duplicate, registration.status, is_duplicate=True, places=registration.places
        )
    return RegistrationOutcome(registration, registration.status)


def _counted(
    session: Any,
    registration: Registration,
    counting_query: tuple[str, str, Any],
    places_sql: tuple[str, str] | None,
) -> dict[str, int | None]:
    """The places taken and the registrations waiting, without ``registration`` (which this
    transaction has written): on PostgreSQL from the session's ``SessionPlaces`` row, one row
    whatever the number of registrations (``places_sql``: ``_places_sql()``); elsewhere, or
    with ``places_sql`` None, by counting them (``_count()``).

    SessionPlaces' triggers are deferred to the commit, so that nobody locks the row while they
    wait for the session's lock. Under the lock, ``SET CONSTRAINTS … IMMEDIATE`` runs what this
    transaction has queued (its own row, or anything written before in an enclosing transaction:
    ``ATOMIC_REQUESTS``, a test) and what it writes after, so the row then reads as the count would.
    """
    if places_sql is None:
        return _without(registration, _count(counting_query))
    immediate, select = places_sql
    with connections[counting_query[0]].cursor() as cursor:
        cursor.execute(immediate)
        cursor.execute(select, (session.pk,))
        taken, waiting = cursor.fetchone() or (0, 0)
    return _without(registration, {"taken": taken, "waiting": waiting, "duplicate_id": None})


#: The triggers of migration 0012 (PostgreSQL).
PLACES_TRIGGERS = tuple(
    f"wagtail_webinars_count_places_{e}" for e in ("insert", "update", "delete")
)


@functools.cache
def _places_sql(using: str) -> tuple[str, str] | None:
    """``SET CONSTRAINTS`` for SessionPlaces' triggers, and the SELECT of a session's row; None
    on other databases than PostgreSQL, and where the triggers are not there (a migration faked,
    a schema restored without them): the registrations are then counted, and a warning says so
    once per process."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = ANY(%s)",
            [connection.ops.quote_name(Registration._meta.db_table), list(PLACES_TRIGGERS)],
        )
        (found,) = cursor.fetchone()
    if found != len(PLACES_TRIGGERS):
        logger.warning(
            "The triggers of migration 0012 (wagtail_webinars_count_places_*) are missing on "
            "the database %r: registrations count every registration of their session instead "
            "of reading SessionPlaces. Run: manage.py migrate wagtail_webinars 0011, then "
            "manage.py migrate.",
            using,
        )
        return None
    quote = connection.ops.quote_name
    table = quote(SessionPlaces._meta.db_table)
    immediate = f"SET CONSTRAINTS {', '.join(quote(t) for t in PLACES_TRIGGERS)} IMMEDIATE"
    # Names of ours, quoted; the session's id is a parameter.
    select = (
        f"SELECT {quote('taken')}, {quote('waiting')} FROM {table} WHERE {quote('session_id')} = %s"  # noqa: S608
    )
    return immediate, select


def _without(registration: Registration, counts: dict[str, int | None]) -> dict[str, int | None]:
    """Counts taken after this transaction wrote ``registration`` (confirmed), as they were
    before it: its places are not taken, and it is not another registration from the address
    (the unique constraint let it in, so there is none)."""
    return {**counts, "taken": counts["taken"] - registration.places, "duplicate_id": None}


def _refuse_if_closed(session: Any, now: datetime.datetime | None, counts: dict) -> None:
    """Raise ``RegistrationClosed`` unless the session takes registrations (a full one with a
    waiting list does; a full one without is ``_decide_status()``'s to refuse)."""
    state = registration_state(
        session, now, places_taken=counts["taken"], waiting=counts["waiting"]
    )
    if not state.is_open and state.reason_code != "full":
        raise RegistrationClosed(state.message)


def _places_free_while_waiting(capacity: int | None, counts: dict[str, int | None]) -> bool:
    """Places free while people wait: the capacity was raised without a publish (which
    promotes, see promote_waitlisted_on_publish). Those waiting get them first; then count
    again."""
    return bool(
        counts["waiting"]
        and capacity is not None
        and counts["taken"] < capacity
        and counts["duplicate_id"] is None
    )


def notify_repeated_registration(
    registration: Registration, now: datetime.datetime | None = None
) -> RegistrationEmail | None:
    """Someone registered again with the address of ``registration``: its owner gets the
    registration's e-mail again (confirmation, waiting list), unless another e-mail than its
    first was queued for it within ``REPEAT_NOTICE_INTERVAL``, so that trying addresses floods
    nobody's inbox while the first repeat is always told.

    The check and the write run under a lock on the registration's row, so that concurrent
    repeats send one e-mail, not one each.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        emails = RegistrationEmail.objects.filter(registration_id=registration.pk)
        first = emails.order_by("pk").values_list("pk", flat=True)[:1]
        recent = (
            emails.filter(created_at__gt=now - REPEAT_NOTICE_INTERVAL)
            .exclude(pk__in=list(first))
            .exists()
        )
        if recent:
            return None
        return resend_confirmation(registration)


def _counting_query(session: Any, email_key: str) -> tuple[str, str, Any]:
    """The one query that ``register()`` runs under the lock: places taken, registrations
    waiting, and the id of the active registration from this address (or None).

    Returned as (database alias, SQL, parameters), before the lock is taken. The SQL is
    compiled by the ORM once per database (``_counting_sql()``): building the SQL of three
    filtered aggregates costs more than running it, and every registration for the session
    waits while the lock is held.
    """
    using = router.db_for_write(Registration)
    sql, params = _counting_sql(using)
    bound = tuple(
        session.pk if p == _SESSION else email_key if p == _EMAIL_KEY else p for p in params
    )
    return using, sql, bound


# The parameters of the compiled counting query that are bound per registration: values no
# session id and no address can take (ids are positive; a key never holds a NUL).
_SESSION = -7_301_118
_EMAIL_KEY = "\x00email_key"


@functools.cache
def _counting_sql(using: str) -> tuple[str, tuple[Any, ...]]:
    """``_counting_query()``'s SQL on the database ``using``, with its parameters; the session's
    id and the address are ``_SESSION`` and ``_EMAIL_KEY``."""
    # The address's active registration, looked up through the unique constraint's own index
    # (session, email_key) WHERE active: an uncorrelated subquery, run once (an InitPlan), so
    # the counts beside it read only what the covering index holds.
    duplicate = (
        Registration.objects.filter(
            session_id=_SESSION, email_key=_EMAIL_KEY, status__in=ACTIVE_STATUSES
        )
        .order_by()
        .values("pk")[:1]
    )
    counts = (
        Registration.objects.filter(session_id=_SESSION)
        .order_by()
        .values("session_id")  # one group, this session
        .annotate(
            # Sum(places) and Count(status), never a column outside the index on (session,
            # status, created_at) INCLUDE (places): PostgreSQL answers from the index alone
            # (an index-only scan) instead of reading every registration's row.
            taken=Sum("places", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waiting=Count("status", filter=Q(status=RegistrationStatus.WAITLISTED)),
            # The unique constraint allows at most one, so Max() is that one's id.
            duplicate_id=Max(Subquery(duplicate)),
        )
        .values_list("taken", "waiting", "duplicate_id")
    )
    sql, params = counts.query.get_compiler(using=using).as_sql()
    placeholders = sum(1 for p in params if p in (_SESSION, _EMAIL_KEY))
    if placeholders != 3:  # the session twice, the address once: else the SQL is not reusable
        raise RuntimeError(f"The counting query binds {placeholders} placeholders, not 3.")
    return sql, tuple(params)


def _count(query: tuple[str, str, Any]) -> dict[str, int | None]:
    """Run ``_counting_query()``'s query. Call it after the lock is granted."""
    using, sql, params = query
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        # No row when the session has no registrations at all.
        taken, waiting, duplicate_id = cursor.fetchone() or (0, 0, None)
    return {"taken": taken or 0, "waiting": waiting or 0, "duplicate_id": duplicate_id}


def _build_registration(session: Any, data: RegistrationRequest, language: str) -> Registration:
    """The registration as it will be stored, all but its status (which needs the count)."""
    participants = [_clean_line(p)[:200] for p in data.participants if _clean_line(p)]
    email = data.email.strip()
    registration = Registration(
        session_id=session.pk,
        name=_clean_line(data.name)[:200],
        email=email,
        # save() sets these two again; the rules need them before it runs.
        email_key=email_key_for(email),
        places=1 + len(participants),
        organisation=_clean_line(data.organisation)[:200],
        municipality_code=data.municipality_code,
        participants=participants,
        answers=dict(data.answers),
        question_to_speaker=str(data.question_to_speaker or "")[:4000],
        consent_text=str(data.consent_text or ""),
        language=language,
    )
    if isinstance(session, Registration.session.field.related_model):
        # Held, so that the confirmation sent in this process at commit (the immediate task
        # backend) builds from the page this request read, without reading it again.
        registration.session = session
    return registration


def _decide_status(
    session: Any, capacity: int | None, places: int, counts: dict[str, int | None]
) -> str:
    """Confirmed if the places fit, else waitlisted if the list is on; ``RegistrationFull``
    otherwise. Call under the lock, with the counts taken under it."""
    if capacity is None:
        return RegistrationStatus.CONFIRMED
    taken = counts["taken"]
    # Nobody jumps the waiting list: while anyone waits, new registrations queue behind.
    if taken + places <= capacity and not counts["waiting"]:
        return RegistrationStatus.CONFIRMED
    if session.registration_waitlist:
        return RegistrationStatus.WAITLISTED
    # Places free while others wait are theirs, not left for a newcomer.
    left = 0 if counts["waiting"] else max(0, capacity - taken)
    if left:
        message = ngettext(
            "Only %(count)d place is left; remove some participants and try again.",
            "Only %(count)d places are left; remove some participants and try again.",
            left,
        ) % {"count": left}
    else:
        message = gettext("All places are taken.")
    raise RegistrationFull(message)


def register_for_series(
    series: Any,
    sessions: list,
    data: RegistrationRequest,
    *,
    lock: Lock | None = None,
    now: datetime.datetime | None = None,
) -> list[RegistrationOutcome | RegistrationError]:
    """Register for several dates of a series: one result per session, in the given order.

    Each session is decided on its own (one may be full while another confirms). Sessions that
    are not children of ``series``, or a series whose own registration is off or outside its
    window, give ``RegistrationClosed``.
    """
    language = supported(data.language)
    now = now or timezone.now()
    with translation.override(language):
        series_state = series_registration_state(series, now)
        series_closed = None if series_state.is_open else series_state.message
        not_in_series = gettext("This webinar is not part of the series.")
    results: list[RegistrationOutcome | RegistrationError] = []
    for session in sessions:
        if series_closed:
            results.append(RegistrationClosed(series_closed))
            continue
        if session.get_parent().pk != series.pk:
            results.append(RegistrationClosed(not_in_series))
            continue
        try:
            results.append(register(session, data, lock=lock, now=now))
        except RegistrationError as error:
            results.append(error)
    return results


def resend_confirmation(registration: Registration) -> RegistrationEmail | None:
    """Queue the e-mail that matches the registration's status again (also an admin action)."""
    kind = {
        RegistrationStatus.CONFIRMED: EmailKind.CONFIRMATION,
        RegistrationStatus.WAITLISTED: EmailKind.WAITLISTED,
        RegistrationStatus.CANCELLED: EmailKind.CANCELLED,
    }[registration.status]
    with transaction.atomic():
        return queue_email(registration, kind)


def cancel_registration(token: str, *, lock: Lock | None = None) -> Registration:
    """Cancel the registration behind a personal cancel link (POST only, never on GET).

    Raises ``Registration.DoesNotExist`` for an unknown token. Cancelling twice changes nothing
    and sends nothing the second time.
    """
    registration = get_registration_by_token(token)
    if registration is None:
        raise Registration.DoesNotExist("No registration has this cancel token.")
    return cancel(registration, lock=lock)


def cancel(registration: Registration, *, lock: Lock | None = None) -> Registration:
    """Cancel one registration (the cancel link and the admin both end here): frees its places,
    e-mails a cancellation, and promotes the first on the waiting list."""
    lock = lock or session_row_lock
    session = session_page_model().objects.get(pk=registration.session_id)
    with transaction.atomic(), lock(session):
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        queue_email(registration, EmailKind.CANCELLED)
        promote_waitlisted(session)
    return registration


def _no_more_places_given(session: Any, now: datetime.datetime) -> bool:
    """Nobody moves from the waiting list to a place once the session is cancelled or started:
    the one rule for the automatic promotion and an editor's "Ge en plats"."""
    return session.status == "cancelled" or now >= session.start


def promote(
    registration: Registration, *, lock: Lock | None = None, now: datetime.datetime | None = None
) -> Registration:
    """Give one person on the waiting list a place (an editor's choice, out of turn), if the
    places fit: the same capacity rule as every registration, under the session lock, with the
    promotion e-mail. Raises ``RegistrationFull`` when they do not fit and
    ``RegistrationClosed`` for a cancelled or started session; anyone not waiting is left as is.
    """
    lock = lock or session_row_lock
    now = now or timezone.now()
    session = session_page_model().objects.get(pk=registration.session_id)
    with transaction.atomic(), lock(session):
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != RegistrationStatus.WAITLISTED:
            return registration
        if _no_more_places_given(session, now):
            raise RegistrationClosed(gettext("The webinar has started or is cancelled."))
        capacity = effective_capacity(session)
        if capacity is not None:
            taken = Registration.objects.filter(session_id=session.pk).places_taken()
            left = max(0, capacity - taken)
            if registration.places > left:
                raise RegistrationFull(
                    ngettext(
                        "%(count)d place is left, and this registration needs %(places)d.",
                        "%(count)d places are left, and this registration needs %(places)d.",
                        left,
                    )
                    % {"count": left, "places": registration.places}
                )
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        queue_email(registration, EmailKind.PROMOTED)
    return registration


def promote_waitlisted(
    session: Any,
    now: datetime.datetime | None = None,
    *,
    not_counting: Registration | None = None,
) -> list[Registration]:
    """Move registrations from the waiting list to confirmed while their places fit, first
    come first served, and queue a promotion e-mail to each. Call under the session lock.
    ``not_counting``: a confirmed registration of this transaction whose places are not yet
    decided (``register()``'s own row), left out of the places taken."""
    now = now or timezone.now()
    if _no_more_places_given(session, now):
        return []
    capacity = effective_capacity(session)
    registrations = Registration.objects.filter(session_id=session.pk)
    if not_counting is not None:
        registrations = registrations.exclude(pk=not_counting.pk)
    free = None if capacity is None else capacity - registrations.places_taken()
    promoted = []
    for waiting in registrations.waitlisted().order_by(*WAITLIST_ORDER):
        if free is not None and waiting.places > free:
            break  # strictly in order: the first in line keeps their turn
        waiting.status = RegistrationStatus.CONFIRMED
        waiting.promoted_at = now
        waiting.save(update_fields=["status", "promoted_at"])
        queue_email(waiting, EmailKind.PROMOTED)
        promoted.append(waiting)
        if free is not None:
            free -= waiting.places
    return promoted


def promote_after_capacity_change(session: Any, *, lock: Lock | None = None) -> list[Registration]:
    """Promote from the waiting list of ``session`` as far as its capacity now allows, under
    the session lock, e-mailing each promoted person (``promote_waitlisted()``)."""
    lock = lock or session_row_lock
    with transaction.atomic(), lock(session):
        return promote_waitlisted(session)
