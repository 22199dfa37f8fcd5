"""A session's notices and calendar links in API v2 (issue 9): what its page shows about them,
so a frontend on another origin shows the same, in a fixed number of queries per listing."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.clock import NOW
from tests.factories import NoticeFactory, WebinarSeriesPageFactory, WebinarSessionPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DAY = datetime.timedelta(days=1)
PREFIX = "http://testserver/kalender/webbinarier"


def detail(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def session_in(parent, **kwargs):
    return WebinarSessionPageFactory(parent=parent, start=NOW + DAY, end=NOW + DAY * 1.05, **kwargs)


def test_a_session_lists_the_notices_its_page_shows(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    other = WebinarSeriesPageFactory(parent=home)
    session = session_in(series)
    everywhere = NoticeFactory(title="Överallt", show_from=NOW - DAY)
    tied = NoticeFactory(title="Bara serien", show_from=NOW - 2 * DAY)
    tied.series.add(series)
    tied.save()
    elsewhere = NoticeFactory(title="Annan serie")
    elsewhere.series.add(other)
    elsewhere.save()
    NoticeFactory(title="Över", show_from=NOW - 9 * DAY, show_until=NOW - DAY)
    NoticeFactory(title="Utkast", live=False)
    notices = detail(client, session)["notices"]
    assert [n["title"] for n in notices] == ["Överallt", "Bara serien"]
    assert [n["title"] for n in notices] == [n.title for n in session.get_notices()]
    assert notices[0] == {
        "id": everywhere.pk,
        "title": "Överallt",
        "text": everywhere.text,
        "url": "https://example.org/corona",
        "link_label": "Överallt",
        "show_from": "2027-02-28T10:00:00+01:00",
        "show_until": None,
    }
    assert [n["title"] for n in detail(client, series)["notices"]] == ["Överallt", "Bara serien"]
    lone = session_in(home)
    assert [n["title"] for n in detail(client, lone)["notices"]] == ["Överallt"]


def test_a_session_gives_its_calendar_links_as_its_page_does(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    session = session_in(series, title="Demokratisamtal")
    calendar = detail(client, session)["calendar"]
    assert calendar["ics"] == f"{PREFIX}/sessions/{session.pk}/calendar.ics"
    assert calendar["series_feed"] == {
        "https": f"{PREFIX}/series/{series.pk}/calendar.ics",
        "webcal": f"webcal://testserver/kalender/webbinarier/series/{series.pk}/calendar.ics",
    }
    assert (
        calendar["site_feed"]["webcal"] == "webcal://testserver/kalender/webbinarier/calendar.ics"
    )
    google = parse_qs(urlsplit(calendar["google"]).query)
    assert google["text"] == ["Demokratisamtal"]
    assert google["dates"] == ["20270302T090000Z/20270302T101200Z"]
    outlook = urlsplit(calendar["outlook"])
    assert outlook.netloc == "outlook.live.com"
    assert parse_qs(outlook.query)["subject"] == ["Demokratisamtal"]
    assert client.get(calendar["ics"].removeprefix("http://testserver")).status_code == 200


def test_a_session_outside_a_series_has_no_series_feed(client, home):
    assert detail(client, session_in(home))["calendar"]["series_feed"] is None


def count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


@override_settings(WAGTAILAPI_LIMIT_MAX=50)
def test_notices_and_calendar_cost_as_many_queries_for_20_sessions_as_for_1(client, home):
    url = "/api/v2/webinar_sessions/?fields=notices,calendar&limit=50"
    series = WebinarSeriesPageFactory(parent=home)
    tied = NoticeFactory()
    tied.series.add(series)
    tied.save()
    NoticeFactory()
    session_in(series)
    one, _ = count(client, url)
    for n in range(19):
        session_in(series if n % 2 else home)
    twenty, data = count(client, url)
    assert len(data["items"]) == 20
    assert {len(item["notices"]) for item in data["items"]} == {1, 2}
    assert twenty == one
