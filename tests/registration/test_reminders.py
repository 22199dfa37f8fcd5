"""The reminder the day before (``webinars_send_reminders``): once, and only to those with a
confirmed place."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from tests.registration.test_calendar_invitations import (
    calendar_alternative,
    read_calendar,
    received,
)
from wagtail_webinars.registration.services import RegistrationRequest, register


@pytest.fixture
def session(home, frozen):
    return WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(minutes=90)
    )


def request(**kwargs):
    values = dict(name="Anna Berg", email="anna.berg@kiruna.example", municipality_code="2584")
    values.update(kwargs)
    return RegistrationRequest(**values)


def test_reminders_go_once_to_confirmed_registrants_the_day_before(session, sent, frozen):
    sent(register, session, request(email="a@example.org"))
    session.registration_capacity = 1
    session.save()
    sent(register, session, request(email="waiting@example.org"))
    mail.outbox.clear()
    sent(call_command, "webinars_send_reminders", verbosity=0)
    assert mail.outbox == []  # 12 days before
    frozen.move_to(START - datetime.timedelta(hours=20))
    sent(call_command, "webinars_send_reminders", verbosity=0)
    sent(call_command, "webinars_send_reminders", verbosity=0)
    assert [m.to for m in mail.outbox] == [["Anna Berg <a@example.org>"]]
    assert mail.outbox[0].subject.startswith("Påminnelse: ")


# --- a reminder at each offset, once, and only the one that still makes sense ----------------

DAY, HOUR, MINUTE = (
    datetime.timedelta(days=1),
    datetime.timedelta(hours=1),
    datetime.timedelta(minutes=1),
)


def run(sent):
    sent(call_command, "webinars_send_reminders", verbosity=0)


def reminder_keys(registration):
    return sorted(registration.emails.filter(kind="reminder").values_list("key", flat=True))


def test_a_reminder_goes_a_day_before_and_another_an_hour_before_each_once(session, sent, frozen):
    registration = sent(register, session, request()).registration
    mail.outbox.clear()

    for moment in (START - DAY, START - DAY + MINUTE, START - HOUR, START - HOUR + MINUTE):
        frozen.move_to(moment)
        run(sent)
        run(sent)

    assert reminder_keys(registration) == ["before-1440", "before-60"]
    assert [m.subject for m in mail.outbox] == ["Påminnelse: " + session.title] * 2


def test_after_downtime_only_the_closest_reminder_goes(session, sent, frozen):
    registration = sent(register, session, request()).registration
    frozen.move_to(START - 30 * MINUTE)  # the day's moment passed while cron was down

    run(sent)

    assert reminder_keys(registration) == ["before-60"]


def test_no_reminder_once_the_session_has_started(session, sent, frozen):
    registration = sent(register, session, request()).registration
    frozen.move_to(START + MINUTE)

    run(sent)

    assert reminder_keys(registration) == []


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_no_reminder_for_a_session_called_off_or_postponed(session, sent, frozen, status):
    registration = sent(register, session, request()).registration
    session.status = status
    session.save()
    frozen.move_to(START - HOUR)

    run(sent)

    assert reminder_keys(registration) == []


def test_someone_who_registers_after_the_days_reminder_gets_only_the_hours(session, sent, frozen):
    frozen.move_to(START - 5 * HOUR)
    registration = sent(register, session, request()).registration

    run(sent)
    frozen.move_to(START - HOUR)
    run(sent)

    assert reminder_keys(registration) == ["before-60"]


def test_a_reminder_carries_the_invitation_and_the_cancel_link(session, sent, frozen):
    registration = sent(register, session, request()).registration
    mail.outbox.clear()
    frozen.move_to(START - HOUR)

    run(sent)

    [message] = mail.outbox
    assert registration.token in message.body
    part = calendar_alternative(received(message))
    _, event = read_calendar(part)
    assert part.get_param("method") == "REQUEST"
    assert str(event["ATTENDEE"]) == "mailto:anna.berg@kiruna.example"


def test_the_offsets_are_a_setting(session, sent, frozen, settings):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "REMINDER_MINUTES_BEFORE": [15]}
    registration = sent(register, session, request()).registration
    frozen.move_to(START - HOUR)
    run(sent)
    frozen.move_to(START - 10 * MINUTE)
    run(sent)

    assert reminder_keys(registration) == ["before-15"]


def test_a_site_that_set_only_the_older_hours_setting_keeps_its_one_reminder(
    session, sent, frozen, settings
):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "REMINDER_HOURS_BEFORE": 48}
    registration = sent(register, session, request()).registration
    frozen.move_to(START - 47 * HOUR)
    run(sent)
    frozen.move_to(START - 30 * MINUTE)
    run(sent)

    assert reminder_keys(registration) == ["before-2880"]


def test_the_database_refuses_a_second_row_of_the_same_reminder(session, sent):
    from django.db import IntegrityError, transaction

    from wagtail_webinars.registration.mail import queue_email

    registration = sent(register, session, request()).registration
    queue_email(registration, "reminder", key="before-60")
    with pytest.raises(IntegrityError), transaction.atomic():
        queue_email(registration, "reminder", key="before-60")


# --- the follow-up after the broadcast ----------------------------------------------------------


def after_broadcast(documents=()):
    return (
        "after_broadcast",
        {
            "heading": "Efter webbsändningen",
            "text": "<p>Efter sändningen kan ni på lokal nivå samtala om tilliten.</p>",
            "discussion_questions": ["Hur skapar vi tillit?", "Vad gör vi nästa år?"],
            "documents": list(documents),
        },
    )


def follow_ups(registration):
    return registration.emails.filter(kind="follow_up").count()


def test_the_follow_up_goes_once_with_the_recording(session, sent, frozen):
    registration = sent(register, session, request()).registration
    session.recording_url = "https://play.example.org/inspelning/1"
    session.save()
    mail.outbox.clear()
    frozen.move_to(START + 3 * HOUR)

    run(sent)
    run(sent)

    assert follow_ups(registration) == 1
    [message] = mail.outbox
    assert message.subject == "Efter sändningen: " + session.title
    assert "https://play.example.org/inspelning/1" in message.body
    assert registration.token not in message.body  # nothing left to cancel


def test_the_follow_up_carries_the_material_questions_and_documents(session, sent, frozen):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Samtalsunderlag", file=ContentFile(b"%PDF-1.4", name="underlag.pdf")
    )
    session.programme = [after_broadcast([document])]
    session.save()
    sent(register, session, request())
    mail.outbox.clear()
    frozen.move_to(START + 3 * HOUR)

    run(sent)

    [message] = mail.outbox
    assert "Efter sändningen kan ni på lokal nivå samtala om tilliten." in message.body
    assert "- Hur skapar vi tillit?" in message.body
    assert f"- Samtalsunderlag: http://localhost{document.url}" in message.body
    html = message.alternatives[0][0]
    assert "<p>Efter sändningen kan ni på lokal nivå samtala om tilliten.</p>" in html


def test_no_follow_up_without_a_recording_or_material(session, sent, frozen):
    registration = sent(register, session, request()).registration
    frozen.move_to(START + 3 * HOUR)

    run(sent)

    assert follow_ups(registration) == 0


def test_the_follow_up_waits_for_the_editor_and_goes_when_the_recording_is_added(
    session, sent, frozen
):
    registration = sent(register, session, request()).registration
    frozen.move_to(START + 3 * HOUR)
    run(sent)
    frozen.move_to(START + 2 * DAY)
    session.recording_url = "https://play.example.org/inspelning/1"
    session.save()

    run(sent)

    assert follow_ups(registration) == 1


def test_no_follow_up_before_the_end_or_long_after_it(session, sent, frozen):
    registration = sent(register, session, request()).registration
    session.recording_url = "https://play.example.org/inspelning/1"
    session.save()
    frozen.move_to(START + HOUR)  # still on air
    run(sent)
    frozen.move_to(START + 15 * DAY)  # FOLLOW_UP_DAYS is 14
    run(sent)

    assert follow_ups(registration) == 0


def test_only_those_with_a_place_get_the_follow_up(session, sent, frozen):
    from wagtail_webinars.registration.services import cancel_registration

    stayed = sent(register, session, request(email="stayed@example.org")).registration
    left = sent(register, session, request(email="left@example.org")).registration
    sent(cancel_registration, left.token)
    session.recording_url = "https://play.example.org/inspelning/1"
    session.save()
    frozen.move_to(START + 3 * HOUR)

    run(sent)

    assert (follow_ups(stayed), follow_ups(left)) == (1, 0)


def test_the_same_rule_runs_as_a_periodic_task(session, sent, frozen):
    from wagtail_webinars.registration.reminders import send_reminders

    registration = sent(register, session, request()).registration
    mail.outbox.clear()
    frozen.move_to(START - DAY)
    first = sent(send_reminders.enqueue)
    again = sent(send_reminders.enqueue)  # an overlapping run queues nothing more
    assert first.return_value == {"reminders": 1, "follow_ups": 0}
    assert again.return_value == {"reminders": 0, "follow_ups": 0}
    assert reminder_keys(registration) == ["before-1440"]
    assert [m.subject for m in mail.outbox] == ["Påminnelse: " + session.title]
