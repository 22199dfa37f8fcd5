"""A form sent with errors names the field in each message and in the summary, and the page's
<title> starts with "Fel:" so a screen reader user hears it first (WCAG 3.3.1)."""

import re

import pytest
from django.urls import reverse

from wagtail_webinars.models import RegistrationQuestion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]


def post(client, session, **data):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    return client.post(url, data).content.decode()


def summary_of(html):
    return html.split('class="ww-error-summary"', 1)[1].split("</div>", 1)[0]


def test_an_empty_form_names_each_missing_field_in_the_summary(client, session):
    summary = summary_of(post(client, session))
    links = re.findall(r'<a href="#[^"]+">([^<]+)</a>', summary)
    assert links[:4] == [
        "Skriv ditt namn.",
        "Skriv din e-postadress.",
        "Skriv namnet på din organisation.",
        "Välj kommun eller region.",
    ]
    assert "Detta fält måste fyllas i." not in summary


def test_the_message_at_the_field_is_the_one_in_the_summary(client, session):
    html = post(client, session)
    assert f'<p class="ww-error" id="ww-reg-{session.pk}-name_error">' in html
    at_field = html.split(f'id="ww-reg-{session.pk}-name_error">', 1)[1].split("</p>", 1)[0]
    assert "Skriv ditt namn." in at_field


def test_a_too_long_answer_says_how_many_characters_are_allowed(client, session):
    html = post(client, session, organisation="x" * 300)
    assert "Skriv högst 200 tecken." in summary_of(html)


def test_an_unanswered_editor_question_is_named(client, session):
    RegistrationQuestion.objects.create(
        page=session, label="Din roll", clean_name="roll", field_type="singleline", required=True
    )
    assert "Svara på frågan ”Din roll”." in summary_of(post(client, session))


def test_the_page_title_starts_with_fel_when_the_form_has_errors(client, session):
    html = post(client, session)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith("Fel: Anmäl dig till Det demokratiska samtalet")


def test_the_page_title_has_no_fel_before_anything_is_sent(client, session):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    html = client.get(url).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert not title.startswith("Fel:")
    assert "Det demokratiska samtalet" in title
