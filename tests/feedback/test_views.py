"""The feedback widget's HTML form, with JavaScript and without. (Its other entrance, ``POST
<prefix>/api/feedback/``: test_api_views.py.)"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]

FORM_URL = "/kalender/webbinarier/feedback/"
API_URL = "/kalender/webbinarier/api/feedback/"


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
    assert 0 < int(response["Retry-After"]) <= 60


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
