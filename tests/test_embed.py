"""The embed script's address, <prefix>/embed.js: public, cacheable, loadable from any origin,
with this site's API filled in."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def fetch(client, **headers):
    return client.get(reverse("wagtail_webinars:embed_script"), headers=headers)


def test_the_script_is_served_as_javascript_without_cookies(client):
    response = fetch(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.cookies
    assert 'customElements.define("ww-registration"' in response.content.decode()


def test_the_script_may_be_loaded_from_any_origin_and_cached(client):
    response = fetch(client, Origin="https://kommun.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Cache-Control"] == "public, max-age=3600"


def test_the_script_carries_this_sites_api_and_stylesheet(client):
    body = fetch(client).content.decode()
    config = json.loads(re.search(r"var CONFIG = (\{.*?\}) \|\|", body).group(1))
    assert config == {
        "pages": "http://testserver/api/v2/pages/",
        "sessionType": "wagtail_webinars.WebinarSessionPage",
        "stylesheet": "http://testserver/static/wagtail_webinars/css/embed.css",
    }


def test_an_unchanged_script_is_answered_not_modified(client):
    etag = fetch(client)["ETag"]
    response = fetch(client, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_the_script_takes_only_get_and_head(client):
    assert client.post(reverse("wagtail_webinars:embed_script")).status_code == 405
