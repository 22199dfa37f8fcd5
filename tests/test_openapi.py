"""The OpenAPI 3.1 document at ``<prefix>/api/openapi.json`` (issue 9) is a valid document,
names every JSON endpoint of the URLconf, and says what real answers are: each status a request
gets is documented for its operation, and its body validates against the documented schema."""

import datetime
import json

import pytest
from django.test import override_settings
from django.urls import URLPattern, reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.clock import NOW, START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars import urls as our_urls
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]

DOCUMENT = "/kalender/webbinarier/api/openapi.json"
PREFIX = "/kalender/webbinarier/"


@pytest.fixture
def document(client, site):
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def operation(document, path, method):
    """The documented operation whose path template matches ``path``."""
    for template, item in document["paths"].items():
        parts, actual = template.strip("/").split("/"), path.split("?")[0].strip("/").split("/")
        if len(parts) == len(actual) and all(
            p == a or (p.startswith("{") and a.isdigit())
            for p, a in zip(parts, actual, strict=True)
        ):
            assert method in item, f"{method} {template} is not documented"
            return item[method]
    raise AssertionError(f"{path} is not in the document")


def conforms(document, response, path, method):
    """``response`` is a documented status of the operation, and its body fits the schema."""
    op = operation(document, path, method)
    status = str(response.status_code)
    assert status in op["responses"], f"{method} {path}: {status} is not documented"
    schema = op["responses"][status]["content"]["application/json"]["schema"]
    registry = Registry().with_resource(
        "urn:ww-openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator(
        {"$ref": "urn:ww-openapi#/components/schemas/" + schema["$ref"].rsplit("/", 1)[1]},
        registry=registry,
    )
    errors = [e.message for e in validator.iter_errors(response.json())]
    assert not errors, f"{method} {path} {status}: {errors}"
    return response


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def json_url_names():
    """Our JSON endpoints: by convention, the URL names that start with ``api_``."""
    return {
        p.name
        for p in our_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name.startswith("api_") and p.name != "api_openapi"
    }


def test_every_json_endpoint_of_the_urlconf_is_in_the_document(document):
    paths = set(document["paths"])
    names = json_url_names()
    assert names == {
        "api_session_registrations",
        "api_series_registrations",
        "api_registration_cancel",
        "api_feedback",
        "api_municipalities",
    }
    for name in names:
        try:
            path = reverse(f"wagtail_webinars:{name}")
        except Exception:
            path = reverse(f"wagtail_webinars:{name}", args=[1]).replace("/1/", "/{page_id}/")
        assert path in paths, name
    assert "/api/v2/webinar_sessions/" in paths
    assert "/api/v2/webinar_sessions/{id}/" in paths
    assert len(paths) == len(names) + 2


def test_every_operation_documents_the_error_envelope_for_every_refusal(document):
    for item in document["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]["$ref"]
                    assert schema.endswith(("/Error", "/SeriesRefusal")), status


def post(client, path, data, **headers):
    raw = data if isinstance(data, bytes) else json.dumps(data)
    return client.post(path, raw, content_type="application/json", **headers)


def body(**overrides):
    return {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
        **overrides,
    }


@pytest.fixture
def pages(home):
    series = WebinarSeriesPageFactory(parent=home)
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(hours=1)
    )
    full = WebinarSessionPageFactory(
        parent=home,
        start=START,
        end=START + datetime.timedelta(hours=1),
        registration_capacity=1,
        registration_waitlist=False,
    )
    register(full, RegistrationRequest(name="A", email="a@kommun.example", consent_text="ja"))
    return series, session, full


def test_registration_answers_are_as_documented(client, document, pages):
    series, session, full = pages
    one = f"{PREFIX}api/sessions/{session.pk}/registrations/"
    assert conforms(document, post(client, one, body()), one, "post").status_code == 201
    for data, status in [
        (body(email="nej"), 400),
        (b"[1, 2]", 400),
        (b'{"x": NaN}', 400),
        (body(language="fi"), 400),
    ]:
        assert conforms(document, post(client, one, data), one, "post").status_code == status
    foreign = post(client, one, body(), HTTP_ORIGIN="https://evil.example")
    assert conforms(document, foreign, one, "post").status_code == 403
    text = client.post(one, "name=x", content_type="application/x-www-form-urlencoded")
    assert conforms(document, text, one, "post").status_code == 415
    missing = f"{PREFIX}api/sessions/{full.pk + 1000}/registrations/"
    assert conforms(document, post(client, missing, body()), missing, "post").status_code == 404
    full_url = f"{PREFIX}api/sessions/{full.pk}/registrations/"
    assert conforms(document, post(client, full_url, body()), full_url, "post").status_code == 409
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        big = post(client, one, body(name="x" * 500))
    assert conforms(document, big, one, "post").status_code == 413
    with override_settings(WAGTAIL_WEBINARS={"REGISTRATION_RATE_LIMIT": "1/h"}):
        post(client, one, body(email="b@kommun.example"))
        limited = post(client, one, body(email="c@kommun.example"))
    assert conforms(document, limited, one, "post").status_code == 429


def test_series_registration_answers_are_as_documented(client, document, pages):
    series, _session, _full = pages
    path = f"{PREFIX}api/series/{series.pk}/registrations/"
    made = conforms(document, post(client, path, body()), path, "post")
    assert made.status_code == 201
    assert made.json()["registrations"][0]["status"] == "confirmed"
    bad = conforms(document, post(client, path, body(sessions=["a"])), path, "post")
    assert bad.status_code == 400


def test_cancel_feedback_and_municipalities_answer_as_documented(client, document, pages):
    series, session, full = pages
    cancel = f"{PREFIX}api/registrations/cancel/"
    token = register(
        session, RegistrationRequest(name="B", email="b@kommun.example", consent_text="ja")
    ).registration.token
    assert (
        conforms(document, post(client, cancel, {"token": token}), cancel, "post").status_code
        == 200
    )
    assert (
        conforms(document, post(client, cancel, {"token": "f" * 64}), cancel, "post").status_code
        == 404
    )
    assert conforms(document, post(client, cancel, {}), cancel, "post").status_code == 400
    feedback = f"{PREFIX}api/feedback/"
    given = post(client, feedback, {"page": session.pk, "helpful": True})
    assert conforms(document, given, feedback, "post").status_code == 201
    assert (
        conforms(
            document, post(client, feedback, {"page": session.pk}), feedback, "post"
        ).status_code
        == 400
    )
    municipalities = f"{PREFIX}api/municipalities/"
    assert conforms(document, client.get(municipalities), municipalities, "get").status_code == 200


def test_the_session_listing_answers_as_documented(client, document, pages):
    series, session, full = pages
    listing = "/api/v2/webinar_sessions/"
    for query in ["", "?fields=*", f"?series={series.pk}&upcoming=true", "?status=upcoming,live"]:
        response = conforms(document, client.get(listing + query), listing + query, "get")
        assert response.status_code == 200
    for query in ["?status=nope", "?series=x", "?offset=99999999999999999999", "?limit=100000"]:
        response = conforms(document, client.get(listing + query), listing + query, "get")
        assert response.status_code == 400
    detail = f"/api/v2/webinar_sessions/{session.pk}/"
    assert conforms(document, client.get(detail), detail, "get").json()["calendar"]["ics"]
    missing = f"/api/v2/webinar_sessions/{series.pk}/"
    assert conforms(document, client.get(missing), missing, "get").status_code == 404


def test_the_document_names_paths_with_the_hosts_prefix_and_origin(document):
    assert document["servers"] == [{"url": "http://testserver"}]
    assert f"{PREFIX}api/sessions/{{page_id}}/registrations/" in document["paths"]
    assert NOW  # the clock is stopped: places and states are the same in every run
