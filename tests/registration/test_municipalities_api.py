"""``GET <prefix>/api/municipalities/``: the list a headless form offers for ``municipality_code``."""

import json

import pytest
from django.urls import reverse

from tests.factories import WebinarSessionPageFactory

URL = "/kalender/webbinarier/api/municipalities/"
FRONTEND = "https://webbinarier.kommun.example"

pytestmark = pytest.mark.django_db


def test_the_url_is_the_one_the_docs_give():
    assert reverse("wagtail_webinars:api_municipalities") == URL


def test_every_municipality_and_region_and_other_with_its_kind(client):
    response = client.get(URL)

    assert response.status_code == 200
    items = response.json()["items"]
    kinds = [item["kind"] for item in items]
    assert (kinds.count("municipality"), kinds.count("region"), kinds.count("other")) == (
        290,
        21,
        1,
    )
    assert {"code": "2584", "name": "Kiruna", "kind": "municipality", "region": "25"} in items
    assert items[-1] == {
        "code": "other",
        "name": "Annan organisation",
        "kind": "other",
        "region": None,
    }
    names = [item["name"] for item in items if item["kind"] == "municipality"]
    # Swedish order: Å, Ä, Ö after Z, as the form lists them.
    assert names.index("Ystad") < names.index("Åre")
    assert names.index("Åre") < names.index("Älvdalen") < names.index("Öckerö")
    assert names[-1] == "Övertorneå"
    assert response["Cache-Control"] == "public, max-age=86400"


def test_in_english_on_request(client):
    assert client.get(URL + "?lang=en").json()["items"][-1]["name"] == "Other organisation"
    assert (
        client.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()["items"][-1]["name"]
        == "Other organisation"
    )


def test_every_code_listed_is_one_a_registration_takes(client, home):
    session = WebinarSessionPageFactory(parent=home)
    codes = [item["code"] for item in client.get(URL).json()["items"]]
    for code in (codes[0], "01", "other"):
        body = {
            "name": "Anna Andersson",
            "email": f"anna.{code}@kommun.example",
            "organisation": "Kommunen",
            "municipality_code": code,
            "consent": True,
        }
        response = client.post(
            f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content


def test_a_post_gets_a_json_405(client):
    response = client.post(URL, "{}", content_type="application/json")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "method_not_allowed"


def test_a_frontend_on_an_allowed_origin_may_read_it(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]
    response = client.get(URL, HTTP_ORIGIN=FRONTEND)
    assert response["Access-Control-Allow-Origin"] == FRONTEND
