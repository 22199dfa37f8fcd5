"""E-mails about one session are sent together: ``webinars_send_pending_mail`` and
``webinars_send_reminders`` (whose reminders the default immediate task backend sends at once)
read the session, its site, contact persons and calendar once per session, not once per e-mail,
and each message is the one built for it alone."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from tests.clock import START
from tests.factories import (
    ContactPersonFactory,
    PageContactPersonFactory,
    PageSpeakerFactory,
    SpeakerFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars import ical
from wagtail_webinars.models import (
    ContactPerson,
    EmailKind,
    EmailState,
    Registration,
    RegistrationEmail,
)
from wagtail_webinars.registration.mail import build_message, send_pending
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = pytest.mark.django_db

EMAIL_TABLE = connection.ops.quote_name(RegistrationEmail._meta.db_table)
#: On a database without SELECT … SKIP LOCKED (SQLite) each row is claimed by a conditional
#: UPDATE of its own; elsewhere a batch is claimed in two queries.
CLAIM_PER_EMAIL = 0 if connection.features.has_select_for_update_skip_locked else 1


def a_session(home, n: int, title: str = "Klimatanpassning i kommunen"):
    session = WebinarSessionPageFactory(
        parent=home,
        title=title,
        start=START,
        end=START + datetime.timedelta(minutes=90),
        stream_url="https://stream.example.org/live/1",
    )
    PageContactPersonFactory(
        page=session, contact=ContactPersonFactory(name="Karin Lind", email="karin@example.org")
    )
    PageSpeakerFactory(page=session, speaker=SpeakerFactory(name="Per Holm"))
    for i in range(n):
        registration = Registration.objects.create(
            session=session,
            name=f"Deltagare {i}",
            email=f"d{i}@{session.pk}.example.org",
            email_key=f"d{i}@{session.pk}.example.org",
            language="en" if i % 2 else "sv",
            status="confirmed",
        )
        for kind, key in ((EmailKind.CONFIRMATION, ""), (EmailKind.REMINDER, "before-60")):
            RegistrationEmail.objects.create(registration=registration, kind=kind, key=key)
    return session


def warm_site_cache() -> None:
    """Wagtail reads the site root paths once and caches them: not a cost of the e-mails."""
    Site.get_site_root_paths()


def queries_to_send_pending() -> int:
    with CaptureQueriesContext(connection) as queries:
        call_command("webinars_send_pending_mail", verbosity=0)
    return len(queries)


def test_pending_mail_takes_the_same_queries_for_few_and_many_e_mails_of_a_session(frozen, home):
    warm_site_cache()
    a_session(home, 2, "Få")
    few = queries_to_send_pending()
    assert len(mail.outbox) == 4
    a_session(home, 10, "Många")
    many = queries_to_send_pending()
    assert len(mail.outbox) == 4 + 20
    assert many == few + CLAIM_PER_EMAIL * 16
    assert not RegistrationEmail.objects.exclude(state=EmailState.SENT).exists()


def test_pending_mail_takes_a_fixed_number_of_queries_more_for_each_session(frozen, home):
    def run(sessions: int) -> int:
        for n in range(sessions):
            a_session(home, 3, f"{sessions}-{n}")
        return queries_to_send_pending()

    warm_site_cache()
    one, two, three = run(1), run(2), run(3)
    assert len(mail.outbox) == 6 * 6
    assert three - two == two - one


def test_each_message_of_a_batch_is_the_one_built_for_it_alone(frozen, home):
    a_session(home, 3)
    alone = {
        (e.registration.email, e.kind): build_message(e)
        for e in RegistrationEmail.objects.select_related("registration")
    }
    send_pending()
    assert len(mail.outbox) == len(alone) == 6
    for message in mail.outbox:
        kind = "reminder" if message.subject.startswith(("Påminnelse", "Reminder")) else None
        address = message.to[0].split("<")[1].rstrip(">")
        own = alone[(address, kind or "confirmation")]
        for part in ("subject", "body", "alternatives", "attachments", "to", "reply_to"):
            assert getattr(message, part) == getattr(own, part), part
        assert message.extra_headers == own.extra_headers


def test_the_reminders_of_a_session_are_sent_in_the_same_queries_however_many(
    frozen, home, django_capture_on_commit_callbacks
):
    few = a_session(home, 2, "Få")
    many = a_session(home, 12, "Många")
    many.start += datetime.timedelta(days=1)
    many.end += datetime.timedelta(days=1)
    many.save()
    RegistrationEmail.objects.filter(kind=EmailKind.REMINDER).delete()
    RegistrationEmail.objects.update(state=EmailState.SENT)
    warm_site_cache()

    def queries_to_remind(session) -> int:
        frozen.move_to(session.start - datetime.timedelta(minutes=30))
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("webinars_send_reminders", verbosity=0)
        return len(queries)

    at_few = queries_to_remind(few)
    assert len(mail.outbox) == 2
    at_many = queries_to_remind(many)
    assert len(mail.outbox) == 14
    assert RegistrationEmail.objects.filter(kind=EmailKind.REMINDER, state="sent").count() == 14
    assert at_many == at_few + CLAIM_PER_EMAIL * 10


def test_the_reminders_of_several_sessions_take_the_same_queries_however_many_each_has(
    frozen, home, django_capture_on_commit_callbacks
):
    def sessions(n: int, day: int) -> None:
        for index in range(2):
            session = a_session(home, n, f"{n}-{index}")
            session.start += datetime.timedelta(days=day)
            session.end += datetime.timedelta(days=day)
            session.save()

    sessions(2, 0)
    sessions(6, 1)
    RegistrationEmail.objects.filter(kind=EmailKind.REMINDER).delete()
    RegistrationEmail.objects.update(state=EmailState.SENT)
    warm_site_cache()

    def queries_to_remind(day: int) -> int:
        frozen.move_to(START + datetime.timedelta(days=day, minutes=-30))
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("webinars_send_reminders", verbosity=0)
        return len(queries)

    few, many = queries_to_remind(0), queries_to_remind(1)
    assert len(mail.outbox) == 2 * 2 + 2 * 6
    assert many == few + CLAIM_PER_EMAIL * 8


def test_the_calendar_s_vtimezone_is_the_one_icalendar_writes():
    event = icalendar.Event()
    event.add("dtstart", ical.local(START))

    def calendar():
        calendar = icalendar.Calendar()
        calendar.add("prodid", ical.PRODID)
        calendar.add_component(event)
        return calendar

    ours, theirs = calendar(), calendar()
    ical.add_timezones(ours)
    theirs.add_missing_timezones()
    assert b"BEGIN:VTIMEZONE" in ours.to_ical()
    assert ours.to_ical() == theirs.to_ical()
    assert ical.calendar_bytes(ours) == theirs.to_ical()


def test_an_invitation_is_written_as_icalendar_writes_it(frozen, home):
    from wagtail_webinars.ical import RegistrationInvitation

    session = a_session(home, 1)
    registration = Registration.objects.get()
    invitation = RegistrationInvitation(session, registration)
    calendar = invitation.build()
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    calendar.add_missing_timezones()
    assert invitation.to_ical() == calendar.to_ical()
    assert invitation.to_ical().count(b"BEGIN:VTIMEZONE") == 1


def after_the_commit(queries) -> list[str]:
    """The statements that follow the commit of the transaction that wrote the outbox row."""
    statements = [q["sql"] for q in queries]
    outbox_row = max(
        i for i, sql in enumerate(statements) if sql.startswith(f"INSERT INTO {EMAIL_TABLE}")
    )
    # The session's lock and the count follow the outbox row; the registration commits next.
    commit = statements.index("COMMIT", outbox_row)
    return [
        sql.split()[0]
        for sql in statements[commit + 1 :]
        if not sql.startswith(("SAVEPOINT", "RELEASE", "COMMIT"))
    ]


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_sent_at_commit_reads_neither_its_row_nor_its_session_back(frozen, home):
    # The default immediate backend sends in this process, right after the registration's
    # commit: the row, its registration and the session page are the ones the request holds.
    # Committed as a request commits (no test transaction around it, which would make the
    # django_tasks backport hold the task until that one commits).
    session = a_session(home, 0)
    warm_site_cache()
    data = RegistrationRequest(name="Anna Berg", email="anna@kiruna.example", language="sv")
    with CaptureQueriesContext(connection) as queries:
        registration = register(session, data).registration

    # The contact persons, "sent": no claim (the row was written claimed for this send), no
    # SELECT of the row or of the session page.
    assert after_the_commit(queries) == ["SELECT", "UPDATE"]
    [message] = mail.outbox
    email = RegistrationEmail.objects.get(registration=registration)
    assert (email.state, email.attempts) == (EmailState.SENT, 1)
    again = build_message(RegistrationEmail.objects.get(pk=email.pk))
    assert (message.subject, message.body, message.calendar) == (
        again.subject,
        again.body,
        again.calendar,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_rate_limits")
def test_a_confirmation_through_the_endpoint_takes_its_contacts_from_the_cached_page(
    frozen, home, client
):
    # The endpoint reads the session from the page cache, its contact persons with it: after
    # the registration's commit only "sent" is written. A contact person edited is in the next
    # confirmation all the same (the page cache's generation changes with it).
    session = a_session(home, 0)
    warm_site_cache()
    path = f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/"

    def register_through_the_endpoint(address):
        body = {"name": "Anna Berg", "email": address, "consent": True}
        body |= {"organisation": "Kiruna kommun", "municipality_code": "2584"}
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 201, response.content
        return mail.outbox[-1]

    register_through_the_endpoint("first@kiruna.example")  # the page into the cache
    with CaptureQueriesContext(connection) as queries:
        message = register_through_the_endpoint("anna@kiruna.example")
    assert after_the_commit(queries) == ["UPDATE"]
    assert "Karin Lind, Informationsansvarig, karin@example.org" in message.body
    assert message.reply_to == ["karin@example.org"]
    assert RegistrationEmail.objects.filter(state=EmailState.SENT).count() == 2

    contact = ContactPerson.objects.get(name="Karin Lind")
    contact.name = "Karin Lindqvist"
    contact.save()
    assert (
        "Karin Lindqvist, Informationsansvarig"
        in register_through_the_endpoint("berit@kiruna.example").body
    )
