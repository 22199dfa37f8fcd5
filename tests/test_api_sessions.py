"""The session listing of API v2, ``/api/v2/webinar_sessions/`` (issue 9): the filters a
frontend's listing needs, soonest first, paged as Wagtail pages, and 400 in the one error
envelope for a filter value it does not take."""

import datetime

import pytest

from tests.clock import NOW
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import SessionStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

LISTING = "/api/v2/webinar_sessions/"
HOUR = datetime.timedelta(hours=1)


def session_at(parent, start, **kwargs):
    return WebinarSessionPageFactory(parent=parent, start=start, end=start + HOUR, **kwargs)


def titles(client, query=""):
    response = client.get(LISTING + query)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_sessions_are_listed_soonest_first_without_other_page_types(client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Serien")
    session_at(series, NOW + 48 * HOUR, title="later")
    session_at(home, NOW - 48 * HOUR, title="past")
    session_at(home, NOW + 2 * HOUR, title="soon")
    assert titles(client) == ["past", "soon", "later"]


def test_upcoming_lists_sessions_starting_now_or_later(client, home):
    session_at(home, NOW - HOUR + datetime.timedelta(minutes=30), title="live")
    session_at(home, NOW, title="starts now")
    session_at(home, NOW + HOUR, title="next")
    assert titles(client, "?upcoming=true") == ["starts now", "next"]
    assert titles(client, "?upcoming=false") == ["live", "starts now", "next"]


def test_series_lists_only_the_sessions_of_that_series(client, home):
    one = WebinarSeriesPageFactory(parent=home)
    other = WebinarSeriesPageFactory(parent=home)
    session_at(one, NOW + 2 * HOUR, title="b")
    session_at(one, NOW + HOUR, title="a")
    session_at(other, NOW + HOUR, title="elsewhere")
    session_at(home, NOW + HOUR, title="alone")
    assert titles(client, f"?series={one.pk}") == ["a", "b"]


def test_status_filters_by_computed_status_any_of_a_list(client, home):
    session_at(home, NOW + HOUR, title="upcoming")
    session_at(home, NOW - datetime.timedelta(minutes=30), title="live")
    session_at(home, NOW - 48 * HOUR, title="ended")
    session_at(home, NOW + 2 * HOUR, title="cancelled", status=SessionStatus.CANCELLED)
    session_at(home, NOW + 3 * HOUR, title="postponed", status=SessionStatus.POSTPONED)
    assert titles(client, "?status=upcoming") == ["upcoming"]
    assert titles(client, "?status=live,ended") == ["ended", "live"]
    assert titles(client, "?status=cancelled,postponed") == ["cancelled", "postponed"]
    for item in client.get(LISTING + "?status=upcoming,live&fields=computed_status").json()[
        "items"
    ]:
        assert item["computed_status"] in {"upcoming", "live"}


def test_filters_combine_with_order_and_paging(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    for day in range(5):
        session_at(series, NOW + (day + 1) * 24 * HOUR, title=f"day {day + 1}")
    session_at(series, NOW - 24 * HOUR, title="yesterday")
    query = f"?series={series.pk}&upcoming=true&limit=2"
    first = client.get(LISTING + query).json()
    assert first["meta"]["total_count"] == 5
    assert [i["title"] for i in first["items"]] == ["day 1", "day 2"]
    assert titles(client, query + "&offset=4") == ["day 5"]
    assert titles(client, query + "&order=-start")[:1] == ["day 5"]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("?upcoming=maybe", "upcoming"),
        ("?series=abc", "series"),
        ("?series=-1", "series"),
        ("?series=99999999999999999999999", "series"),
        ("?status=soon", "status"),
        ("?status=upcoming,", "status"),
    ],
)
def test_a_filter_value_it_does_not_take_is_400_in_the_envelope(client, home, query, param):
    response = client.get(LISTING + query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert body["message"]
    assert list(body["errors"]) == [param]


def test_a_series_filter_naming_a_session_is_400(client, home):
    session = session_at(home, NOW + HOUR)
    response = client.get(f"{LISTING}?series={session.pk}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["series"]


@pytest.mark.parametrize(
    "query", ["?type=wagtailcore.Page", "?colour=red", "?limit=x", "?order=nope"]
)
def test_an_unknown_parameter_or_bad_paging_is_400_in_the_envelope(client, home, query):
    response = client.get(LISTING + query)
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "errors"}


def test_a_session_of_the_listing_reads_in_full_through_the_detail_view(client, home):
    session = session_at(home, NOW + HOUR, title="Detalj")
    assert client.get(f"{LISTING}{session.pk}/").json()["title"] == "Detalj"
    response = client.get(f"{LISTING}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
