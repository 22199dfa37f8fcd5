"""The registration limits (``registration/limits.py``): an office behind one NAT address can
register its staff for one webinar, a script that keeps posting is stopped, and failed
validation has a budget of its own."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.conf import DEFAULTS
from wagtail_webinars.models import Registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]

OFFICE = "192.0.2.10"  # one NAT address for a whole municipal office

# The defaults scaled down by 20, so that a flood is a few hundred requests, not 10,000.
SCALED = {
    "REGISTRATION_RATE_LIMIT": "50/h",
    "REGISTRATION_NETWORK_RATE_LIMIT": "15/h",
    "REGISTRATION_FAILURE_RATE_LIMIT": "25/h",
    "REGISTRATION_ADDRESS_RATE_LIMIT": "5/h",
}


def body(n=0, **overrides):
    data = {
        "name": f"Kollega {n}",
        "email": f"kollega{n}@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
    }
    data.update(overrides)
    return data


def api_url(page):
    kind = "series" if page.specific_class.__name__.endswith("SeriesPage") else "sessions"
    return f"/kalender/webbinarier/api/{kind}/{page.pk}/registrations/"


def post(client, page, data, remote_addr=OFFICE, **headers):
    return client.post(
        api_url(page),
        json.dumps(data),
        content_type="application/json",
        REMOTE_ADDR=remote_addr,
        **headers,
    )


def statuses(responses):
    counts = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts


def test_the_defaults_are_the_documented_ones():
    assert DEFAULTS["REGISTRATION_RATE_LIMIT"] == "1000/h"
    assert DEFAULTS["REGISTRATION_NETWORK_RATE_LIMIT"] == "300/h"
    assert DEFAULTS["REGISTRATION_FAILURE_RATE_LIMIT"] == "500/h"
    assert DEFAULTS["REGISTRATION_ADDRESS_RATE_LIMIT"] == "5/h"


def test_200_colleagues_behind_one_address_register_for_one_webinar_within_an_hour(
    client, session, frozen
):
    responses = []
    for n in range(200):
        if n % 4 == 0:
            # Every fourth forgets the consent box first: a failure, then the real try.
            responses.append(post(client, session, body(n, consent=False)))
        responses.append(post(client, session, body(n)))
        frozen.shift(15)  # 200 people over 50 minutes
    assert statuses(responses) == {201: 200, 400: 50}
    assert Registration.objects.filter(session=session).count() == 200


@override_settings(WAGTAIL_WEBINARS=SCALED)
def test_a_script_posting_valid_registrations_is_stopped_at_the_network_budget(client, session):
    responses = [post(client, session, body(n)) for n in range(200)]
    assert statuses(responses) == {201: 15, 429: 185}
    assert Registration.objects.count() == 15


@override_settings(WAGTAIL_WEBINARS=SCALED)
def test_a_script_posting_rubbish_is_stopped_and_then_the_hard_cap_stops_everything(
    client, session
):
    responses = [post(client, session, body(n, email="not an address")) for n in range(50)]
    assert statuses(responses) == {400: 25, 429: 25}
    # The failures did not touch the registrations' budget …
    assert post(client, session, body(1)).status_code == 429  # … but the hard cap (50) is spent.
    assert Registration.objects.count() == 0


@override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_RATE_LIMIT": None})
def test_failed_validation_does_not_use_up_a_colleagues_registration(client, session):
    failures = [post(client, session, body(n, consent="ja")) for n in range(40)]
    assert statuses(failures) == {400: 25, 429: 15}
    assert post(client, session, body(1)).status_code == 201


@override_settings(WAGTAIL_WEBINARS=SCALED)
def test_a_spent_registration_budget_still_answers_a_typo_with_its_errors(client, session):
    for n in range(15):
        assert post(client, session, body(n)).status_code == 201
    response = post(client, session, body(99, email="kollega99@"))
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


@override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_ADDRESS_RATE_LIMIT": "2/h"})
def test_one_address_for_one_webinar_is_limited_from_any_network(client, session, home):
    answers = [
        post(client, session, body(7), remote_addr=f"198.51.100.{n}").status_code
        for n in range(1, 4)
    ]
    assert answers == [201, 201, 429]
    other = WebinarSessionPageFactory(parent=home, title="Nästa webbinarium")
    assert post(client, other, body(7), remote_addr="198.51.100.9").status_code == 201


@override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_ADDRESS_RATE_LIMIT": "1/h"})
def test_a_series_registration_counts_per_address_and_date(client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Serien")
    WebinarSessionPageFactory(parent=series, title="Del 1")
    WebinarSessionPageFactory(parent=series, title="Del 2")
    assert post(client, series, body(3)).status_code == 201
    assert post(client, series, body(3), remote_addr="198.51.100.3").status_code == 429


def test_ipv6_colleagues_on_one_64_share_the_network_budget(client, session):
    with override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_NETWORK_RATE_LIMIT": "2/h"}):
        first = post(client, session, body(1), remote_addr="2001:db8:5:6::1")
        second = post(client, session, body(2), remote_addr="2001:db8:5:6::2")
        third = post(client, session, body(3), remote_addr="2001:db8:5:6:aaaa::3")
        elsewhere = post(client, session, body(4), remote_addr="2001:db8:5:7::1")
    assert [first.status_code, second.status_code, third.status_code] == [201, 201, 429]
    assert elsewhere.status_code == 201


@override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_NETWORK_RATE_LIMIT": "1/h"})
def test_a_429_says_when_to_try_again_in_json_in_the_visitors_language(client, session):
    post(client, session, body(1))
    response = post(client, session, body(2), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.json() == {
        "code": "rate_limited",
        "message": "Too many requests from your network. Please try again later.",
        "errors": {},
    }
    swedish = post(client, session, body(3), language="sv")
    assert swedish.json()["message"] == (
        "För många anrop från ditt nätverk. Försök igen om en stund."
    )


@override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_NETWORK_RATE_LIMIT": "1/h"})
def test_a_429_on_the_form_is_our_page_with_retry_after(client, session):
    form_url = reverse("wagtail_webinars:session_register", args=[session.pk])
    data = {**body(1), "consent": "on"}
    client.post(form_url, data, REMOTE_ADDR=OFFICE)
    response = client.post(form_url, {**data, "email": "tva@kiruna.example"}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "Det har skickats för många anmälningar från ditt nätverk" in html
    assert 'value="tva@kiruna.example"' in html


@override_settings(WAGTAIL_WEBINARS={**SCALED, "REGISTRATION_FAILURE_RATE_LIMIT": "1/h"})
def test_the_form_counts_failures_in_their_own_budget_too(client, session):
    form_url = reverse("wagtail_webinars:session_register", args=[session.pk])
    data = {**body(1), "consent": "on"}
    assert client.post(form_url, {**data, "email": "x"}, REMOTE_ADDR=OFFICE).status_code == 200
    assert client.post(form_url, {**data, "email": "y"}, REMOTE_ADDR=OFFICE).status_code == 429
    assert client.post(form_url, data, REMOTE_ADDR=OFFICE).status_code == 302


@override_settings(WAGTAIL_WEBINARS={"CANCEL_RATE_LIMIT": "1/h"})
def test_a_429_on_cancel_carries_retry_after(client):
    cancel = "/kalender/webbinarier/api/registrations/cancel/"
    client.post(cancel, json.dumps({"token": "x"}), content_type="application/json")
    response = client.post(cancel, json.dumps({"token": "y"}), content_type="application/json")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
