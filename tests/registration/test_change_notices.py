"""A published change that registrants must know of (a new time or link, postponed, cancelled)
reaches each confirmed and waiting registrant once, with the calendar updated: the same UID, a
higher SEQUENCE, STATUS:TENTATIVE while postponed, METHOD:CANCEL when it is called off. The
e-mails are read as a mail client reads them, their calendars by icalendar and ``ical``.
(Two editors publishing at once, on PostgreSQL: test_change_notices_concurrency.py.)"""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.clock import START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from tests.registration.test_calendar_invitations import (
    calendar_alternative,
    read_calendar,
    received,
    structure_types,
)
from wagtail_webinars.models import EmailKind, RegistrationEmail
from wagtail_webinars.registration import changes
from wagtail_webinars.registration.services import (
    RegistrationRequest,
    cancel_registration,
    register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = datetime.timedelta(hours=1)


def someone(n, **kwargs):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", municipality_code="0180", **kwargs
    )


@pytest.fixture
def session(home, sent):
    series = WebinarSeriesPageFactory(parent=home, title="Demokratidagar")
    session = WebinarSessionPageFactory(
        parent=series,
        title="Det demokratiska samtalet",
        start=START,
        end=START + 2 * HOUR,
        stream_url="https://stream.example.org/live/1",
        registration_capacity=2,
    )
    session.save_revision().publish()  # what registrants will be told of from now on
    sent(register, session, someone(1))
    sent(register, session, someone(2))
    sent(register, session, someone(3))  # waiting
    mail.outbox.clear()
    return session


def publish(session, sent, **changes_):
    """An editor's edit and publish, from the page as the admin's edit view loads it."""
    page = type(session).objects.get(pk=session.pk).get_latest_revision_as_object()
    for name, value in changes_.items():
        setattr(page, name, value)
    sent(lambda: page.save_revision().publish())
    session.refresh_from_db()
    return page


def by_address(outbox):
    return {message.to[0].split("<")[1].rstrip(">"): message for message in outbox}


def download(client, session):
    response = client.get(reverse("wagtail_webinars:session_calendar", args=[session.pk]))
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return event


# --- a new time -------------------------------------------------------------------------------


def test_a_moved_session_sends_each_confirmed_and_waiting_registrant_one_update(session, sent):
    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    messages = by_address(mail.outbox)
    assert len(mail.outbox) == 3
    assert set(messages) == {"d1@kommun.example", "d2@kommun.example", "d3@kommun.example"}
    assert all(m.subject == "Ändrat: Det demokratiska samtalet" for m in mail.outbox)
    assert set(
        RegistrationEmail.objects.filter(kind=EmailKind.UPDATE).values_list("key", flat=True)
    ) == {f"sequence-{session.calendar_sequence}"}


def test_the_update_is_a_request_with_the_same_uid_and_a_higher_sequence(session, sent, client):
    before = download(client, session)

    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    part = calendar_alternative(received(by_address(mail.outbox)["d1@kommun.example"]))
    calendar, event = read_calendar(part)
    assert part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == before["UID"]
    assert event["SEQUENCE"] == before["SEQUENCE"] + 1
    assert event["DTSTART"].dt == START + 24 * HOUR
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["ATTENDEE"]) == "mailto:d1@kommun.example"


def test_download_feed_and_update_carry_the_same_sequence(session, sent, client):
    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    _, invited = read_calendar(calendar_alternative(received(mail.outbox[0])))
    feed = client.get(reverse("wagtail_webinars:series_calendar", args=[session.get_parent().pk]))
    [in_feed] = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")

    assert invited["SEQUENCE"] == download(client, session)["SEQUENCE"] == in_feed["SEQUENCE"]
    assert invited["UID"] == in_feed["UID"]


def test_the_update_says_when_the_session_was_to_be_held(session, sent):
    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    body = received(mail.outbox[0]).get_body(("plain",)).get_content()
    assert "Det skulle ha hållits lördag 13 mars 2027 kl. 10.00." in body
    assert "söndag 14 mars 2027 kl. 10.00–12.00" in body


def test_someone_waiting_is_told_of_the_new_time_without_a_calendar(session, sent):
    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    parsed = received(by_address(mail.outbox)["d3@kommun.example"])
    assert "text/calendar" not in structure_types(parsed)
    assert not list(parsed.iter_attachments())


def test_a_new_join_link_is_a_change_and_is_sent(session, sent):
    publish(session, sent, stream_url="https://stream.example.org/live/2")

    assert len(mail.outbox) == 3
    _, event = read_calendar(calendar_alternative(received(mail.outbox[0])))
    assert event["LOCATION"] == "https://stream.example.org/live/2"


# --- what sends nothing -----------------------------------------------------------------------


def test_publishing_the_same_state_again_sends_nothing(session, sent):
    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)
    mail.outbox.clear()
    sequence = session.calendar_sequence

    publish(session, sent)
    publish(session, sent, start=START + 24 * HOUR)

    assert mail.outbox == []
    assert session.calendar_sequence == sequence


def test_a_draft_of_a_new_time_sends_nothing_and_keeps_the_sequence(session, sent):
    page = type(session).objects.get(pk=session.pk)
    page.start, page.end = START + 24 * HOUR, START + 26 * HOUR
    sent(page.save_revision)

    session.refresh_from_db()
    assert mail.outbox == []
    assert session.calendar_sequence == 0
    assert session.start == START


def test_other_edits_send_nothing_and_keep_the_sequence(session, sent):
    publish(session, sent, title="Ett nytt namn", lead="En ny ingress")

    assert mail.outbox == []
    assert session.calendar_sequence == 0


def test_registrants_who_cancelled_are_not_told(session, sent):
    first = RegistrationEmail.objects.filter(registration__email="d1@kommun.example").first()
    sent(cancel_registration, first.registration.token)  # d3 is promoted
    mail.outbox.clear()

    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    assert set(by_address(mail.outbox)) == {"d2@kommun.example", "d3@kommun.example"}


def test_a_change_to_a_session_that_has_ended_tells_nobody(session, sent, frozen):
    frozen.move_to(START + 3 * HOUR)

    publish(session, sent, end=START + 2 * HOUR + datetime.timedelta(minutes=15))

    assert mail.outbox == []


def test_publishing_an_older_revision_never_lowers_the_sequence(session, sent):
    old = type(session).objects.get(pk=session.pk).get_latest_revision()
    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)
    assert session.calendar_sequence == 1
    mail.outbox.clear()

    sent(old.publish)  # the editor reverts to the first time
    session.refresh_from_db()

    assert session.start == START
    assert session.calendar_sequence == 2
    assert len(mail.outbox) == 3


# --- postponed and cancelled -------------------------------------------------------------------


def test_a_postponed_session_is_a_tentative_request(session, sent):
    publish(session, sent, status="postponed", status_note="Ny tid kommer i april.")

    assert {m.subject for m in mail.outbox} == {"Uppskjutet: Det demokratiska samtalet"}
    parsed = received(by_address(mail.outbox)["d1@kommun.example"])
    _, event = read_calendar(calendar_alternative(parsed))
    assert calendar_alternative(parsed).get_param("method") == "REQUEST"
    assert event["STATUS"] == "TENTATIVE"
    assert event["SEQUENCE"] == 1
    assert "Ny tid kommer i april." in parsed.get_body(("plain",)).get_content()


def test_a_cancelled_session_sends_a_cancel_for_the_same_event(session, sent, client):
    before = download(client, session)

    publish(session, sent, status="cancelled")

    assert {m.subject for m in mail.outbox} == {"Inställt: Det demokratiska samtalet"}
    part = calendar_alternative(received(by_address(mail.outbox)["d2@kommun.example"]))
    calendar, event = read_calendar(part)
    assert part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    assert event["UID"] == before["UID"]
    assert event["SEQUENCE"] == before["SEQUENCE"] + 1 == download(client, session)["SEQUENCE"]
    assert event["STATUS"] == "CANCELLED"
    assert not event.walk("VALARM")


def test_someone_waiting_for_a_cancelled_session_gets_the_notice_without_a_calendar(session, sent):
    publish(session, sent, status="cancelled")

    parsed = received(by_address(mail.outbox)["d3@kommun.example"])
    assert "text/calendar" not in structure_types(parsed)


def test_a_cancelled_session_that_moves_tells_nobody_again(session, sent):
    publish(session, sent, status="cancelled")
    mail.outbox.clear()

    publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    assert mail.outbox == []


def test_a_cancelled_session_that_is_held_after_all_sends_a_new_request(session, sent):
    publish(session, sent, status="cancelled")
    mail.outbox.clear()

    publish(session, sent, status="scheduled")

    assert len(mail.outbox) == 3
    _, event = read_calendar(calendar_alternative(received(mail.outbox[0])))
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 2


# --- a crash half-way ---------------------------------------------------------------------------


def test_a_crash_while_writing_the_outbox_leaves_no_half_round_and_is_resumed(
    session, sent, monkeypatch
):
    written = []

    def crash_half_way(registrations, kind, key):
        RegistrationEmail.objects.create(registration=registrations[0], kind=kind, key=key)
        written.append(key)
        raise RuntimeError("the worker died")

    monkeypatch.setattr(changes, "queue_emails", crash_half_way)
    with pytest.raises(RuntimeError):
        publish(session, sent, start=START + 24 * HOUR, end=START + 26 * HOUR)

    session.refresh_from_db()
    assert written  # it crashed after a row was written ...
    assert not RegistrationEmail.objects.filter(kind=EmailKind.UPDATE).exists()  # ... rolled back
    assert session.calendar_sequence == 0
    assert session.start == START + 24 * HOUR  # the page itself was published

    monkeypatch.undo()
    sent(call_command, "webinars_send_pending_mail", verbosity=0)
    sent(call_command, "webinars_send_pending_mail", verbosity=0)

    session.refresh_from_db()
    assert session.calendar_sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Deltagare 1 <d1@kommun.example>",
        "Deltagare 2 <d2@kommun.example>",
        "Deltagare 3 <d3@kommun.example>",
    ]
