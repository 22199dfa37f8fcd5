"""The reminder the day before (``webinars_send_reminders``): once, and only to those with a
confirmed place."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
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
