"""One text rule (wagtail_webinars/text.py) for every text a visitor can store: registrations,
their answers and further participants, feedback comments; in the HTML form, the JSON API and
the service alike. And whatever a stored row holds, the CSV and XLSX exports succeed."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.models import Registration, RegistrationQuestion
from wagtail_webinars.registration.services import RegistrationRequest, register
from wagtail_webinars.text import first_forbidden, is_email_text, is_multiline, is_single_line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "own_cache")]

# What str.splitlines() takes for a line break, and what else breaks a line, header, spreadsheet
# or terminal: each must be refused everywhere.
BREAKERS = [
    "\x00",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\ufffe",
]
# What real names and pasted text carry: each must pass.
NAMES = [
    "Mohammad\u200cReza Karimi",  # zero-width non-joiner in a Persian name
    "Anna-Lena Sam\u00adu\u00adels\u00adson",  # soft hyphens pasted from a document
    "\u200fעברית\u200f",  # right-to-left marks
    "Åsa Öberg 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # a tag flag
    "Zoë Ñúñez 😀 कृष्ण",
]


def form_data(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": "Anna-Lena Pogulis",
        "question_to_speaker": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def json_body(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": [],
        "consent": True,
    }
    data.update(overrides)
    return data


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize("char", BREAKERS)
def test_the_rule_refuses_what_breaks_a_line_in_one_line_and_multi_line_text(char):
    assert not is_single_line(f"a{char}b")
    assert not is_multiline(f"a{char}b")
    assert first_forbidden(f"a{char}b") == char


@pytest.mark.parametrize("name", NAMES)
def test_the_rule_lets_real_names_pass(name):
    assert is_single_line(name)
    assert is_multiline(name)


def test_multi_line_text_may_hold_real_line_breaks_and_tabs_one_line_text_may_not():
    text = "Första raden\r\nAndra\traden\nTredje"
    assert is_multiline(text)
    assert not is_single_line(text)


@pytest.mark.parametrize(
    "address", ['"a\x0bb"@kommun.se', "a b@kommun.se", "anna@kommun.se\n", "anna\u200b@kommun.se"]
)
def test_an_e_mail_address_must_be_one_line_of_printable_characters(address):
    assert not is_email_text(address)


# --- registration: the form, the JSON API, the service ---------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1c", "\x85", "\u2028", "\u202e"])
@pytest.mark.parametrize("field", ["name", "organisation", "participants", "question_to_speaker"])
def test_the_registration_form_refuses_it_in_every_text_field(client, session, field, char):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(**{field: f"Anna{char}Berg"}), HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert response.context["registration"]["form"].errors[field]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x85", "\u2028", "\u202e"])
def test_the_json_api_refuses_it_in_names_participants_answers_and_email(client, session, char):
    RegistrationQuestion.objects.create(
        page=session, label="Roll", clean_name="roll", field_type="singleline", required=False
    )
    url = f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/"
    cases = {
        "name": json_body(name=f"Anna{char}Berg"),
        "participants": json_body(participants=[f"Bo{char}Berg"]),
        "answers.roll": json_body(answers={"roll": f"Chef{char}x"}),
        "email": json_body(email=f'"a{char}b"@kommun.example'),
    }
    for field, body in cases.items():
        response = post_json(client, url, body)
        assert response.status_code == 400, field
        assert field in response.json()["errors"], field
    assert not Registration.objects.exists()


def test_further_participants_split_only_at_real_line_breaks(client, session):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(participants="Anna\x0bBo\x1cCarl"))
    assert response.context["registration"]["form"].errors["participants"]
    response = client.post(url, form_data(participants="Anna Berg\r\nBo Ek\nCarl Ås"))
    assert response.status_code == 302
    assert Registration.objects.get().participants == ["Anna Berg", "Bo Ek", "Carl Ås"]


@pytest.mark.parametrize("name", NAMES)
def test_real_names_are_stored_as_typed(client, session, name):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(name=name, participants=name))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.name == name
    assert registration.participants == [name]


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Anna\x0bBerg"),
        ("organisation", "Kommun\u202e"),
        ("participants", ["Bo\x00Berg"]),
        ("question_to_speaker", "Fråga\x1e"),
        ("answers", {"roll": "Chef\x85"}),
        ("email", '"a\x0bb"@kommun.example'),
    ],
)
def test_the_service_holds_the_rule_for_any_caller(session, field, value):
    data = RegistrationRequest(name="Anna", email="anna@kommun.example")
    setattr(data, field, value)
    with pytest.raises(ValidationError) as error:
        register(session, data)
    assert field in error.value.message_dict
    assert not Registration.objects.exists()


# --- feedback ---------------------------------------------------------------------------------


@pytest.mark.parametrize("char", BREAKERS)
def test_a_feedback_comment_refuses_it_and_keeps_real_line_breaks(client, session, char):
    url = "/kalender/webbinarier/api/feedback/"
    refused = post_json(client, url, {"page": session.pk, "helpful": False, "comment": f"a{char}b"})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["comment"]
    kept = post_json(
        client, url, {"page": session.pk, "helpful": False, "comment": "Rad ett\nRad\ttvå"}
    )
    assert kept.status_code == 201
    assert Feedback.objects.get().comment == "Rad ett\nRad\ttvå"


@pytest.mark.parametrize("char", ["\x0b", "\x85", "\u2028", "\u202e"])
def test_a_feedback_path_refuses_it(client, site, char):
    response = post_json(
        client, "/kalender/webbinarier/api/feedback/", {"path": f"/sida{char}/", "helpful": True}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["path"]


# --- exports ----------------------------------------------------------------------------------


def xlsx_rows(response):
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


REGISTRATIONS = "/admin/wagtail_webinars/registration/"


def test_every_storable_registration_exports_to_csv_and_xlsx(admin_client, session):
    for n, name in enumerate(NAMES):
        register(
            session,
            RegistrationRequest(
                name=name,
                email=f"p{n}@kommun.example",
                organisation=name,
                participants=[name],
                question_to_speaker=f"{name}\r\nrad två\tmed tabb",
            ),
        )
    xlsx = xlsx_rows(admin_client.get(REGISTRATIONS, {"export": "xlsx"}))
    name = xlsx[0].index("Namn")
    assert {row[name] for row in xlsx[1:]} == set(NAMES)
    rows = csv_rows(admin_client.get(REGISTRATIONS, {"export": "csv"}))
    assert len(rows) == 1 + len(NAMES)


def test_a_row_stored_before_the_rule_still_exports_to_xlsx(admin_client, session, home):
    # Written behind the rules' back, as rows saved by an earlier version can be (no NUL:
    # PostgreSQL never stores one).
    outcome = register(session, RegistrationRequest(name="Anna", email="anna@kommun.example"))
    Registration.objects.filter(pk=outcome.registration.pk).update(
        name="Anna\x0bBerg", organisation="\x1b[31m\x07", question_to_speaker="\x0c"
    )
    Feedback.objects.create(page=session, path=session.url_path, helpful=False, comment="a\x0bb")

    xlsx = xlsx_rows(admin_client.get(REGISTRATIONS, {"export": "xlsx"}))
    assert xlsx[1][xlsx[0].index("Namn")] == "Anna\ufffdBerg"
    report = admin_client.get("/admin/webinars/feedback/report/", {"export": "xlsx"})
    assert report.status_code == 200
    assert any("a\ufffdb" in str(cell) for row in xlsx_rows(report) for cell in row)
