"""The personal cancel link works as the e-mails give it, but the page it opens holds no token in
its URL (a short-lived signed reference instead), so the address bar, the history and the
Referer of the page's links keep no working cancel link; no cache keeps the page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import RegistrationStatus
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def registration(home, frozen):
    session = WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet",
        start=START,
        end=START + datetime.timedelta(minutes=90),
    )
    return register(
        session, RegistrationRequest(name="Lena", email="lena@kommun.example")
    ).registration


def link(registration):
    return reverse("wagtail_webinars:registration_cancel", kwargs={"token": registration.token})


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_link_redirects_to_a_page_whose_url_holds_no_token(client, registration):
    response = client.get(link(registration))
    assert response.status_code == 303
    assert registration.token not in response["Location"]
    assert_private(response)

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ja, avanmäl mig" in html
    assert registration.token not in html
    assert_private(page)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED  # a GET cancels nobody


def test_the_page_cancels_on_post_and_stays_tokenless(client, registration):
    page_url = client.get(link(registration))["Location"]
    response = client.post(page_url)
    assert response.status_code == 303
    assert registration.token not in response["Location"]
    assert_private(response)
    assert "Du är avanmäld" in client.get(response["Location"]).content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_the_page_needs_the_csrf_token(client, registration):
    page_url = client.get(link(registration))["Location"]
    assert Client(enforce_csrf_checks=True).post(page_url).status_code == 403
    registration.refresh_from_db()
    assert registration.is_active


def test_the_page_expires_and_the_link_opens_a_fresh_one(client, registration, frozen):
    page_url = client.get(link(registration))["Location"]
    frozen.shift(datetime.timedelta(minutes=31))

    expired = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en")
    assert expired.status_code == 404
    assert "This page has expired" in expired.content.decode()
    assert client.post(page_url).status_code == 404
    registration.refresh_from_db()
    assert registration.is_active

    fresh = client.get(link(registration))["Location"]
    assert client.get(fresh).status_code == 200


def test_a_tampered_reference_is_not_found(client, registration):
    page_url = client.get(link(registration))["Location"]
    response = client.get(page_url.rstrip("/") + "x/")
    assert response.status_code == 404
    assert_private(response)


def test_posting_to_the_link_itself_still_cancels(client, registration):
    response = client.post(link(registration))
    assert response.status_code == 303
    assert registration.token not in response["Location"]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_an_unknown_link_is_private_too(client, db, site):
    response = client.get(reverse("wagtail_webinars:registration_cancel", args=["x" * 64]))
    assert response.status_code == 404
    assert_private(response)
