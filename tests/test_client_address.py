"""One client-address rule (``ratelimit.client_address``) for every limit and for the feedback
widget's de-duplication, behind a proxy that sets ``X-Forwarded-For``."""

import json

import pytest
from django.test import RequestFactory, override_settings

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.models import Registration
from wagtail_webinars.ratelimit import client_address, client_network

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]

PROXY = "10.0.0.1"
PROXIED = override_settings(RATELIMIT_IP_META_KEY="HTTP_X_FORWARDED_FOR")


def request_with(**meta):
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("203.0.113.9, 198.51.100.7", "198.51.100.7"),  # the first is the visitor's own claim
        ("198.51.100.7,  ", "198.51.100.7"),
        ("2001:db8::1, junk", "2001:db8::1"),
        ("not an address", PROXY),
        ("", PROXY),
    ],
)
def test_behind_a_proxy_the_last_valid_forwarded_address_is_the_visitor(forwarded, expected):
    with PROXIED:
        assert (
            client_address(request_with(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded))
            == expected
        )


def test_without_a_proxy_setting_the_forwarded_header_is_ignored():
    request = request_with(REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(request) == "192.0.2.5"


def test_an_ipv6_visitor_is_counted_by_network():
    assert client_network(request_with(REMOTE_ADDR="2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"
    assert client_network(request_with(REMOTE_ADDR="192.0.2.5")) == "192.0.2.5/32"


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def register(client, session, email, forwarded):
    body = {
        "name": "Anna Andersson",
        "email": email,
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
    }
    return client.post(
        f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/",
        json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@PROXIED
@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_RATE_LIMIT": "2/m"})
def test_a_forwarded_list_is_counted_per_visitor_not_a_500(client, session):
    assert (
        register(client, session, "a@kiruna.example", "203.0.113.1, 198.51.100.1").status_code
        == 201
    )
    assert (
        register(client, session, "b@kiruna.example", "203.0.113.2, 198.51.100.1").status_code
        == 201
    )
    # The same visitor, whatever they put first in the header themselves, is over the limit …
    assert (
        register(client, session, "c@kiruna.example", "203.0.113.3, 198.51.100.1").status_code
        == 429
    )
    # … and another visitor behind the same proxy is not.
    assert register(client, session, "d@kiruna.example", "198.51.100.2").status_code == 201
    assert Registration.objects.count() == 3


@PROXIED
def test_two_visitors_behind_one_proxy_give_two_answers(client, session):
    for visitor in ("198.51.100.1", "198.51.100.2"):
        response = client.post(
            "/kalender/webbinarier/api/feedback/",
            json.dumps({"page": session.pk, "path": session.url, "helpful": False}),
            content_type="application/json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=visitor,
            HTTP_USER_AGENT="Same browser",
        )
        assert response.status_code == 201, response.content
    assert Feedback.objects.count() == 2
