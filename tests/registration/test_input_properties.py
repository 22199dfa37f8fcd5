"""Properties of registration for any input (Hypothesis): whatever a visitor sends to the JSON
endpoints, the HTML form or a caller to the service, the answer is one of ours (never a 5xx),
nothing is half-written, nothing stored holds a character the text rule refuses, and every
stored row exports to CSV and XLSX through the admin's real export.

Example counts are the Hypothesis profile in tests/strategies.py ("ci": 60 per test)."""

import csv
import io
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from hypothesis import event, given, strategies as st
from openpyxl import load_workbook

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from tests.strategies import either, form_text, json_values, perturbed, texts
from wagtail_webinars.models import Registration, RegistrationQuestion
from wagtail_webinars.models.registrations import email_key_for
from wagtail_webinars.registration.services import RegistrationError, RegistrationRequest, register
from wagtail_webinars.text import is_email_text, is_multiline, is_single_line

NO_LIMITS = {
    "REGISTRATION_RATE_LIMIT": None,
    "REGISTRATION_NETWORK_RATE_LIMIT": None,
    "REGISTRATION_FAILURE_RATE_LIMIT": None,
    "REGISTRATION_ADDRESS_RATE_LIMIT": None,
}

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen", "own_cache"),
    pytest.mark.filterwarnings("ignore"),
]

REGISTRATIONS = "/admin/wagtail_webinars/registration/"

# Valid syntax, but longer than the column (254) holds: the validator alone passes them.
long_emails = st.integers(3, 5).map(lambda n: "a" * 60 + "@" + ".".join(["b" * 60] * n) + ".se")
emails = (
    st.sampled_from([f"person{n}@kommun.example" for n in range(8)]) | st.emails() | long_emails
)
names = st.sampled_from(["Anna Berg", "Mohammad\u200cReza Karimi", "Zoë Ñúñez 😀"])
answers = st.fixed_dictionaries(
    {},
    optional={
        "roll": either(st.sampled_from(["Chef", "Handläggare"])),
        "motivering": either(st.sampled_from(["Rad ett\nrad två", "Kort"])),
        "antal": either(st.integers(-5, 50)),
        "val": either(st.sampled_from([["A"], ["A", "B"], []])),
        "okänd": json_values,
    },
)


VALID = {
    "name": "Anna Berg",
    "email": "person0@kommun.example",
    "organisation": "Kiruna kommun",
    "municipality_code": "2584",
    "participants": ["Bo Berg"],
    "answers": {"roll": "Chef", "motivering": "Rad ett\nrad två", "antal": 3, "val": ["A"]},
    "question_to_speaker": "Hur bemöter man ett drev?",
    "consent": True,
}
GOOD = {
    "name": names,
    "email": emails,
    "organisation": st.just("Kiruna kommun"),
    "municipality_code": st.sampled_from(["2584", "other", "01"]),
    "participants": st.lists(names, max_size=3),
    "answers": answers,
    "question_to_speaker": st.sampled_from(["", "Rad ett\r\nrad två\tmed tabb"]),
    "consent": st.just(True),
    "language": st.sampled_from(["sv", "en"]),
}


def json_bodies(extra: dict | None = None):
    """A valid body with some fields changed or left out, or now and then any JSON object."""
    return perturbed(
        VALID,
        {**GOOD, **(extra or {})},
        anything=st.dictionaries(st.text(max_size=20), json_values, max_size=6),
    )


@pytest.fixture
def session(home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    for clean_name, field_type, choices in [
        ("roll", "singleline", ""),
        ("motivering", "multiline", ""),
        ("antal", "number", ""),
        ("val", "checkboxes", "A\nB"),
    ]:
        RegistrationQuestion.objects.create(
            page=session,
            label=clean_name.title(),
            clean_name=clean_name,
            field_type=field_type,
            choices=choices,
        )
    return session


def row_counts() -> dict[str, int]:
    """Rows in every table of ours, to see that a refused request wrote nothing."""
    models = [*apps.get_app_config("wagtail_webinars").get_models()]
    return {model._meta.label: model.objects.count() for model in models}


def assert_storable(registration: Registration) -> None:
    assert is_single_line(registration.name)
    assert is_single_line(registration.organisation)
    assert is_email_text(registration.email)
    assert is_multiline(registration.question_to_speaker)
    assert all(isinstance(p, str) and is_single_line(p) for p in registration.participants)
    for key, value in registration.answers.items():
        assert is_single_line(key)
        for item in value if isinstance(value, list) else [value]:
            assert not isinstance(item, str) or is_multiline(item)


def assert_one_write_or_none(before, after, status: int, email_known: bool) -> None:
    added = after["wagtail_webinars.Registration"] - before["wagtail_webinars.Registration"]
    if status >= 300:
        assert after == before
    else:
        # A new address is one registration (and its e-mail); a known one writes no row.
        assert added == (0 if email_known else 1)


def assert_every_row_exports(admin_client) -> None:
    stored = Registration.objects.count()
    xlsx = admin_client.get(REGISTRATIONS, {"export": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert len(rows) == 1 + stored
    response = admin_client.get(REGISTRATIONS, {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(content)))) == 1 + stored


def known(email) -> bool:
    return (
        isinstance(email, str)
        and Registration.objects.filter(email_key=email_key_for(email)).exists()
    )


@override_settings(WAGTAIL_WEBINARS=NO_LIMITS)
def test_any_json_body_to_a_session_is_answered_by_us(client, admin_client, session):
    url = f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/"

    seen = set()

    @given(body=json_bodies())
    def post_anything(body):
        before = row_counts()
        email_known = known(body.get("email"))
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code in (201, 400, 409), response.content
        assert response["Content-Type"].startswith("application/json")
        assert_one_write_or_none(before, row_counts(), response.status_code, email_known)
        seen.add(response.status_code)

    post_anything()
    assert {201, 400} <= seen  # the examples reached both sides of validation
    for registration in Registration.objects.all():
        assert_storable(registration)
    assert_every_row_exports(admin_client)


@override_settings(WAGTAIL_WEBINARS=NO_LIMITS)
def test_any_json_body_to_a_series_is_answered_by_us(client, admin_client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Serien")
    dates = [WebinarSessionPageFactory(parent=series, title=f"Del {n}") for n in (1, 2)]
    url = f"/kalender/webbinarier/api/series/{series.pk}/registrations/"
    ids = [d.pk for d in dates]

    seen = set()

    @given(body=json_bodies({"sessions": st.lists(st.sampled_from(ids), max_size=3)}))
    def post_anything(body):
        before = row_counts()
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code in (201, 400, 409), response.content
        if response.status_code >= 300:
            assert row_counts() == before
        seen.add(response.status_code)

    post_anything()
    assert {201, 400} <= seen
    for registration in Registration.objects.all():
        assert_storable(registration)
    assert_every_row_exports(admin_client)


form_values = st.one_of(form_text, form_text, st.lists(form_text, max_size=3))


@override_settings(WAGTAIL_WEBINARS=NO_LIMITS)
def test_any_form_post_is_answered_by_our_page(client, admin_client, session):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    valid = {
        **{key: value for key, value in VALID.items() if key not in ("answers", "participants")},
        "participants": "Bo Berg\nCe Ek",
        "answer_roll": "Chef",
        "answer_motivering": "Rad ett\r\nrad två",
        "answer_antal": "3",
        "answer_val": ["A", "B"],
        "consent": "on",
    }
    good = {"name": names, "email": emails, "municipality_code": st.sampled_from(["2584", "other"])}

    seen = set()

    @given(data=perturbed(valid, good, bad=form_values))
    def post_anything(data):
        before = row_counts()
        email_known = known(data.get("email"))
        response = client.post(url, data)
        assert response.status_code in (200, 302, 409), response.content[:500]
        status = 201 if response.status_code == 302 else 400
        assert_one_write_or_none(before, row_counts(), status, email_known)
        seen.add(response.status_code)

    post_anything()
    assert {200, 302} <= seen
    for registration in Registration.objects.all():
        assert_storable(registration)
    assert_every_row_exports(admin_client)


@given(
    fields=perturbed(
        {
            "name": "Anna Berg",
            "email": "person0@kommun.example",
            "organisation": "Kiruna kommun",
            "municipality_code": "2584",
            "participants": ["Bo Berg"],
            "answers": {"roll": "Chef"},
            "question_to_speaker": "",
        },
        {"name": names, "email": emails, "participants": st.lists(names, max_size=3)},
        bad=st.one_of(
            texts,
            st.lists(texts, max_size=3),
            st.dictionaries(st.text(max_size=10), st.one_of(texts, st.lists(texts, max_size=2))),
        ),
    )
)
def test_the_service_refuses_bad_text_with_validation_errors_only(session, fields):
    # What the service takes is typed (RegistrationRequest), so each field is text of any kind
    # in its own shape; a field left out takes the request's default.
    fields = {
        key: value
        for key, value in fields.items()
        if isinstance(value, list) == (key == "participants")
        and isinstance(value, dict) == (key == "answers")
    }
    fields.setdefault("name", "")
    fields.setdefault("email", "")
    before = row_counts()
    try:
        register(session, RegistrationRequest(**fields))
    except (ValidationError, RegistrationError):
        assert row_counts() == before
        event("refused")
        return
    event("stored")
    for registration in Registration.objects.all():
        assert_storable(registration)


@override_settings(WAGTAIL_WEBINARS={**NO_LIMITS, "CANCEL_RATE_LIMIT": None})
def test_any_json_body_to_cancel_is_answered_by_us(client, session):
    outcome = register(session, RegistrationRequest(name="Anna", email="anna@kommun.example"))
    url = "/kalender/webbinarier/api/registrations/cancel/"
    tokens = st.one_of(st.just(outcome.registration.token), texts, json_values)

    @given(body=perturbed({"token": "ogiltig"}, {"token": tokens}))
    def post_anything(body):
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code in (200, 400, 404), response.content
        assert response["Content-Type"].startswith("application/json")

    post_anything()
