"""The JSON registration endpoints: their status codes and shapes are public API."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.clock import START
from tests.factories import (
    PageViewRestrictionFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.models import Registration, RegistrationQuestion, RegistrationStatus
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]

FRONTEND = "https://webbinarier.kommun.example"


def body(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": ["Anna-Lena Pogulis"],
        "question_to_speaker": "",
        "consent": True,
    }
    data.update(overrides)
    return data


def url(session):
    return f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/"


def post(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def someone(n):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja"
    )


def test_urls_are_the_documented_ones(session):
    assert reverse("wagtail_webinars:api_session_registrations", args=[session.pk]) == url(session)
    assert (
        reverse("wagtail_webinars:api_registration_cancel")
        == "/kalender/webbinarier/api/registrations/cancel/"
    )


# --- registering ------------------------------------------------------------------------------


def test_registration_returns_201_with_id_and_status(client, session):
    response = post(client, url(session), body())
    assert response.status_code == 201
    data = response.json()
    registration = Registration.objects.get()
    assert data["status"] == "confirmed"
    assert "id" not in data  # the same answer as for an address already registered
    assert registration.status == "confirmed"
    assert data["session"]["start"] == "2027-03-13T10:00:00+01:00"
    assert registration.participants == ["Anna-Lena Pogulis"]


def test_registration_beyond_capacity_returns_status_waitlisted(client, session):
    session.registration_capacity = 1
    session.save()
    register(session, someone(1))
    response = post(client, url(session), body(participants=[]))
    assert (response.status_code, response.json()["status"]) == (201, "waitlisted")


def test_invalid_fields_return_400_with_a_message_per_field(client, session):
    response = post(client, url(session), body(email="inte-en-adress", consent=False))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["email"] == ["Skriv en giltig e-postadress."]
    assert errors["consent"] == ["Du behöver godkänna innan du kan anmäla dig."]
    assert not Registration.objects.exists()


def test_line_break_in_the_name_is_refused(client, session):
    response = post(client, url(session), body(name="Lena\r\nBcc: spam@example.org"))
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_answers_are_given_and_refused_by_the_questions_name(client, session):
    RegistrationQuestion.objects.create(
        page=session, label="Antal", clean_name="antal", field_type="number", required=True
    )
    refused = post(client, url(session), body(answers={"antal": "många"}))
    assert list(refused.json()["errors"]) == ["answers.antal"]
    accepted = post(client, url(session), body(answers={"antal": 3}))
    assert accepted.status_code == 201
    assert Registration.objects.get().answers == {"antal": 3}


def test_full_session_returns_409_full(client, session):
    session.registration_capacity = 1
    session.registration_waitlist = False
    session.save()
    register(session, someone(1))
    response = post(client, url(session), body(participants=[]))
    assert response.status_code == 409
    assert response.json() == {"code": "full", "message": "Alla platser är tagna.", "errors": {}}


def test_second_registration_with_the_same_email_gets_the_answer_of_a_new_one(client, session):
    first = post(client, url(session), body())
    response = post(client, url(session), body(name="Någon annan"))
    assert (response.status_code, response.json()) == (first.status_code, first.json())
    assert Registration.objects.count() == 1


def test_closed_session_returns_409_closed_saying_why(client, session):
    session.status = "cancelled"
    session.save()
    response = post(client, url(session), body())
    assert response.status_code == 409
    assert response.json() == {
        "code": "closed",
        "message": "Anmälan är stängd eftersom webbinariet är inställt.",
        "errors": {},
    }


def test_session_under_a_private_series_returns_404(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    PageViewRestriction.objects.create(page=series, restriction_type=PageViewRestriction.LOGIN)
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(minutes=90)
    )
    response = post(client, url(session), body())
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert not Registration.objects.exists()


def test_json_registration_for_a_private_session_is_not_found(client, session):
    PageViewRestrictionFactory(page=session)

    response = post(client, url(session), body())

    assert response.status_code == 404
    assert session.title not in response.content.decode()


def test_a_private_page_elsewhere_does_not_hide_the_session(client, home, session):
    series = WebinarSeriesPageFactory(parent=home)
    PageViewRestriction.objects.create(page=series, restriction_type=PageViewRestriction.LOGIN)
    assert post(client, url(session), body()).status_code == 201


# The endpoint keeps the live page in the page cache: what closes it must reach the next request.


def test_a_restriction_added_after_a_registration_closes_the_endpoint(client, home, session):
    assert post(client, url(session), body()).status_code == 201  # the page is now cached
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    response = post(client, url(session), body(email="other@kiruna.example"))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    PageViewRestriction.objects.filter(page=home).delete()
    assert post(client, url(session), body(email="other@kiruna.example")).status_code == 201


def test_an_unpublished_session_is_not_found_right_after(client, session):
    assert post(client, url(session), body()).status_code == 201
    session.unpublish()
    response = post(client, url(session), body(email="other@kiruna.example"))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert Registration.objects.count() == 1


def test_a_new_capacity_counts_from_the_next_registration(client, session):
    session.registration_capacity = 2  # a registration of two places (one participant)
    session.registration_waitlist = False
    session.save_revision().publish()
    assert post(client, url(session), body()).json()["status"] == "confirmed"
    full = post(client, url(session), body(email="other@kiruna.example"))
    assert (full.status_code, full.json()["code"]) == (409, "full")
    session.registration_capacity = 4
    session.save_revision().publish()
    answer = post(client, url(session), body(email="other@kiruna.example"))
    assert (answer.status_code, answer.json()["status"]) == (201, "confirmed")


def test_the_cached_page_costs_no_page_query(client, session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(client, url(session), body())
    with CaptureQueriesContext(connection) as queries:
        assert post(client, url(session), body(email="other@kiruna.example")).status_code == 201
    assert not [q for q in queries.captured_queries if '"wagtailcore_page"' in q["sql"]]


def test_unknown_session_returns_404(client, db, site):
    response = post(client, "/kalender/webbinarier/api/sessions/999999/registrations/", body())
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_get_returns_405(client, session):
    response = client.get(url(session))
    assert (response.status_code, response["Allow"]) == (405, "POST")


# --- only JSON, only from allowed origins --------------------------------------------------------


def test_form_encoded_body_returns_415(client, session):
    response = client.post(url(session), body(participants=""))
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not Registration.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null", '"text"'])
def test_body_that_is_not_a_json_object_returns_400(client, session, raw):
    response = client.post(url(session), raw, content_type="application/json")
    assert response.status_code == 400
    assert "__all__" in response.json()["errors"]


def test_cross_site_page_cannot_register_anyone(client, session):
    response = post(client, url(session), body(), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_origin"
    assert not Registration.objects.exists()


def test_the_sites_own_pages_may_register(client, session):
    response = post(client, url(session), body(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 201


@override_settings(WAGTAIL_WEBINARS={"ALLOWED_FRONTEND_ORIGINS": [FRONTEND]})
def test_a_configured_headless_frontend_may_register(client, session):
    response = post(client, url(session), body(), HTTP_ORIGIN=FRONTEND)
    assert response.status_code == 201


# --- language -----------------------------------------------------------------------------------


def test_language_field_gives_english_messages(client, session):
    response = post(client, url(session), body(consent=False, language="en"))
    assert response.json()["errors"]["consent"] == ["You need to agree before you can register."]


def test_english_visitor_gets_english_messages_and_an_english_registration(client, session):
    response = post(client, url(session), body(), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        response.json()["message"]
        == "You are registered. A confirmation is on its way to your e-mail."
    )
    assert Registration.objects.get().language == "en"


def test_unknown_language_returns_400(client, session):
    response = post(client, url(session), body(language="de"))
    assert response.json()["errors"] == {"language": ["Använd ”sv” eller ”en”."]}


# --- rate limits --------------------------------------------------------------------------------


@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_RATE_LIMIT": "2/m"})
def test_too_many_registrations_from_one_address_return_429(client, session):
    for n in range(2):
        post(client, url(session), body(email=f"person{n}@kiruna.example"))
    response = post(client, url(session), body(email="tredje@kiruna.example"))
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert Registration.objects.count() == 2


@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_RATE_LIMIT": "2/m"})
def test_rate_limit_is_per_address(client, session):
    for n in range(2):
        post(client, url(session), body(email=f"person{n}@kiruna.example"))
    response = post(client, url(session), body(email="x@kiruna.example"), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 201


@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_RATE_LIMIT": "2/m"})
def test_html_form_and_json_share_one_limit(client, session):
    post(client, url(session), body(email="a@kiruna.example"))
    html = reverse("wagtail_webinars:session_register", args=[session.pk])
    client.post(html, {**body(email="b@kiruna.example", participants=""), "consent": "on"})
    assert post(client, url(session), body(email="c@kiruna.example")).status_code == 429


def cache_contents():
    """Every key and value in the configured cache (locmem in tests, Redis with WW_CACHE=redis)."""
    backend = cache._cache
    if isinstance(backend, dict):
        return list(backend.items())
    client = backend.get_client(None, write=False)
    return [(key, client.get(key)) for key in client.keys("*")]


def test_the_ip_address_is_never_stored(client, session):
    post(client, url(session), body(), REMOTE_ADDR="192.0.2.77")
    assert cache_contents()
    assert not any(b"192.0.2.77" in repr(item).encode() for item in cache_contents())


# --- series -------------------------------------------------------------------------------------


def test_series_registration_takes_every_open_date_unless_told(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    for day in (13, 20):
        start = datetime.datetime(2027, 3, day, 9, 0, tzinfo=datetime.UTC)
        WebinarSessionPageFactory(
            parent=series, start=start, end=start + datetime.timedelta(hours=1)
        )
    response = post(client, f"/kalender/webbinarier/api/series/{series.pk}/registrations/", body())
    assert response.status_code == 201
    assert [r["status"] for r in response.json()["registrations"]] == ["confirmed", "confirmed"]


@pytest.fixture
def three_dates(home):
    series = WebinarSeriesPageFactory(parent=home)
    dates = []
    for day in (13, 20, 27):
        start = datetime.datetime(2027, 3, day, 9, 0, tzinfo=datetime.UTC)
        dates.append(
            WebinarSessionPageFactory(
                parent=series, start=start, end=start + datetime.timedelta(hours=1)
            )
        )
    return series, dates


def test_a_cancelled_date_in_a_series_request_is_refused_in_its_own_item(client, three_dates):
    series, (first, cancelled, last) = three_dates
    cancelled.status = "cancelled"
    cancelled.save()

    response = post(
        client,
        f"/kalender/webbinarier/api/series/{series.pk}/registrations/",
        body(sessions=[last.pk, cancelled.pk, first.pk]),
    )

    assert response.status_code == 201
    items = response.json()["registrations"]
    assert [item["session"]["id"] for item in items] == [first.pk, cancelled.pk, last.pk]
    assert [item.get("status") for item in items] == ["confirmed", None, "confirmed"]
    assert items[1]["code"] == "closed"
    assert items[1]["message"] == "Anmälan är stängd eftersom webbinariet är inställt."
    assert not cancelled.webinar_registrations.exists()


def test_a_full_date_without_a_waiting_list_is_refused_as_full(client, three_dates):
    series, (first, full, _last) = three_dates
    full.registration_capacity = 0
    full.registration_waitlist = False
    full.save()

    response = post(
        client,
        f"/kalender/webbinarier/api/series/{series.pk}/registrations/",
        body(sessions=[first.pk, full.pk]),
    )

    assert response.status_code == 201
    assert [item.get("code") for item in response.json()["registrations"]] == [None, "full"]


def test_a_series_request_for_closed_dates_only_is_refused_with_each_reason(client, three_dates):
    series, (first, second, _last) = three_dates
    for session in (first, second):
        session.status = "cancelled"
        session.save()

    response = post(
        client,
        f"/kalender/webbinarier/api/series/{series.pk}/registrations/",
        body(sessions=[first.pk, second.pk]),
    )

    assert response.status_code == 409
    assert [item["code"] for item in response.json()["registrations"]] == ["closed", "closed"]


def test_a_series_request_for_closed_dates_still_checks_the_rest_of_the_body(
    client, three_dates
):
    series, (first, *_rest) = three_dates
    first.status = "cancelled"
    first.save()

    response = post(
        client,
        f"/kalender/webbinarier/api/series/{series.pk}/registrations/",
        body(sessions=[first.pk], email="inte-en-adress"),
    )

    assert response.status_code == 400
    assert "email" in response.json()["errors"]


# --- cancelling ---------------------------------------------------------------------------------


CANCEL = "/kalender/webbinarier/api/registrations/cancel/"


def test_cancel_with_the_token_cancels(client, session):
    registration = register(session, someone(1)).registration
    response = post(client, CANCEL, {"token": registration.token})
    assert response.json() == {"id": registration.pk, "status": "cancelled"}
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_cancel_with_an_unknown_token_returns_404(client, db, site):
    response = post(client, CANCEL, {"token": "f" * 64})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_cancel_without_a_token_returns_400(client, db, site):
    response = post(client, CANCEL, {})
    assert response.json()["errors"] == {"token": ["Detta fält måste fyllas i."]}


def test_cancel_from_a_cross_site_page_is_refused(client, session):
    registration = register(session, someone(1)).registration
    response = post(
        client, CANCEL, {"token": registration.token}, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_text_field_given_as_a_list_is_refused(client, session):
    response = post(client, url(session), body(name=["Lena"], email=["lena@kiruna.example"]))
    assert response.json()["errors"]["name"] == ["Skriv text."]
    assert "email" in response.json()["errors"]
