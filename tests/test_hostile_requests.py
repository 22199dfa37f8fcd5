"""No request of any shape to a public URL of the package gets a 5xx: each hostile body, header or
path segment gets a 4xx in the visitor's language, in the endpoint's own format (JSON for the
JSON endpoints, our own page for the HTML forms), and nothing is written."""

import datetime
import json

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.clock import START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.services import get_feedback_service
from wagtail_webinars.models import Registration
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "own_cache")]

PREFIX = "/kalender/webbinarier/"
FEEDBACK_FORM = PREFIX + "feedback/"
FEEDBACK_API = PREFIX + "api/feedback/"
CANCEL_API = PREFIX + "api/registrations/cancel/"


@pytest.fixture
def series(home):
    series = WebinarSeriesPageFactory(parent=home, title="Demokrativeckan")
    WebinarSessionPageFactory(parent=series, start=START, end=START + datetime.timedelta(hours=1))
    return series


@pytest.fixture
def json_urls(session, series):
    return [
        f"{PREFIX}api/sessions/{session.pk}/registrations/",
        f"{PREFIX}api/series/{series.pk}/registrations/",
        CANCEL_API,
        FEEDBACK_API,
    ]


def post_raw(client, url, raw, **headers):
    return client.post(url, raw, content_type="application/json", **headers)


def nothing_written():
    return not Registration.objects.exists() and not Feedback.objects.exists()


# --- JSON bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,  # json.loads raises RecursionError
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"page": Infinity, "helpful": true}',
        b'{"page": NaN, "helpful": true}',
        b"\xff\xfe not utf-8",
        b'{"page": 1' + b"0" * 5000 + b', "helpful": true}',  # past Python's int-digit limit
    ],
    ids=["deep-list", "deep-object", "infinity", "nan", "not-utf8", "5000-digits"],
)
def test_a_body_that_is_not_plain_json_is_400_for_the_body_as_a_whole(client, json_urls, raw):
    for url in json_urls:
        response = post_raw(client, url, raw, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, url
        assert response.json() == {
            "code": "invalid",
            "message": "The request body must be a JSON object.",
            "errors": {"__all__": ["The request body must be a JSON object."]},
        }
    assert nothing_written()


def test_a_number_too_large_for_a_float_is_refused_in_swedish(client, json_urls):
    for url in json_urls:
        response = post_raw(
            client, url, b'{"page": 1e400, "helpful": true}', HTTP_ACCEPT_LANGUAGE="sv"
        )
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid",
            "message": "Anropets innehåll måste vara ett JSON-objekt.",
            "errors": {"__all__": ["Anropets innehåll måste vara ett JSON-objekt."]},
        }


@pytest.mark.parametrize("field", ["comment", "path", "token", "name", "language"])
def test_a_lone_surrogate_is_400_for_its_field(client, json_urls, field):
    raw = json.dumps({field: "a\ud800b", "helpful": False}).encode()
    for url in json_urls:
        response = post_raw(client, url, raw, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            field: ["The text contains characters that cannot be used."]
        }
        assert response.json()["code"] == "invalid"
    assert nothing_written()


def test_a_lone_surrogate_deep_inside_answers_or_in_a_key_is_refused(client, json_urls):
    for raw in (
        json.dumps({"answers": {"x": [{"y": "\udfff"}]}}).encode(),
        json.dumps({"\ud800": 1}).encode(),
    ):
        for url in json_urls:
            response = post_raw(client, url, raw)
            assert response.status_code == 400
            assert len(response.json()["errors"]) == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_over_size_json_body_is_413_in_json(client, json_urls):
    raw = json.dumps({"comment": "x" * 20_000}).encode()
    for url in json_urls:
        response = post_raw(client, url, raw, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 413
        assert response.json() == {
            "code": "too_large",
            "message": "Anropet är för stort.",
            "errors": {},
        }


@pytest.mark.parametrize("kind", ["sessions", "series"])
def test_a_registration_page_id_beyond_any_database_integer_is_404(client, db, site, kind):
    for page_id in (2**31, 2**63, 10**30):
        response = post_raw(
            client,
            f"{PREFIX}api/{kind}/{page_id}/registrations/",
            json.dumps({"name": "x"}).encode(),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 404, page_id
        assert response.json()["code"] == "not_found"


def test_a_feedback_page_id_beyond_any_database_integer_is_an_unknown_page(client, session):
    for page in (2**31, 2**63, 10**30, -1, 1.5, True, [1], {"id": 1}):
        response = post_raw(
            client,
            FEEDBACK_API,
            json.dumps({"page": page, "helpful": True}).encode(),
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400, page
        assert list(response.json()["errors"]) == ["page"]
    assert nothing_written()


def test_a_nul_byte_in_a_feedback_comment_through_json_is_refused(client, session):
    response = post_raw(
        client,
        FEEDBACK_API,
        json.dumps({"page": session.pk, "helpful": False, "comment": "hej\x00då"}).encode(),
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Några fält behöver rättas.",
        "errors": {"comment": ["Kommentaren innehåller tecken som inte kan användas."]},
    }
    assert nothing_written()


# --- HTML forms -------------------------------------------------------------------------------


def test_a_nul_byte_in_a_feedback_comment_through_the_form_is_refused_keeping_the_text(
    client, session
):
    response = client.post(
        FEEDBACK_FORM,
        {
            "page": session.pk,
            "path": session.url,
            "helpful": "no",
            "comment": "hej\x00då",
            "language": "sv",
        },
    )
    assert response.status_code == 400
    assert "Kommentaren innehåller tecken som inte kan användas." in response.content.decode()
    assert nothing_written()


def test_a_nul_byte_in_the_comment_step_is_refused_and_the_answer_keeps_no_comment(client, session):
    answer = client.post(
        FEEDBACK_FORM, {"page": session.pk, "path": session.url, "helpful": "no", "language": "en"}
    )
    assert answer.status_code == 303
    token = get_feedback_service().comment_token(Feedback.objects.get().pk, False)
    response = client.post(
        FEEDBACK_FORM, {"token": token, "comment": "x\x00y", "path": session.url, "language": "en"}
    )
    assert response.status_code == 400
    assert "The comment contains characters that cannot be used." in response.content.decode()
    assert Feedback.objects.get().comment == ""


@pytest.mark.parametrize(
    "language, message",
    [
        ("sv", "Det du skickade är för stort. Korta texten och skicka igen."),
        ("en", "What you sent is too large. Shorten the text and send it again."),
    ],
)
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_over_size_form_gets_our_page_in_the_visitors_language(
    client, session, language, message
):
    big = {"comment": "x" * 20_000, "name": "x" * 20_000}
    for url in (FEEDBACK_FORM, reverse("wagtail_webinars:session_register", args=[session.pk])):
        response = client.post(url, big, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 413, url
        html = response.content.decode()
        assert message in html
        assert "<html" in html.lower()  # our page inside the host's shell, not Django's text
    assert nothing_written()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=50)
def test_a_form_with_too_many_fields_gets_our_page(client, session):
    fields = {f"f{n}": "x" for n in range(100)}
    for url in (FEEDBACK_FORM, reverse("wagtail_webinars:session_register", args=[session.pk])):
        response = client.post(url, fields, HTTP_ACCEPT_LANGUAGE="sv")
        assert response.status_code == 400, url
        assert "Formuläret skickades med för många fält." in response.content.decode()
    assert nothing_written()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_over_size_cancel_form_is_refused_on_the_cancel_page_and_cancels_nothing(
    client, session
):
    outcome = register(session, RegistrationRequest(name="Lena", email="lena@kommun.example"))
    url = reverse("wagtail_webinars:registration_cancel", args=[outcome.registration.token])
    response = client.post(url, {"x": "y" * 20_000}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 413
    assert "Det du skickade är för stort." in response.content.decode()
    outcome.registration.refresh_from_db()
    assert outcome.registration.is_active


def test_the_registration_form_still_needs_its_csrf_token(session):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("wagtail_webinars:session_register", args=[session.pk]), {"name": "Lena"}
    )
    assert response.status_code == 403
    assert nothing_written()


def test_a_broken_multipart_body_gets_our_page(client, session):
    response = client.generic(
        "POST",
        FEEDBACK_FORM,
        b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=x",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code < 500
    assert nothing_written()


# --- the admin --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["cancel", "resend"])
@pytest.mark.parametrize("pk", ["abc", "1-2", "_", "9" * 30])
def test_an_admin_action_on_an_id_that_is_no_number_is_404(admin_client, action, pk):
    url = f"/admin/wagtail_webinars/registration/{action}/{pk}/"
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code == 404
