"""Findings of the review: private pages, recorded feedback paths, Unicode spaces in the
registration form, trusted origins, the feedback switch across processes, delivery tracking."""

import copy
import datetime
import json
import uuid

import pytest
import time_machine
from django.test import RequestFactory
from wagtail.models import PageViewRestriction

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.blocks import RegistrationFormBlock
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.services import get_feedback_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)
START = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def own_cache(settings):
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"ww-review-test-{uuid.uuid4().hex}"
    settings.CACHES = caches


def private(page):
    PageViewRestriction.objects.create(
        page=page,
        restriction_type=PageViewRestriction.PASSWORD,
        password="hemligt",  # noqa: S106
    )
    return page


@pytest.fixture
def private_session(home):
    return private(
        WebinarSessionPageFactory(
            parent=home,
            title="Internt webbinarium",
            start=START,
            end=START + datetime.timedelta(minutes=90),
        )
    )


def registration_body():
    return {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
    }


# -- private (view-restricted) pages stay private --------------------------------------------


def test_registration_block_for_a_private_session_renders_nothing(private_session):
    block = RegistrationFormBlock()
    value = block.to_python({"page": private_session.pk})

    assert block.render(value).strip() == ""


def test_registration_block_for_a_session_under_a_private_series_renders_nothing(home):
    series = private(WebinarSeriesPageFactory(parent=home, title="Intern serie"))
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(minutes=90)
    )
    block = RegistrationFormBlock()

    assert block.render(block.to_python({"page": session.pk})).strip() == ""


def test_calendar_file_of_a_private_session_is_not_served(client, private_session):
    response = client.get(f"/kalender/webbinarier/sessions/{private_session.pk}/calendar.ics")

    assert response.status_code == 404


def test_json_registration_for_a_private_session_is_not_found(client, private_session):
    response = client.post(
        f"/kalender/webbinarier/api/sessions/{private_session.pk}/registrations/",
        json.dumps(registration_body()),
        content_type="application/json",
    )

    assert response.status_code == 404
    assert "Internt" not in response.content.decode()


def test_html_registration_for_a_private_session_is_not_found(client, private_session):
    response = client.get(f"/kalender/webbinarier/sessions/{private_session.pk}/register/")

    assert response.status_code == 404


# -- feedback: the recorded path -------------------------------------------------------------


def submit(**data):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="Firefox")
    return get_feedback_service().submit(request, data)


@pytest.mark.parametrize("path", ["/\\evil.example/", "/\\/evil.example/", "/\t/evil.example/"])
def test_a_feedback_path_that_browsers_read_as_another_host_is_refused(site, path):
    # The report links each recorded path; "/\evil.example/" is "//evil.example/" to a browser.
    assert "path" in submit(path=path, helpful=True).errors
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("path", ["/sok/anna.berg@example.se/", "/sok/anna.berg%40example.se/"])
def test_email_addresses_in_the_recorded_path_are_replaced(site, path):
    submit(path=path, helpful=False)

    assert Feedback.objects.get().path == "/sok/[e-post]/"


def test_a_path_without_personal_details_is_recorded_as_sent(site):
    submit(path="/s%C3%B6k/2027/0701234567/", helpful=False)

    assert Feedback.objects.get().path == "/s%C3%B6k/2027/0701234567/"


# -- registration: text pasted with Unicode spaces -------------------------------------------


def registration_form(page, **overrides):
    from wagtail_webinars.registration.forms import RegistrationForm

    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": "",
        "question_to_speaker": "",
        "consent": "on",
    }
    data.update(overrides)
    return RegistrationForm(data, page=page)


def test_no_break_and_thin_spaces_pasted_into_the_form_are_accepted_as_spaces(home):
    # Copied from a web page or a Word document: "Region\u00a0Skåne", "Anna\u2009Berg".
    session = WebinarSessionPageFactory(parent=home)
    form = registration_form(
        session,
        name="Lena\u00a0Lindgren",
        organisation="Region\u00a0Skåne",
        participants="Anna\u2009Berg\nPer\u00a0Persson",
        question_to_speaker="Hur\u00a0bemöter man ett drev?\nOch sedan?",
    )

    assert form.is_valid(), form.errors
    request = form.get_registration_request()
    assert request.name == "Lena Lindgren"
    assert request.organisation == "Region Skåne"
    assert request.participants == ["Anna Berg", "Per Persson"]
    assert request.question_to_speaker == "Hur bemöter man ett drev?\nOch sedan?"


@pytest.mark.parametrize("value", ["Lena\u2028Lindgren", "Lena\x00Lindgren", "Lena\u202eLindgren"])
def test_line_separators_and_control_characters_in_a_name_are_still_refused(home, value):
    session = WebinarSessionPageFactory(parent=home)

    assert "name" in registration_form(session, name=value).errors


# -- origins: CSRF_TRUSTED_ORIGINS as Django reads it ----------------------------------------


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://app.kommun.example", True),
        ("https://kommun.example", True),
        ("http://app.kommun.example", False),
        ("https://app.kommun.example.evil", False),
        ("https://evilkommun.example", False),
    ],
)
def test_wildcard_trusted_origins_are_matched_as_django_matches_them(settings, origin, allowed):
    from wagtail_webinars.origin import is_allowed_origin

    settings.CSRF_TRUSTED_ORIGINS = ["https://*.kommun.example"]
    request = RequestFactory().post("/", HTTP_ORIGIN=origin, HTTP_HOST="testserver")

    assert is_allowed_origin(request) is allowed


# -- the feedback switch reaches every process -----------------------------------------------


def test_a_switch_changed_in_another_process_is_seen_within_minutes(home, settings):
    # With a per-process cache (Django's default LocMemCache) the signal that refreshes the set
    # of switched-off pages runs only in the process that saved the switch; the others must
    # not keep their copy for ever. The test needs that per-process cache, whose expiry follows
    # the travelling clock (Redis keeps its own time), whatever cache the suite runs with.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ww-switch",
        }
    }
    from wagtail_webinars.feedback.models import FeedbackPageSetting
    from wagtail_webinars.feedback.page_switch import feedback_disabled_page_ids

    assert home.pk not in feedback_disabled_page_ids()
    FeedbackPageSetting.objects.bulk_create([FeedbackPageSetting(page=home, enabled=False)])

    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        assert home.pk in feedback_disabled_page_ids()


# -- delivery tracking: another app's message with an "email_id" of its own -------------------


def test_tracking_of_another_apps_message_with_our_metadata_key_changes_nothing(
    home, settings, django_capture_on_commit_callbacks
):
    from anymail.signals import AnymailTrackingEvent, tracking

    from wagtail_webinars.models import DeliveryState
    from wagtail_webinars.registration.services import RegistrationRequest, register

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    session = WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(minutes=90)
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            session,
            RegistrationRequest(
                name="Anna Berg", email="anna@kiruna.example", municipality_code="2584"
            ),
        ).registration
    row = registration.emails.get()
    assert row.message_id

    # The host's newsletter app numbers its own messages "email_id" too.
    event = AnymailTrackingEvent(
        event_type="bounced", message_id="newsletter-4711", metadata={"email_id": str(row.pk)}
    )
    tracking.send(sender=object, event=event, esp_name="TestESP")

    row.refresh_from_db()
    assert row.delivery_state == DeliveryState.UNKNOWN
