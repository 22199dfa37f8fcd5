"""Statistics per series: registrations per session and per municipality or region, as tables,
as server-drawn SVG bar charts, and as CSV, in a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.registration.services import RegistrationRequest, cancel, register

URL = "wagtail_webinars_registration_modeladmin_statistics"


@pytest.fixture
def series(home):
    series = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    start = timezone.now() + datetime.timedelta(days=10)
    for n in range(3):
        WebinarSessionPageFactory(
            parent=series,
            title=f"Del {n + 1}",
            start=start + datetime.timedelta(days=7 * n),
            end=start + datetime.timedelta(days=7 * n, hours=1),
            registration_capacity=3,
            registration_waitlist=True,
        )
    return series


def parts(series):
    return list(series.get_children().specific().order_by("path"))


def sign_up(session, email, code="2584", participants=()):
    return register(
        session,
        RegistrationRequest(
            name="X", email=email, municipality_code=code, participants=list(participants)
        ),
    ).registration


@pytest.fixture
def registrations(series):
    first, second, _third = parts(series)
    sign_up(first, "a@k.example", "2584", ["Bo"])
    sign_up(first, "b@k.example", "0180")
    sign_up(first, "c@k.example", "0180")  # waits: 3 of 3 places are taken
    cancel(sign_up(second, "d@k.example", "1280"))
    sign_up(second, "e@k.example", "0180")


def test_table_per_session_counts_registrations_participants_waiting_and_cancelled(
    admin_client, series, registrations
):
    content = admin_client.get(reverse(URL), {"series": series.pk}, HTTP_ACCEPT_LANGUAGE="sv")
    html = content.content.decode()
    assert html.count("<th scope=\"row\">Del ") == 3
    rows = csv_rows(admin_client, series)
    sessions = {row[0]: row[2:] for row in rows[2:5]}
    assert sessions == {"Del 1": ["2", "3", "1", "0"], "Del 2": ["1", "1", "0", "1"],
                        "Del 3": ["0", "0", "0", "0"]}


def test_table_per_municipality_counts_confirmed_participants(admin_client, series, registrations):
    rows = csv_rows(admin_client, series)
    municipalities = rows[rows.index([]) + 2:]
    assert municipalities == [["Kiruna", "2584", "1", "2"], ["Stockholm", "0180", "2", "2"]]


def test_the_charts_are_svg_drawn_on_the_server(admin_client, series, registrations):
    html = admin_client.get(reverse(URL), {"series": series.pk}).content.decode()
    assert html.count("<svg class=\"ww-chart__svg\"") == 2
    assert "<script" not in html.split('<div class="nice-padding ww-statistics">')[1]
    # The longest bar is Del 1's 3 participants: full length; Del 2's 1 is a third of it.
    assert 'width="380"' in html and 'width="127"' in html


def test_csv_starts_with_the_series_title(admin_client, series, registrations):
    assert csv_rows(admin_client, series)[0] == ["Det demokratiska samtalet"]


def test_statistics_take_the_same_queries_for_3_and_30_registrations(admin_client, series):
    first = parts(series)[0]

    def count():
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(reverse(URL), {"series": series.pk})
        return len(queries)

    sign_up(first, "a@k.example")
    few = count()
    for n in range(29):
        sign_up(parts(series)[1], f"m{n}@k.example", code=["0180", "1280", "2584"][n % 3])
    assert count() == few


@pytest.mark.parametrize("value", ["abc", "999999", "%ED%A0%80", "%00"])
def test_an_unknown_series_says_so_and_offers_the_others(admin_client, series, value):
    response = admin_client.get(f"{reverse(URL)}?series={value}", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Webbinarieserien finns inte." in html
    assert f'<option value="{series.pk}">Det demokratiska samtalet</option>' in html
    csv_export = admin_client.get(f"{reverse(URL)}?series={value}&export=csv")
    assert csv_export.status_code == 200 and csv_export["Content-Type"].startswith("text/html")


def csv_rows(admin_client, series):
    response = admin_client.get(reverse(URL), {"series": series.pk, "export": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
