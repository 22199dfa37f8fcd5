"""The ``registration`` object of sessions and series in API v2 (issue 9): everything a frontend
on another origin needs to render the form and send it, as the HTML page says it."""

import datetime
import json

import pytest
from django.test import override_settings

from tests.clock import START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import RegistrationQuestion
from wagtail_webinars.registration import presentation
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]

KEYS = {
    "enabled", "open", "state", "message", "opens_at", "closes_at", "capacity", "places_left",
    "waiting_list", "fields", "consent", "privacy_policy_url", "endpoint", "ics_url",
}  # fmt: skip
FIELD_KEYS = {"name", "label", "type", "required", "help_text", "choices", "max_length"}


def registration_of(client, page, **headers):
    response = client.get(f"/api/v2/pages/{page.pk}/", **headers)
    assert response.status_code == 200, response.content
    return response.json()["registration"]


def test_session_registration_has_exactly_the_documented_shape(client, session):
    RegistrationQuestion.objects.create(
        page=session,
        label="Kost",
        clean_name="kost",
        field_type="dropdown",
        choices="Vegetarisk\nVegansk",
        required=True,
        help_text="Om vi bjuder på lunch",
    )
    data = registration_of(client, session)
    assert set(data) == KEYS
    assert data["enabled"] is True and data["open"] is True and data["state"] == "open"
    assert all(set(field) == FIELD_KEYS for field in data["fields"])
    names = [field["name"] for field in data["fields"]]
    assert names == [
        "name",
        "email",
        "organisation",
        "municipality_code",
        "participants",
        "answers.kost",
        "question_to_speaker",
        "consent",
    ]
    by_name = {field["name"]: field for field in data["fields"]}
    assert by_name["email"]["type"] == "email"
    assert by_name["consent"]["type"] == "checkbox"
    assert by_name["question_to_speaker"]["type"] == "textarea"
    assert by_name["answers.kost"] == {
        "name": "answers.kost",
        "label": "Kost",
        "type": "select",
        "required": True,
        "help_text": "Om vi bjuder på lunch",
        "choices": [
            {"value": "Vegetarisk", "label": "Vegetarisk"},
            {"value": "Vegansk", "label": "Vegansk"},
        ],
        "max_length": None,
    }
    municipalities = by_name["municipality_code"]["choices"]
    assert {"value": "2584", "label": "Kiruna"} in municipalities
    assert by_name["consent"]["label"] == data["consent"]["text"]
    assert data["consent"]["version"] == presentation.consent_version(data["consent"]["text"])
    assert data["endpoint"] == (
        f"http://testserver/kalender/webbinarier/api/sessions/{session.pk}/registrations/"
    )
    assert data["ics_url"] == (
        f"http://testserver/kalender/webbinarier/sessions/{session.pk}/calendar.ics"
    )


def test_the_fields_are_what_the_json_endpoint_takes(client, session):
    """A body built from the schema alone, one value per field, registers."""
    RegistrationQuestion.objects.create(
        page=session, label="Antal", clean_name="antal", field_type="number", required=True
    )
    fields = registration_of(client, session)["fields"]
    sample = {
        "text": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "textarea": "",
        "number": 3,
        "checkbox": True,
    }
    body: dict = {}
    for field in fields:
        value = field["choices"][0]["value"] if field["choices"] else sample[field["type"]]
        if field["name"] == "organisation":
            value = "Kiruna kommun"
        if field["name"].startswith("answers."):
            body.setdefault("answers", {})[field["name"].split(".", 1)[1]] = value
        else:
            body[field["name"]] = value
    endpoint = registration_of(client, session)["endpoint"]
    response = client.post(endpoint, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content


def test_language_follows_lang_then_accept_language(client, session):
    swedish = registration_of(client, session)
    english = client.get(f"/api/v2/pages/{session.pk}/?lang=en").json()["registration"]
    by_header = registration_of(client, session, HTTP_ACCEPT_LANGUAGE="en")
    assert swedish["fields"][0]["label"] == "Namn"
    assert english["fields"][0]["label"] == "Name"
    assert by_header["fields"][0]["label"] == "Name"
    assert english["consent"]["version"] != swedish["consent"]["version"]


def test_places_left_follow_registrations_without_a_publish(client, session):
    session.registration_capacity = 2
    session.registration_waitlist = True
    session.save_revision().publish()
    assert registration_of(client, session)["places_left"] == 2
    for n in (1, 2):
        register(
            session,
            RegistrationRequest(name=f"D {n}", email=f"d{n}@kommun.example", consent_text="ja"),
        )
    full = registration_of(client, session)
    assert full["places_left"] == 0
    assert full["capacity"] == 2
    assert full["state"] == "waiting_list"
    assert full["open"] is True and full["waiting_list"] is True


def test_a_closed_session_says_why_in_the_visitors_language(client, session):
    session.registration_enabled = False
    session.save()
    data = registration_of(client, session, HTTP_ACCEPT_LANGUAGE="en")
    assert data["enabled"] is False and data["open"] is False
    assert data["state"] == "disabled"
    assert data["message"] == "This webinar does not take registrations."


@override_settings(WAGTAIL_WEBINARS={"PRIVACY_POLICY_URL": "https://skr.example/integritet"})
def test_series_registration_offers_its_open_dates(client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Demokratisamtal")
    first = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    data = registration_of(client, series)
    assert set(data) == KEYS
    assert data["privacy_policy_url"] == "https://skr.example/integritet"
    dates = next(f for f in data["fields"] if f["name"] == "sessions")
    assert dates["type"] == "checkboxes"
    assert [c["value"] for c in dates["choices"]] == [str(first.pk)]
    assert data["endpoint"].endswith(f"/api/series/{series.pk}/registrations/")
    assert data["ics_url"].endswith(f"/series/{series.pk}/calendar.ics")


def _listing_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/api/v2/pages/?type=wagtail_webinars.WebinarSessionPage&fields=registration&limit=20"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()["items"]


def _session_with_capacity_and_question(parent, n):
    session = WebinarSessionPageFactory(
        parent=parent, start=START, end=START + datetime.timedelta(hours=1), registration_capacity=5
    )
    RegistrationQuestion.objects.create(
        page=session, label=f"Fråga {n}", clean_name=f"fraga{n}", field_type="singleline"
    )
    register(
        session, RegistrationRequest(name="D", email=f"d{n}@kommun.example", consent_text="ja")
    )
    return session


def test_session_listing_registration_makes_as_many_queries_for_20_as_for_1(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    _session_with_capacity_and_question(series, 0)
    _listing_queries(client)  # Wagtail caches the site's root paths on the first request
    one, _ = _listing_queries(client)
    for n in range(1, 20):
        _session_with_capacity_and_question(series if n % 2 else home, n)
    twenty, items = _listing_queries(client)
    assert len(items) == 20
    assert {item["registration"]["places_left"] for item in items} == {4}
    assert twenty == one


def test_the_consent_version_shown_is_checked_and_an_outdated_one_refused(client, session):
    from wagtail_webinars.models import Registration

    shown = registration_of(client, session)
    endpoint = shown["endpoint"]
    body = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
    }
    outdated = client.post(
        endpoint,
        json.dumps({**body, "consent_version": "0" * 12}),
        content_type="application/json",
    )
    assert outdated.status_code == 400
    assert outdated.json()["errors"] == {
        "consent": [
            "Samtyckestexten har ändrats sedan formuläret visades. Läs den igen och godkänn "
            "den för att anmäla dig."
        ]
    }
    assert not Registration.objects.exists()
    ok = client.post(
        endpoint,
        json.dumps({**body, "consent_version": shown["consent"]["version"]}),
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert Registration.objects.get().consent_text == shown["consent"]["text"]
