"""Calendar invitations in the registrant's e-mails, read as a mail client reads them: the
message's bytes through Python's e-mail parser, the calendar part through icalendar and the
strict ``ical`` parser. REQUEST for a place, CANCEL when the registrant cancels, nothing for
the waiting list (RFC 6047 iMIP; MS-OXCMAIL for where Outlook looks)."""

import datetime
import email
import email.utils
import re
from email import policy

import django
import icalendar
import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse
from hypothesis import given, strategies as st
from ical.calendar_stream import IcsCalendarStream

from tests.clock import START
from tests.factories import (
    ContactPersonFactory,
    PageContactPersonFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.registration.mail import (
    MESSAGE_POLICY,
    SMTP_MESSAGE_POLICY,
    InvitationEmail,
    _calendar_part,
)
from wagtail_webinars.registration.services import (
    RegistrationRequest,
    cancel_registration,
    register,
)

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
    )
    return session


def request(**kwargs):
    values = dict(name="Anna Berg", email="anna.berg@kiruna.example", municipality_code="2584")
    values.update(kwargs)
    return RegistrationRequest(**values)


def received(message):
    """The message as the recipient's mail client parses it."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def structure(part, depth=0):
    """The MIME tree as (depth, content type, disposition) rows."""
    rows = [(depth, part.get_content_type(), part.get_content_disposition())]
    if part.is_multipart():
        for child in part.iter_parts():
            rows += structure(child, depth + 1)
    return rows


def calendar_alternative(parsed):
    """The text/calendar part among the alternatives of the first part, as Outlook finds it."""
    first = parsed.get_payload()[0] if parsed.get_content_type() == "multipart/mixed" else parsed
    assert first.get_content_type() == "multipart/alternative"
    [part] = [p for p in first.iter_parts() if p.get_content_type() == "text/calendar"]
    return part


def read_calendar(part):
    """Both parsers read the body; returns icalendar's VEVENT and the calendar."""
    body = part.get_payload(decode=True)
    assert IcsCalendarStream.calendar_from_ics(body.decode()).events
    calendar = icalendar.Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def register_and_cancel(session, sent):
    registration = sent(register, session, request()).registration
    sent(cancel_registration, registration.token)
    return registration


# --- the confirmation: a REQUEST among the alternatives ------------------------------------


def test_confirmation_puts_the_calendar_among_the_alternatives_of_the_first_part(session, sent):
    sent(register, session, request())

    assert structure(received(mail.outbox[0])) == [
        (0, "multipart/mixed", None),
        (1, "multipart/alternative", None),
        (2, "text/plain", None),
        (2, "text/html", None),
        (2, "text/calendar", None),
        (1, "application/ics", "attachment"),
    ]


@pytest.mark.skipif(django.VERSION < (6, 0), reason="Django 5.2 builds it with compat32")
def test_the_packages_header_classes_write_the_bytes_of_the_standard_policy(session, sent):
    # MESSAGE_POLICY makes each header's class once; the message must not change for it.
    sent(register, session, request(name="Åsa Öberg-Ärlig, \"Kommunen\"", participants=["Li"]))
    [message] = mail.outbox

    def written(chosen_policy):
        flat = message.message(policy=chosen_policy).as_bytes()
        boundaries = re.findall(rb'boundary="([^"]+)"', flat)
        for number, boundary in enumerate(boundaries):
            flat = flat.replace(boundary, b"BOUNDARY-%d" % number)
        return flat, len(boundaries)

    ours, boundaries = written(MESSAGE_POLICY)
    assert boundaries == 2  # mixed and alternative
    assert ours == written(policy.default)[0]
    assert b"=?utf-8?" in ours  # the name in To, encoded as a mail client decodes it
    assert MESSAGE_POLICY.header_factory["To"] is MESSAGE_POLICY.header_factory["to"]


#: Header text as a name, a title or an address can hold it: any character but the line breaks
#: that Django refuses in a header, ASCII and not, short and long enough to need folding.
header_text = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=120
)


@pytest.mark.skipif(django.VERSION < (6, 0), reason="Django 5.2 builds it with compat32")
@given(
    subject=st.sampled_from(["Anmälan bekräftad: Det demokratiska samtalet", "x" * 200])
    | header_text,
    name=st.sampled_from(["Anna Berg", "Åsa Öberg-Ärlig, \"Kommunen\""]) | header_text,
    body=st.sampled_from(["Hej!", "Hej Åsa!\n" * 40]) | st.text(max_size=300),
    calendar=st.sampled_from(["", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"]),
    reply_to=st.sampled_from([[], ["karin.lind@example.org"]]),
)
def test_headers_kept_from_message_to_message_write_the_bytes_of_the_standard_policy(
    subject, name, body, calendar, reply_to
):
    # MESSAGE_POLICY parses a header once per name and value and folds it once per policy,
    # for every message after: each message must be the one the standard policies write (the
    # default, and SMTP's, which Django's SMTP backend asks for).
    message = InvitationEmail(
        subject=subject,
        body=body,
        from_email="Webbinarier <webbinarier@skr.example>",
        to=[email.utils.formataddr((name, "anna.berg@kiruna.example"))],
        reply_to=reply_to,
        headers={"Date": "Tue, 08 Dec 2026 10:00:00 +0100", "Message-ID": "<1.2@skr.example>"},
        calendar=calendar,
        method="REQUEST" if calendar else "",
    )
    message.attach_alternative(f"<p>{body}</p>", "text/html")

    def written(chosen_policy, as_given=None):
        built = message.message() if chosen_policy is None else message.message(policy=as_given)
        flat = built.as_bytes()
        for number, boundary in enumerate(re.findall(rb'boundary="([^"]+)"', flat)):
            flat = flat.replace(boundary, b"BOUNDARY-%d" % number)
        return flat

    def standard(chosen_policy):
        # Django's own message(), as it builds it for any other message.
        built = EmailMultiAlternatives.message(message, policy=chosen_policy)
        if calendar:
            built.get_payload()[0].attach(_calendar_part(calendar, "REQUEST", chosen_policy))
        flat = built.as_bytes()
        for number, boundary in enumerate(re.findall(rb'boundary="([^"]+)"', flat)):
            flat = flat.replace(boundary, b"BOUNDARY-%d" % number)
        return flat

    assert written(None) == standard(policy.default)
    assert written(None) == written(None)  # the second time from the kept headers
    assert written(policy.SMTP, policy.SMTP) == standard(policy.SMTP)
    assert message.message(policy=policy.SMTP).policy is SMTP_MESSAGE_POLICY


def test_the_calendar_alternatives_content_type_says_the_method_of_its_body(session, sent):
    sent(register, session, request())

    part = calendar_alternative(received(mail.outbox[0]))
    calendar, _ = read_calendar(part)

    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert calendar["METHOD"] == "REQUEST"


def test_the_invitation_names_the_organizer_and_the_registrant_as_attendee(session, sent):
    sent(register, session, request())

    message = received(mail.outbox[0])
    _, event = read_calendar(calendar_alternative(message))

    # The sender, as in every calendar file (docs/calendar.md); the contact person replies.
    assert str(event["ORGANIZER"]) == "mailto:webbinarier@example.org"
    assert event["ORGANIZER"].params["CN"] == "Testkommunen"
    assert message["From"].addresses[0].addr_spec == "webbinarier@example.org"
    assert message["Reply-To"].addresses[0].addr_spec == "karin.lind@example.org"
    assert str(event["ATTENDEE"]) == "mailto:anna.berg@kiruna.example"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert event["STATUS"] == "CONFIRMED"


def test_the_attached_file_is_the_same_calendar_as_the_alternative(session, sent):
    sent(register, session, request())
    parsed = received(mail.outbox[0])

    [attachment] = list(parsed.iter_attachments())

    assert attachment.get_filename() == "invite.ics"
    # A text part's line ends are the transport's (CRLF on the wire, LF once parsed).
    assert attachment.get_payload(decode=True).splitlines() == (
        calendar_alternative(parsed).get_payload(decode=True).splitlines()
    )


def test_the_invitation_has_the_uid_and_sequence_of_the_download(session, sent, client):
    sent(register, session, request())
    _, invited = read_calendar(calendar_alternative(received(mail.outbox[0])))

    download = client.get(reverse("wagtail_webinars:session_calendar", args=[session.pk]))
    [published] = icalendar.Calendar.from_ical(download.content).walk("VEVENT")

    assert invited["UID"] == published["UID"]
    assert invited["SEQUENCE"] == published["SEQUENCE"]


def test_registration_e_mails_are_marked_auto_generated(session, sent):
    register_and_cancel(session, sent)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert received(message)["Auto-Submitted"] == "auto-generated"


# --- cancellation: a CANCEL with the same UID ----------------------------------------------


def test_a_registrant_who_cancels_gets_a_cancel_for_the_same_event(session, sent):
    register_and_cancel(session, sent)
    _, invited = read_calendar(calendar_alternative(received(mail.outbox[0])))

    part = calendar_alternative(received(mail.outbox[1]))
    calendar, cancelled = read_calendar(part)

    assert part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled["UID"] == invited["UID"]
    assert cancelled["SEQUENCE"] == invited["SEQUENCE"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["ATTENDEE"]) == "mailto:anna.berg@kiruna.example"
    assert cancelled["ORGANIZER"] == invited["ORGANIZER"]
    assert not cancelled.walk("VALARM")


def test_someone_who_leaves_the_waiting_list_gets_no_calendar(session, sent):
    session.registration_capacity = 0
    session.save()
    registration = sent(register, session, request()).registration
    sent(cancel_registration, registration.token)

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "text/calendar" not in structure_types(received(message))
        assert not list(received(message).iter_attachments())


def structure_types(parsed):
    return [content_type for _, content_type, _ in structure(parsed)]


# --- the waiting list -------------------------------------------------------------------------


def test_the_waiting_list_confirmation_carries_no_invitation(session, sent):
    session.registration_capacity = 0
    session.save()
    sent(register, session, request())

    parsed = received(mail.outbox[0])

    assert structure_types(parsed) == ["multipart/alternative", "text/plain", "text/html"]


def test_someone_promoted_from_the_waiting_list_gets_the_request(session, sent):
    session.registration_capacity = 1
    session.save()
    first = sent(register, session, request(email="first@example.org")).registration
    sent(register, session, request(name="Bo Ek", email="bo.ek@example.org"))
    mail.outbox.clear()

    sent(cancel_registration, first.token)

    [promotion] = [m for m in mail.outbox if m.to == ["Bo Ek <bo.ek@example.org>"]]
    part = calendar_alternative(received(promotion))
    calendar, event = read_calendar(part)
    assert part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["ATTENDEE"]) == "mailto:bo.ek@example.org"


# --- through an Anymail backend -------------------------------------------------------------


@override_settings(EMAIL_BACKEND=ANYMAIL_TEST)
def test_an_anymail_backend_sends_the_calendar_file_and_the_auto_submitted_header(session, sent):
    registration = sent(register, session, request()).registration

    params = mail.outbox[0].anymail_test_params
    [attachment] = params["attachments"]
    assert attachment.name == "invite.ics"
    assert attachment.mimetype == "application/ics"
    assert icalendar.Calendar.from_ical(attachment.content)["METHOD"] == "REQUEST"
    assert params["extra_headers"]["Auto-Submitted"] == "auto-generated"
    assert registration.emails.get().state == "sent"
