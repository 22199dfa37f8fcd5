"""Rules a review found wanting: a capacity raised on publish promotes the waiting list, the
series' own window closes its form as it closes its POST, private session pages take the
registrations of those allowed to see them, and dates read "kl." wherever the rules write them."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageViewRestriction

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, Registration, RegistrationStatus
from wagtail_webinars.registration.presentation import registration_context
from wagtail_webinars.registration.services import (
    RegistrationClosed,
    RegistrationRequest,
    register,
    register_for_series,
    registration_state,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
START = datetime.datetime(2027, 3, 16, 9, 0, tzinfo=datetime.UTC)  # tisdag 16 mars, 10.00 i Sverige


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def someone(n, **kwargs):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja", **kwargs
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


# --- 1. a capacity raised on publish -------------------------------------------------------------


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


def test_places_freed_by_a_capacity_raise_go_to_those_waiting_before_a_newcomer(session):
    session.registration_capacity = 1
    session.save()
    register(session, someone(1))
    waiting = register(session, someone(2)).registration
    # Raised without a publish (code, a data migration): the next registration still serves
    # the waiting list first.
    session.registration_capacity = 2
    session.save()

    newcomer = register(session, someone(3))

    assert status(waiting) == RegistrationStatus.CONFIRMED
    assert newcomer.status == "waitlisted"


def test_page_offers_the_waiting_list_while_an_earlier_group_waits_for_free_places(session):
    session.registration_capacity = 2
    session.save()
    register(session, someone(1, participants=["X"]))  # 2 places
    group = register(session, someone(2, participants=["Y", "Z"])).registration  # 3, waits
    session.registration_capacity = 3  # 1 place free: not enough for the group of 3
    session.save()

    state = registration_state(session)
    outcome = register(session, someone(3))

    assert status(group) == RegistrationStatus.WAITLISTED
    assert (state.is_open, state.waitlist_open) == (True, True)
    assert outcome.status == "waitlisted"


# --- 2. the series' own window ----------------------------------------------------------------


@pytest.fixture
def series(home):
    series = WebinarSeriesPageFactory(parent=home)
    WebinarSessionPageFactory(parent=series, start=START, end=START + datetime.timedelta(hours=1))
    return series


def test_series_form_is_closed_and_says_when_before_the_series_window_opens(series):
    series.registration_opens_at = datetime.datetime(2027, 3, 5, 7, 0, tzinfo=datetime.UTC)
    series.save()
    with translation.override("sv"):
        context = registration_context(series, with_form=False)
    [result] = register_for_series(series, [series.get_sessions()[0][0]], someone(1))

    assert context["open"] is False
    assert context["message"] == "Anmälan öppnar fredag 5 mars 2027 kl. 08.00."
    assert isinstance(result, RegistrationClosed)
    assert result.message == context["message"]


def test_series_form_is_closed_after_the_series_window_closes(series):
    series.registration_closes_at = NOW - datetime.timedelta(minutes=1)
    series.save()
    with translation.override("sv"):
        context = registration_context(series, with_form=False)
    [result] = register_for_series(series, [series.get_sessions()[0][0]], someone(1))

    assert (context["open"], context["message"]) == (False, "Anmälan har stängt.")
    assert isinstance(result, RegistrationClosed)
    assert not Registration.objects.exists()


# --- 3. private session pages -----------------------------------------------------------------


def form_data():
    return {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": "on",
    }


@pytest.fixture
def private_session(session):
    PageViewRestriction.objects.create(page=session, restriction_type=PageViewRestriction.LOGIN)
    return session


def test_a_visitor_allowed_to_see_a_private_session_can_register_from_its_form(
    client, private_session
):
    client.force_login(get_user_model().objects.create_user("lena", password="x"))  # noqa: S106
    page = client.get(private_session.url).content.decode()
    url = reverse("wagtail_webinars:session_register", args=[private_session.pk])

    response = client.post(url, form_data())

    assert f'action="{url}"' in page
    assert response.status_code == 302
    assert Registration.objects.filter(session=private_session).count() == 1


def test_a_visitor_not_allowed_to_see_a_private_session_cannot_register(client, private_session):
    url = reverse("wagtail_webinars:session_register", args=[private_session.pk])

    assert client.post(url, form_data()).status_code == 404
    assert not Registration.objects.exists()


# --- 4. one way of writing a date ---------------------------------------------------------------


def test_not_yet_open_message_writes_the_swedish_kl(session):
    session.registration_opens_at = datetime.datetime(2027, 3, 5, 7, 0, tzinfo=datetime.UTC)
    with translation.override("sv"):
        assert registration_state(session).message == "Anmälan öppnar fredag 5 mars 2027 kl. 08.00."


def test_page_says_in_swedish_that_others_wait_for_the_free_places(session):
    session.registration_capacity = 2
    session.save()
    register(session, someone(1, participants=["X"]))
    register(session, someone(2, participants=["Y", "Z"]))
    session.registration_capacity = 3
    session.save()
    with translation.override("sv"):
        assert registration_state(session).message == (
            "Andra väntar på de lediga platserna. Du kan anmäla dig till reservlistan."
        )
