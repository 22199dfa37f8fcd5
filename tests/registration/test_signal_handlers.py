"""What publishing a page does to its registrations: an editor who raises a capacity and publishes
gives the new places to those on the waiting list, not to the next newcomer."""

import datetime

import pytest

from tests.clock import START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, RegistrationStatus
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def someone(n):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja"
    )


def status(registration):
    registration.refresh_from_db()
    return registration.status


def kinds(registration):
    return list(registration.emails.order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(minutes=90)
    )


def test_publishing_a_raised_capacity_promotes_the_waiting_list_and_emails_them(session):
    session.registration_capacity = 1
    session.save_revision().publish()
    register(session, someone(1))
    waiting = register(session, someone(2)).registration
    assert status(waiting) == RegistrationStatus.WAITLISTED

    session.registration_capacity = 5
    session.save_revision().publish()

    assert status(waiting) == RegistrationStatus.CONFIRMED
    assert kinds(waiting) == [EmailKind.WAITLISTED, EmailKind.PROMOTED]
    assert register(session, someone(3)).status == "confirmed"


def test_publishing_a_series_with_a_raised_capacity_promotes_its_inheriting_sessions(home):
    series = WebinarSeriesPageFactory(parent=home, registration_capacity=1)
    inheriting = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    own_capacity = WebinarSessionPageFactory(
        parent=series,
        start=START + datetime.timedelta(days=7),
        end=START + datetime.timedelta(days=7, hours=1),
        registration_capacity=1,
    )
    register(inheriting, someone(1))
    register(own_capacity, someone(1))
    waiting_inheriting = register(inheriting, someone(2)).registration
    waiting_own = register(own_capacity, someone(2)).registration

    series.registration_capacity = 3
    series.save_revision().publish()

    assert status(waiting_inheriting) == RegistrationStatus.CONFIRMED
    assert status(waiting_own) == RegistrationStatus.WAITLISTED
