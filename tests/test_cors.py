"""Cross-origin, configured once (issue 9): one list of frontend origins governs the Origin check
of our writes and the CORS answers (django-cors-headers) of our endpoints and API v2."""

import json

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from tests.clock import START
from tests.factories import WebinarSessionPageFactory

FRONTEND = "http://127.0.0.1:8101"
FOREIGN = "http://127.0.0.1:8102"
REGISTER = "/kalender/webbinarier/api/sessions/{}/registrations/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet", start=START)


def body(**extra):
    return {
        "name": "Anna Andersson",
        "email": "anna@kommun.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
        **extra,
    }


def preflight(client, url, origin):
    return client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


@override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND])
def test_preflight_of_our_endpoint_is_answered_for_the_listed_origin(client, session):
    response = preflight(client, REGISTER.format(session.pk), FRONTEND)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND])
def test_preflight_from_an_unlisted_origin_gets_no_allow_origin(client, session):
    response = preflight(client, REGISTER.format(session.pk), FOREIGN)
    assert "Access-Control-Allow-Origin" not in response


@override_settings(WAGTAIL_WEBINARS={"ALLOWED_FRONTEND_ORIGINS": [FRONTEND]}, CORS_URLS_REGEX=r"^$")
def test_our_setting_alone_answers_cors_on_our_urls_and_api_v2(client, session):
    # CORS_ALLOWED_ORIGINS is unset and CORS_URLS_REGEX matches nothing: our list still governs.
    response = preflight(client, REGISTER.format(session.pk), FRONTEND)
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    api = client.get(f"/api/v2/pages/{session.pk}/", HTTP_ORIGIN=FRONTEND)
    assert api.status_code == 200
    assert api["Access-Control-Allow-Origin"] == FRONTEND
    # The host's own pages are not ours to open.
    admin = client.get("/admin/login/", HTTP_ORIGIN=FRONTEND)
    assert "Access-Control-Allow-Origin" not in admin


@override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND])
def test_write_from_listed_origin_gets_cors_headers_and_foreign_origin_403(client, session):
    ok = client.post(
        REGISTER.format(session.pk),
        json.dumps(body()),
        content_type="application/json",
        HTTP_ORIGIN=FRONTEND,
    )
    assert ok.status_code == 201, ok.content
    assert ok["Access-Control-Allow-Origin"] == FRONTEND
    refused = client.post(
        REGISTER.format(session.pk),
        json.dumps(body(email="bo@kommun.example")),
        content_type="application/json",
        HTTP_ORIGIN=FOREIGN,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden_origin"
    assert "Access-Control-Allow-Origin" not in refused


@override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND])
def test_text_plain_json_body_is_taken_so_no_preflight_is_needed(client, session):
    response = client.post(
        REGISTER.format(session.pk),
        json.dumps(body()),
        content_type="text/plain;charset=UTF-8",
        HTTP_ORIGIN=FRONTEND,
    )
    assert response.status_code == 201, response.content
    foreign = client.post(
        REGISTER.format(session.pk),
        json.dumps(body(email="bo@kommun.example")),
        content_type="text/plain",
        HTTP_ORIGIN=FOREIGN,
    )
    assert foreign.status_code == 403


def _ids(**settings):
    with override_settings(**settings):
        return {m.id for m in run_checks() if m.id.startswith("wagtail_webinars.")}


def test_check_says_when_the_two_lists_disagree():
    assert "wagtail_webinars.W010" in _ids(
        WAGTAIL_WEBINARS={"ALLOWED_FRONTEND_ORIGINS": [FRONTEND]},
        CORS_ALLOWED_ORIGINS=[FOREIGN],
    )
    assert "wagtail_webinars.W010" not in _ids(
        WAGTAIL_WEBINARS={"ALLOWED_FRONTEND_ORIGINS": [FRONTEND + "/"]},
        CORS_ALLOWED_ORIGINS=[FRONTEND],
    )
    assert "wagtail_webinars.W010" not in _ids(CORS_ALLOWED_ORIGINS=[FRONTEND])


def test_check_refuses_credentials_and_missing_middleware(settings):
    assert "wagtail_webinars.W011" in _ids(CORS_ALLOW_CREDENTIALS=True)
    middleware = [m for m in settings.MIDDLEWARE if "corsheaders" not in m]
    assert "wagtail_webinars.E010" in _ids(CORS_ALLOWED_ORIGINS=[FRONTEND], MIDDLEWARE=middleware)
    assert "wagtail_webinars.E010" not in _ids(MIDDLEWARE=middleware)


def test_check_warns_when_cors_middleware_comes_too_late(settings):
    middleware = [m for m in settings.MIDDLEWARE if "corsheaders" not in m]
    middleware.append("corsheaders.middleware.CorsMiddleware")
    assert "wagtail_webinars.W012" in _ids(MIDDLEWARE=middleware)
