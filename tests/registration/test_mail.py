"""Registration e-mails: content and language, the calendar invitation, header safety, the
outbox with retries and the pending-mail command, Anymail tags/metadata and delivery tracking.
(The reminders the day before: test_reminders.py.)"""

import datetime
import email as email_lib
import email.utils

import icalendar
import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.clock import NOW, START
from tests.factories import (
    ContactPersonFactory,
    PageContactPersonFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.ical import PublishedSessionCalendar, RegistrationInvitation
from wagtail_webinars.models import (
    DeliveryState,
    EmailKind,
    EmailState,
    Registration,
    RegistrationEmail,
)
from wagtail_webinars.registration.mail import send_queued_email
from wagtail_webinars.registration.services import (
    RegistrationRequest,
    cancel_registration,
    register,
)

FAILING = "tests.registration_mail_backends.TimingOutEmailBackend"
ANYMAIL_TEST = "anymail.backends.test.EmailBackend"


@pytest.fixture
def session(home, frozen):
    session = WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet – har fått en hårdare ton",
        start=START,
        end=START + datetime.timedelta(minutes=90),
        stream_url="https://stream.example.org/live/123",
        join_link_visibility="registrants",
    )
    PageContactPersonFactory(
        page=session,
        contact=ContactPersonFactory(name="Karin Lind", email="karin.lind@example.org"),
        role="Frågor om anmälan",
    )
    return session


def request(**kwargs):
    values = dict(name="Anna Berg", email="anna.berg@kiruna.example", municipality_code="2584")
    values.update(kwargs)
    return RegistrationRequest(**values)


def html_of(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def calendar_of(message):
    parsed = email_lib.message_from_bytes(message.message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


# --- content --------------------------------------------------------------------------------


def test_confirmation_is_in_swedish_with_the_time_as_a_swede_writes_it(session, sent):
    sent(register, session, request())
    [message] = mail.outbox
    assert message.subject == "Bekräftelse på din anmälan: " + session.title
    assert "lördag 13 mars 2027 kl. 10.00–11.30" in message.body
    assert "lördag 13 mars 2027 kl. 10.00–11.30" in html_of(message)
    assert "Hej Anna Berg!" in message.body


def test_confirmation_is_in_english_when_the_visitor_used_english(session, sent):
    sent(register, session, request(language="en"))
    [message] = mail.outbox
    assert message.subject.startswith("Registration confirmed: ")
    assert "Saturday 13 March 2027" in message.body


def test_confirmation_carries_the_join_link_kept_for_registrants(session, sent):
    sent(register, session, request())
    assert "https://stream.example.org/live/123" in mail.outbox[0].body


def test_waiting_list_email_does_not_carry_the_join_link(session, sent):
    session.registration_capacity = 0
    session.save()
    sent(register, session, request())
    [message] = mail.outbox
    assert message.subject.startswith("Du står på väntelistan")
    assert "stream.example.org" not in message.body


def test_waiting_list_email_does_not_speak_of_a_place_the_visitor_has_not_got(session, sent):
    session.registration_capacity = 0
    session.save()
    sent(register, session, request())
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "din plats" not in text
        assert "Lämna väntelistan" in text


def test_waiting_list_email_tells_its_owner_the_place_in_the_queue(session, sent):
    session.registration_capacity = 1
    session.save()
    sent(register, session, request(email="holder@example.org"))
    sent(register, session, request(email="first-waiting@example.org"))
    sent(register, session, request(email="second-waiting@example.org"))
    first, second = mail.outbox[1], mail.outbox[2]
    assert "Du är nummer 1 i kön." in first.body
    assert "Du är nummer 2 i kön." in second.body
    assert "Du är nummer 2 i kön." in html_of(second)
    assert "i kön" not in mail.outbox[0].body  # the confirmation


def test_the_place_in_the_queue_moves_up_when_someone_ahead_leaves(session, sent):
    session.registration_capacity = 0
    session.save()
    ahead = sent(register, session, request(email="ahead@example.org")).registration
    behind = sent(register, session, request(email="behind@example.org")).registration
    assert behind.waitlist_position() == 2
    sent(cancel_registration, ahead.token)
    behind.refresh_from_db()
    assert behind.waitlist_position() == 1
    ahead.refresh_from_db()
    assert ahead.waitlist_position() is None


def test_every_email_carries_the_absolute_personal_cancel_link(session, sent):
    registration = sent(register, session, request()).registration
    path = reverse("wagtail_webinars:registration_cancel", kwargs={"token": registration.token})
    assert path.startswith("/kalender/webbinarier/")
    assert f"http://localhost{path}" in mail.outbox[0].body
    assert f'href="http://localhost{path}"' in html_of(mail.outbox[0])


def test_email_names_the_contact_person_and_replies_to_them(session, sent):
    sent(register, session, request())
    [message] = mail.outbox
    assert "Karin Lind, Frågor om anmälan, karin.lind@example.org" in message.body
    assert message.reply_to == ["karin.lind@example.org"]


def test_cancellation_email_has_no_cancel_link(session, sent):
    registration = sent(register, session, request()).registration
    sent(cancel_registration, registration.token)
    cancellation = mail.outbox[-1]
    assert cancellation.subject.startswith("Avanmäld: ")
    assert registration.token not in cancellation.body


def test_promotion_email_tells_the_first_on_the_waiting_list(session, sent):
    session.registration_capacity = 1
    session.save()
    holder = sent(register, session, request(email="first@example.org")).registration
    sent(register, session, request(email="second@example.org"))
    sent(cancel_registration, holder.token)
    promotion = mail.outbox[-1]
    assert promotion.to == ["Anna Berg <second@example.org>"]
    assert promotion.subject.startswith("Du har fått en plats: ")


# --- calendar invitation --------------------------------------------------------------------


def test_confirmation_carries_a_calendar_request_with_organizer_and_attendee(session, sent):
    sent(register, session, request())
    part = calendar_of(mail.outbox[0])
    assert part.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:webbinarier@example.org"
    assert str(event["ATTENDEE"]) == "mailto:anna.berg@kiruna.example"
    assert event["ATTENDEE"].params["CN"] == "Anna Berg"
    assert event["LOCATION"] == "https://stream.example.org/live/123"


def test_invitation_has_the_same_uid_as_the_sessions_calendar_file(session, sent, client):
    sent(register, session, request())
    invitation = icalendar.Calendar.from_ical(calendar_of(mail.outbox[0]).get_payload(decode=True))
    download = client.get(reverse("wagtail_webinars:session_calendar", args=[session.pk]))
    published = icalendar.Calendar.from_ical(download.content)
    assert invitation.walk("VEVENT")[0]["UID"] == published.walk("VEVENT")[0]["UID"]


class KommunenCalendar(PublishedSessionCalendar):
    def item_summary(self):
        return f"Kommunen: {self.session.title}"


class KommunenInvitation(RegistrationInvitation):
    def item_summary(self):
        return f"Kommunen: {self.session.title}"


@override_settings(
    WAGTAIL_WEBINARS={
        "CALENDAR_CLASS": "tests.registration.test_mail.KommunenCalendar",
        "INVITATION_CLASS": "tests.registration.test_mail.KommunenInvitation",
    }
)
def test_a_host_changes_one_calendar_property_in_the_file_and_the_invitation(session, sent, client):
    sent(register, session, request())
    invitation = icalendar.Calendar.from_ical(calendar_of(mail.outbox[0]).get_payload(decode=True))
    download = client.get(reverse("wagtail_webinars:session_calendar", args=[session.pk]))
    published = icalendar.Calendar.from_ical(download.content)
    expected = f"Kommunen: {session.title}"
    assert invitation.walk("VEVENT")[0]["SUMMARY"] == expected
    assert published.walk("VEVENT")[0]["SUMMARY"] == expected
    assert invitation.walk("VEVENT")[0]["UID"] == published.walk("VEVENT")[0]["UID"]


def test_waiting_list_email_has_no_invitation(session, sent):
    session.registration_capacity = 0
    session.save()
    sent(register, session, request())
    assert "text/calendar" not in mail.outbox[0].message().as_string()


# --- header injection -----------------------------------------------------------------------


def test_a_name_with_newlines_adds_no_headers(session, sent):
    registration = Registration.objects.create(
        session=session,
        status="confirmed",
        name="Anna\r\nBcc: evil@example.org",
        email="anna@example.org",
    )
    outbox = RegistrationEmail.objects.create(
        registration=registration, kind=EmailKind.CONFIRMATION
    )
    send_queued_email(outbox.pk)
    [message] = mail.outbox
    parsed = email_lib.message_from_bytes(message.message().as_bytes())
    assert parsed["Bcc"] is None
    assert email_lib.utils.getaddresses([parsed["To"]]) == [
        ("Anna Bcc: evil@example.org", "anna@example.org")
    ]


def test_a_page_title_with_newlines_stays_one_subject_line(session, sent):
    session.title = "Rubrik\nBcc: evil@example.org"
    session.save()
    sent(register, session, request())
    parsed = email_lib.message_from_bytes(mail.outbox[0].message().as_bytes())
    assert parsed["Bcc"] is None
    assert mail.outbox[0].subject.endswith("Rubrik Bcc: evil@example.org")


# --- outbox, failure, retries ---------------------------------------------------------------


@override_settings(EMAIL_BACKEND=FAILING)
def test_a_timing_out_provider_keeps_the_registration_and_schedules_a_retry(session, sent):
    outcome = sent(register, session, request())
    registration = Registration.objects.get(pk=outcome.registration.pk)
    assert registration.status == "confirmed"
    outbox = registration.emails.get()
    assert (outbox.state, outbox.attempts) == (EmailState.PENDING, 1)
    assert outbox.next_attempt_at == NOW + datetime.timedelta(seconds=60)
    assert "timed out" in outbox.last_error


@override_settings(EMAIL_BACKEND=FAILING)
def test_retries_back_off_exponentially(session, sent, frozen):
    outbox = sent(register, session, request()).registration.emails.get()
    frozen.shift(datetime.timedelta(seconds=61))
    call_command("webinars_send_pending_mail", verbosity=0)
    outbox.refresh_from_db()
    assert outbox.attempts == 2
    assert outbox.next_attempt_at == NOW + datetime.timedelta(seconds=61 + 120)


@override_settings(EMAIL_BACKEND=FAILING, WAGTAIL_WEBINARS={"EMAIL_MAX_ATTEMPTS": 2})
def test_an_email_that_keeps_failing_is_marked_failed(session, sent, frozen):
    outbox = sent(register, session, request()).registration.emails.get()
    frozen.shift(datetime.timedelta(minutes=5))
    call_command("webinars_send_pending_mail", verbosity=0)
    outbox.refresh_from_db()
    assert (outbox.state, outbox.attempts) == (EmailState.FAILED, 2)


def test_pending_mail_command_sends_once_the_provider_is_back(session, sent, frozen):
    with override_settings(EMAIL_BACKEND=FAILING):
        outbox = sent(register, session, request()).registration.emails.get()
    call_command("webinars_send_pending_mail", verbosity=0)
    assert mail.outbox == []  # the retry is not due yet
    frozen.shift(datetime.timedelta(seconds=60))
    call_command("webinars_send_pending_mail", verbosity=0)
    call_command("webinars_send_pending_mail", verbosity=0)
    assert len(mail.outbox) == 1
    outbox.refresh_from_db()
    assert outbox.state == EmailState.SENT


def test_an_email_row_is_sent_only_once(session, sent):
    registration = sent(register, session, request()).registration
    row = registration.emails.get()
    assert send_queued_email(row.pk) == "skipped"
    call_command("webinars_send_pending_mail", verbosity=0)
    assert len(mail.outbox) == 1


def claimed_row(session, until):
    """An outbox row as ``queue_email()`` writes it for the immediate backend's send at commit:
    claimed until ``until``."""
    registration = Registration.objects.create(
        session=session, status="confirmed", name="Anna Berg", email="anna@example.org"
    )
    return RegistrationEmail.objects.create(
        registration=registration,
        kind=EmailKind.CONFIRMATION,
        state=EmailState.SENDING,
        attempts=1,
        next_attempt_at=until,
    )


def test_a_row_written_claimed_is_sent_by_its_task_and_no_other_sender(session):
    until = NOW + datetime.timedelta(seconds=600)
    row = claimed_row(session, until)
    call_command("webinars_send_pending_mail", verbosity=0)
    assert mail.outbox == []  # claimed: not the command's
    assert send_queued_email(row.pk, claimed_until=until) == EmailState.SENT
    assert send_queued_email(row.pk, claimed_until=until) == "skipped"
    row.refresh_from_db()
    assert (row.state, row.attempts, len(mail.outbox)) == (EmailState.SENT, 1, 1)


def test_a_claim_taken_over_sends_nothing(session, frozen):
    # The process that wrote the row died; after the claim ran out, the command took it over.
    until = NOW + datetime.timedelta(seconds=600)
    row = claimed_row(session, until)
    frozen.shift(datetime.timedelta(seconds=601))
    with override_settings(EMAIL_BACKEND=FAILING):
        call_command("webinars_send_pending_mail", verbosity=0)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (EmailState.PENDING, 2)
    assert send_queued_email(row.pk, claimed_until=until) == "skipped"
    assert mail.outbox == []


def test_a_claim_near_its_end_is_given_back_to_the_command(session, frozen):
    # A transaction held open for nine minutes and more: the send at its commit would race a
    # sender taking the row over at the deadline, so it gives the row back instead.
    until = NOW + datetime.timedelta(seconds=600)
    row = claimed_row(session, until)
    frozen.shift(datetime.timedelta(seconds=570))
    assert send_queued_email(row.pk, claimed_until=until) == "skipped"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (EmailState.PENDING, 0, None)
    call_command("webinars_send_pending_mail", verbosity=0)
    assert len(mail.outbox) == 1


def test_email_failure_never_affects_the_visitors_answer(session, sent):
    with override_settings(EMAIL_BACKEND=FAILING):
        outcome = sent(register, session, request())
    assert outcome.status == "confirmed"


# --- Anymail --------------------------------------------------------------------------------


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_messages_carry_anymail_tags_and_metadata(session, sent):
    registration = sent(register, session, request()).registration
    [message] = mail.outbox
    params = message.anymail_test_params
    assert params["tags"] == ["wagtail_webinars", "webinar-confirmation"]
    row = registration.emails.get()
    assert params["metadata"] == {
        "registration_id": str(registration.pk),
        "session_id": str(session.pk),
        "email_id": str(row.pk),
        "kind": "confirmation",
    }
    assert row.message_id == str(message.anymail_status.message_id)


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_tracking_webhook_marks_an_email_delivered(session, sent):
    row = sent(register, session, request()).registration.emails.get()
    event = AnymailTrackingEvent(
        event_type="delivered", message_id=row.message_id, metadata={"email_id": str(row.pk)}
    )
    tracking.send(sender=object, event=event, esp_name="TestESP")
    row.refresh_from_db()
    assert row.delivery_state == DeliveryState.DELIVERED


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_tracking_webhook_marks_a_bounce_found_by_message_id(session, sent):
    row = sent(register, session, request()).registration.emails.get()
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="bounced", message_id=row.message_id),
        esp_name="TestESP",
    )
    row.refresh_from_db()
    assert row.delivery_state == DeliveryState.BOUNCED


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_a_late_open_event_does_not_hide_a_bounce(session, sent):
    row = sent(register, session, request()).registration.emails.get()
    for event_type in ("bounced", "opened"):
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(event_type=event_type, message_id=row.message_id),
            esp_name="TestESP",
        )
    row.refresh_from_db()
    assert row.delivery_state == DeliveryState.BOUNCED


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_tracking_of_another_apps_message_with_our_metadata_key_changes_nothing(session, sent):
    row = sent(register, session, request()).registration.emails.get()
    assert row.message_id

    # The host's newsletter app numbers its own messages "email_id" too.
    event = AnymailTrackingEvent(
        event_type="bounced", message_id="newsletter-4711", metadata={"email_id": str(row.pk)}
    )
    tracking.send(sender=object, event=event, esp_name="TestESP")

    row.refresh_from_db()
    assert row.delivery_state == DeliveryState.UNKNOWN
