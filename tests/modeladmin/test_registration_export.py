"""The registrations export: Swedish headers naming each column once, labels instead of codes,
times in the webinars' zone, empty cells for empty answers, each answer under its question, no
formula and no character a spreadsheet cannot hold, and the list's filters applied."""

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import Registration, RegistrationQuestion
from wagtail_webinars.registration.services import RegistrationRequest, register

INDEX = "wagtail_webinars_registration_modeladmin_index"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
# 13 March 2027, 10:00 in Stockholm (CET, UTC+1).
START = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def session(home):
    session = WebinarSessionPageFactory(
        parent=home, title="Hårdare ton", start=START, end=START + datetime.timedelta(hours=1)
    )
    RegistrationQuestion.objects.create(
        page=session, sort_order=0, clean_name="roll", label="Din roll", field_type="singleline"
    )
    RegistrationQuestion.objects.create(
        page=session,
        sort_order=1,
        clean_name="kost",
        label="Kost",
        field_type="checkboxes",
        choices="Vegetarisk\nGlutenfri",
    )
    return session


def sign_up(session, name="Anna Andersson", email="anna@kommun.example", **extra):
    return register(
        session,
        RegistrationRequest(
            name=name, email=email, municipality_code=extra.pop("code", "2584"), **extra
        ),
    ).registration


def csv_rows(admin_client, **params):
    response = admin_client.get(reverse(INDEX), {"export": "csv", **params})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(admin_client, **params):
    response = admin_client.get(reverse(INDEX), {"export": "xlsx", **params})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def test_csv_headers_are_swedish_and_name_each_column_once(admin_client, session):
    sign_up(session)
    header = csv_rows(admin_client)[0]
    assert len(header) == len(set(header))
    assert header[:10] == [
        "Webbinarium",
        "Börjar (Europe/Stockholm)",
        "Status",
        "Namn",
        "E-postadress",
        "Organisation",
        "Kommun eller region",
        "Kommun- eller regionkod",
        "Fler deltagare",
        "Platser",
    ]
    assert "Din roll" in header and "Kost" in header
    assert "Anmäld (Europe/Stockholm)" in header and "Senaste e-post" in header


def test_csv_gives_labels_local_times_and_answers_under_their_questions(admin_client, session):
    registration = sign_up(
        session,
        organisation="Kiruna kommun",
        participants=["Bo Berg", "Cia Ceder"],
        answers={"roll": "Förtroendevald", "kost": ["Vegetarisk", "Glutenfri"]},
    )
    Registration.objects.filter(pk=registration.pk).update(
        created_at=datetime.datetime(2027, 7, 1, 8, 5, tzinfo=datetime.UTC)
    )
    row = as_dicts(csv_rows(admin_client))[0]
    assert row["Webbinarium"] == "Hårdare ton"
    assert row["Börjar (Europe/Stockholm)"] == "2027-03-13 10:00"
    assert row["Status"] == "Bekräftad"
    assert row["Kommun eller region"] == "Kiruna"
    assert row["Kommun- eller regionkod"] == "2584"
    assert row["Fler deltagare"] == "Bo Berg; Cia Ceder"
    assert row["Platser"] == "3"
    assert row["Din roll"] == "Förtroendevald"
    assert row["Kost"] == "Vegetarisk; Glutenfri"
    # 08:05 UTC in July is 10:05 summer time in Stockholm.
    assert row["Anmäld (Europe/Stockholm)"] == "2027-07-01 10:05"
    # Claimed for the send at the registration's commit, which a test's transaction never makes.
    assert row["Senaste e-post"] == "Bekräftelse: Skickas"


def test_empty_answers_are_empty_cells(admin_client, session):
    sign_up(session, answers={"roll": "", "kost": []})
    row = as_dicts(csv_rows(admin_client))[0]
    assert row["Din roll"] == row["Kost"] == row["Organisation"] == ""
    assert row["Avanmäld (Europe/Stockholm)"] == ""


def test_an_answer_to_a_removed_question_keeps_its_name(admin_client, session):
    sign_up(session, answers={"roll": "Tjänsteperson", "kost": []})
    RegistrationQuestion.objects.filter(clean_name="roll").delete()
    row = as_dicts(csv_rows(admin_client))[0]
    assert "Din roll" not in row
    assert row["Övriga svar"] == "roll: Tjänsteperson"


def test_a_cancelled_registration_says_avanmald_with_its_time(admin_client, session):
    from wagtail_webinars.registration.services import cancel

    cancel(sign_up(session))
    row = as_dicts(csv_rows(admin_client))[0]
    assert row["Status"] == "Avanmäld"
    assert row["Avanmäld (Europe/Stockholm)"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_no_cell_can_run_as_a_formula(admin_client, session, prefix):
    sign_up(session, name=f"{prefix}HYPERLINK(1)", organisation=f"{prefix}SUM(A1)")
    row = as_dicts(csv_rows(admin_client))[0]
    assert row["Namn"] == f"'{prefix}HYPERLINK(1)"
    assert row["Organisation"] == f"'{prefix}SUM(A1)"
    xlsx = as_dicts(xlsx_rows(admin_client))[0]
    assert xlsx["Namn"] == f"{prefix}HYPERLINK(1)"  # text, not a formula


def test_xlsx_has_the_same_columns_and_real_times(admin_client, session):
    sign_up(session, answers={"roll": "Förtroendevald", "kost": []})
    rows = xlsx_rows(admin_client)
    assert rows[0] == csv_rows(admin_client)[0]
    row = as_dicts(rows)[0]
    assert row["Börjar (Europe/Stockholm)"] == datetime.datetime(2027, 3, 13, 10, 0)
    assert row["Din roll"] == "Förtroendevald"
    assert row["Kost"] is None  # an empty cell


def test_xlsx_holds_a_row_stored_with_characters_xml_cannot_carry(admin_client, session):
    registration = sign_up(session)
    # Written behind the rules' back (an old row, a bulk import): the export must still work.
    Registration.objects.filter(pk=registration.pk).update(
        name="Anna\x0bAndersson", question_to_speaker="Fråga\x01?"
    )
    row = as_dicts(xlsx_rows(admin_client))[0]
    assert row["Namn"] == "Anna\ufffdAndersson"
    assert row["Fråga till talaren"] == "Fråga\ufffd?"


def test_export_follows_the_lists_filters(admin_client, session, home):
    other = WebinarSessionPageFactory(parent=home, title="Annat webbinarium")
    sign_up(session, email="a@kommun.example")
    sign_up(other, email="b@kommun.example")
    rows = as_dicts(csv_rows(admin_client, session__id__exact=other.pk))
    assert [row["E-postadress"] for row in rows] == ["b@kommun.example"]


def test_xlsx_beyond_the_row_limit_leads_to_the_csv_with_a_message(admin_client, session, settings):
    settings.WAGTAIL_WEBINARS = {"EXPORT_XLSX_MAX_ROWS": 1}
    sign_up(session, email="a@kommun.example")
    sign_up(session, email="b@kommun.example")
    response = admin_client.get(reverse(INDEX), {"export": "xlsx", "status": "confirmed"})
    assert response.status_code == 302
    assert "export" not in response.url and "status=confirmed" in response.url
    page = admin_client.get(response.url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "för många för en XLSX-fil" in page
    assert len(csv_rows(admin_client)) == 3


def test_export_reads_rows_in_a_fixed_number_of_queries(
    admin_client, session, django_assert_max_num_queries
):
    for n in range(30):
        sign_up(session, email=f"d{n}@kommun.example")
    url = reverse(INDEX) + "?export=csv"
    # 12 to read the rows, and up to 6 to write the export to the session's history: the rows per
    # session, the session, and Wagtail's log entry (its checks and insert), once per session.
    with django_assert_max_num_queries(18):
        b"".join(admin_client.get(url).streaming_content)


def test_series_filter_lists_only_that_series_sessions(admin_client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    part = WebinarSessionPageFactory(parent=series, title="Del 1")
    alone = WebinarSessionPageFactory(parent=home, title="Fristående")
    sign_up(part, email="a@kommun.example")
    sign_up(alone, email="b@kommun.example")
    rows = as_dicts(csv_rows(admin_client, series=series.pk))
    assert [row["Webbinarium"] for row in rows] == ["Del 1"]
    assert csv_rows(admin_client, series="x")[1:] == []


def test_municipality_filter_offers_the_names_that_occur(admin_client, session):
    sign_up(session, email="a@kommun.example", code="0180")
    sign_up(session, email="b@kommun.example", code="01")
    page = admin_client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Region Stockholm" in page and "?municipality=0180" in page
    assert "Malmö" not in page
    rows = as_dicts(csv_rows(admin_client, municipality="01"))
    assert [row["E-postadress"] for row in rows] == ["b@kommun.example"]
