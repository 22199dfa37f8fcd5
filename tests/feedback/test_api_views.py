"""``POST <prefix>/api/feedback/``, the feedback widget's JSON entrance for a headless frontend.
(The HTML form: test_views.py.)"""

import json

import pytest
from django.test import override_settings

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.services import get_feedback_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]

FORM_URL = "/kalender/webbinarier/feedback/"
API_URL = "/kalender/webbinarier/api/feedback/"


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def answer(client, session, helpful):
    """An answer through the HTML form, which shares the rate limit."""
    data = {
        "page": session.pk,
        "path": session.url,
        "next": session.url,
        "language": "sv",
        "helpful": helpful,
    }
    return client.post(FORM_URL, data)


def post_json(client, body, **headers):
    return client.post(API_URL, json.dumps(body), content_type="application/json", **headers)


def test_json_answer_about_a_page_is_created(client, session):
    response = post_json(
        client, {"page": session.pk, "helpful": False, "comment": "Ring 08-452 70 00"}
    )

    assert response.status_code == 201
    assert response.json() == {"helpful": False, "comment": "Ring [telefon]"}
    assert Feedback.objects.get().page_id == session.pk


def test_json_answer_about_a_path_is_created(client, site):
    response = post_json(client, {"path": "/kontakt/", "helpful": True})

    assert response.status_code == 201
    assert Feedback.objects.get().path == "/kontakt/"


def test_json_errors_are_keyed_by_field(client, session):
    response = post_json(client, {"page": session.pk, "helpful": "ja", "comment": "z" * 1251})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"helpful", "comment"}


def test_json_errors_follow_accept_language(client, session):
    response = post_json(client, {"page": session.pk}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.json() == {
        "code": "invalid",
        "message": "Some fields need correcting.",
        "errors": {"helpful": ["Answer yes or no."]},
    }


def test_json_only_takes_json(client, session):
    response = client.post(API_URL, {"page": session.pk, "helpful": "true"})

    assert response.status_code == 415


def test_json_from_another_website_is_refused(client, session):
    response = post_json(
        client, {"page": session.pk, "helpful": True}, HTTP_ORIGIN="https://evil.example"
    )

    assert response.status_code == 403


@override_settings(WAGTAIL_WEBINARS={"ALLOWED_FRONTEND_ORIGINS": ["https://app.example.org"]})
def test_json_from_an_allowed_frontend_is_taken(client, session):
    response = post_json(
        client, {"page": session.pk, "helpful": True}, HTTP_ORIGIN="https://app.example.org"
    )

    assert response.status_code == 201


@override_settings(WAGTAIL_WEBINARS={"FEEDBACK_RATE_LIMIT": "2/m"})
def test_json_and_form_share_one_rate_limit(client, session):
    answer(client, session, "yes")
    post_json(client, {"page": session.pk, "helpful": False})
    response = post_json(client, {"page": session.pk, "helpful": True, "path": "/annan/"})

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 60


def test_json_answer_gets_no_comment_token_it_cannot_use(client, session):
    # A headless frontend sends the comment with the answer; tokens are for the widget.
    response = post_json(client, {"page": session.pk, "helpful": False})
    assert "token" not in response.json()
    assert get_feedback_service().read_comment_token("") is None
