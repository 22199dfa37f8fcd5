"""The two entrances of the feedback widget: the HTML form (with and without JavaScript) and
``POST <prefix>/api/feedback/``."""

import copy
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.services import get_feedback_service

pytestmark = pytest.mark.django_db

FORM_URL = "/kalender/webbinarier/feedback/"
API_URL = "/kalender/webbinarier/api/feedback/"


@pytest.fixture(autouse=True)
def clear_cache(settings):
    # A cache of our own per test: rate-limit counters and de-duplication keys start empty, and
    # a shared Redis is never flushed under other tests' feet.
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"ww-feedback-test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def answer(client, session, helpful, headers=None, **extra):
    data = {
        "page": session.pk,
        "path": session.url,
        "next": session.url,
        "language": "sv",
        "helpful": helpful,
        **extra,
    }
    return client.post(FORM_URL, data, headers=headers or {})


def token_from(location):
    return parse_qs(urlsplit(location).query)["ww_feedback_token"][0]


def post_json(client, body, **headers):
    return client.post(API_URL, json.dumps(body), content_type="application/json", **headers)


# -- the URLs are public API -------------------------------------------------------------------


def test_the_urls_keep_their_names_under_any_prefix():
    assert reverse("wagtail_webinars:feedback") == FORM_URL
    assert reverse("wagtail_webinars:api_feedback") == API_URL


# -- HTML form without JavaScript --------------------------------------------------------------


def test_yes_returns_the_visitor_to_the_widget_with_thanks(client, session):
    response = answer(client, session, "yes")

    assert response.status_code == 303
    assert response["Location"] == f"{session.url}?ww_feedback=thanks#ww-feedback"
    assert Feedback.objects.get().helpful is True


def test_the_page_a_visitor_returns_to_shows_the_thanks(client, session):
    location = answer(client, session, "yes")["Location"]

    html = client.get(location).content.decode()
    assert "Tack för att du hjälper oss!" in html
    assert 'name="helpful"' not in html


def test_no_saves_the_answer_at_once_and_returns_to_the_comment_box(client, session):
    response = answer(client, session, "no")

    assert Feedback.objects.get().helpful is False
    assert "ww_feedback=comment" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "Vad saknade du?" in html
    assert "Skriv inga personuppgifter" in html


def test_a_comment_sent_from_the_comment_box_is_added_to_the_answer(client, session):
    location = answer(client, session, "no")["Location"]
    token = token_from(location)

    response = client.post(
        FORM_URL, {"token": token, "comment": "Adressen till sändningen", "next": session.url}
    )

    assert response["Location"] == f"{session.url}?ww_feedback=thanks#ww-feedback"
    assert Feedback.objects.get().comment == "Adressen till sändningen"


def test_a_too_long_comment_gets_a_page_with_the_message_and_the_text_kept(client, session):
    location = answer(client, session, "no")["Location"]
    token = token_from(location)
    text = "Jag saknade " + "x" * 1300

    response = client.post(FORM_URL, {"token": token, "comment": text, "next": session.url})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Skriv högst 1\u00a0250 tecken." in html
    assert text in html
    assert 'aria-invalid="true"' in html
    assert f'href="{session.url}"' in html


def test_english_visitors_get_english_messages(client, session):
    response = answer(client, session, "", language="en")

    assert response.status_code == 400
    assert "Answer yes or no." in response.content.decode()


def test_next_never_leads_off_the_site(client, session):
    response = answer(client, session, "yes", next="https://evil.example/")

    assert response["Location"] == "/?ww_feedback=thanks#ww-feedback"


def test_a_post_from_another_website_is_refused(client, session):
    response = answer(client, session, "yes", headers={"Origin": "https://evil.example"})

    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_the_form_needs_no_csrf_token(session):
    from django.test import Client

    response = answer(Client(enforce_csrf_checks=True), session, "yes")

    assert response.status_code == 303


def test_a_filled_honeypot_is_thanked_and_not_saved(client, session):
    response = answer(client, session, "yes", website="spam")

    assert "ww_feedback=thanks" in response["Location"]
    assert not Feedback.objects.exists()


@override_settings(WAGTAIL_WEBINARS={"FEEDBACK_RATE_LIMIT": "1/m"})
def test_a_visitor_over_the_rate_limit_gets_429_with_a_message(client, session):
    answer(client, session, "yes")
    response = answer(client, session, "no")

    assert response.status_code == 429
    assert "För många svar" in response.content.decode()


# -- HTML form with JavaScript (fragment=1) ----------------------------------------------------


def test_the_script_gets_the_comment_box_as_a_fragment(client, session):
    response = answer(client, session, "no", fragment="1")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'name="token"' in html
    assert "Vad saknade du?" in html


def test_the_script_gets_the_thanks_as_a_fragment(client, session):
    response = answer(client, session, "yes", fragment="1")

    assert "Tack för att du hjälper oss!" in response.content.decode()


def test_a_fragment_with_an_error_keeps_the_typed_comment(client, session):
    token = (
        answer(client, session, "no", fragment="1")
        .content.decode()
        .split('name="token" value="')[1]
        .split('"')[0]
    )

    response = client.post(FORM_URL, {"token": token, "comment": "y" * 1251, "fragment": "1"})

    assert response.status_code == 400
    assert "y" * 1251 in response.content.decode()


def test_a_comment_whose_answer_expired_is_kept_with_the_question(client, session):
    response = client.post(
        FORM_URL,
        {
            "token": "broken",
            "comment": "Min text",
            "fragment": "1",
            "page": session.pk,
            "path": session.url,
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Min text" in html
    assert 'name="helpful"' in html


# -- JSON --------------------------------------------------------------------------------------


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

    assert response.json() == {"errors": {"helpful": ["Answer yes or no."]}}


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


def test_json_answer_gets_no_comment_token_it_cannot_use(client, session):
    # A headless frontend sends the comment with the answer; tokens are for the widget.
    response = post_json(client, {"page": session.pk, "helpful": False})
    assert "token" not in response.json()
    assert get_feedback_service().read_comment_token("") is None
