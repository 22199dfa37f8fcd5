"""Nobody learns who is registered by trying an address: an address already registered gets the
answer a new one gets (status and body, HTML and JSON), and its owner is told by e-mail at most
once an hour however often it is tried."""

import datetime
import json

import pytest
from django.core import mail
from django.test import override_settings

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def session(home, frozen):
    return WebinarSessionPageFactory(
        parent=home,
        start=START,
        end=START + datetime.timedelta(minutes=90),
        registration_capacity=2,
        registration_waitlist=True,
    )


def body(email, **overrides):
    return {
        "name": "Lena Lindgren",
        "email": email,
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": [],
        "consent": True,
        **overrides,
    }


def post(client, session, data):
    return client.post(
        f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/",
        json.dumps(data),
        content_type="application/json",
    )


@pytest.mark.parametrize("places_before", [0, 2], ids=["with-places-left", "on-the-waiting-list"])
def test_a_registered_address_gets_the_very_answer_of_a_new_one(client, session, places_before):
    register(session, RegistrationRequest(name="Ägare", email="agare@kommun.example"))
    for n in range(places_before):
        register(session, RegistrationRequest(name=f"P{n}", email=f"p{n}@kommun.example"))

    known = post(client, session, body("agare@kommun.example"))
    new = post(client, session, body("ny@kommun.example"))

    assert known.status_code == new.status_code == 201
    assert known.json() == new.json()
    assert "id" not in new.json()


def test_a_registered_address_in_a_full_session_gets_the_full_answer_too(client, session):
    session.registration_waitlist = False
    session.save()
    register(session, RegistrationRequest(name="Ägare", email="agare@kommun.example"))
    register(session, RegistrationRequest(name="B", email="b@kommun.example"))

    known = post(client, session, body("agare@kommun.example"))
    new = post(client, session, body("ny@kommun.example"))

    assert (known.status_code, known.json()) == (new.status_code, new.json())
    assert new.json()["code"] == "full"


# The e-mail rule holds on its own, without the per-address rate limit (5/h) that would stop
# the sixth try.
@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_ADDRESS_RATE_LIMIT": None})
def test_sixteen_tries_send_the_owner_one_e_mail_and_another_after_an_hour(
    client, session, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(session, RegistrationRequest(name="Ägare", email="agare@kommun.example"))
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(16):
            assert post(client, session, body("agare@kommun.example")).status_code == 201
    assert len(mail.outbox) == 2
    assert all(message.to[0].endswith("<agare@kommun.example>") for message in mail.outbox)
    assert Registration.objects.count() == 1

    frozen.shift(datetime.timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        post(client, session, body("agare@kommun.example"))
        post(client, session, body("agare@kommun.example"))
    assert len(mail.outbox) == 3
