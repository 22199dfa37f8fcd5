"""An anonymous visitor's page costs the same number of SQL queries however much it lists."""

import datetime

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    NoticeFactory,
    PageContactPersonFactory,
    PageSpeakerFactory,
    WebinarListingPageFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)

# A cache of these tests' own, so clearing it never touches a shared Redis.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_cache")]


def queries_for(client, url: str) -> list[str]:
    """The SQL of an anonymous GET, measured on a second request with the cache cleared, so that
    neither a first-request cost nor a warm cache (renditions, site roots) hides an N+1."""
    assert client.get(url).status_code == 200  # renditions are created on the first visit
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def session_with(home, count: int) -> str:
    """A session in a series, with ``count`` speakers (each with a photo) and contacts."""
    series = WebinarSeriesPageFactory(parent=home)
    session = WebinarSessionPageFactory(parent=series)
    WebinarSessionPageFactory(parent=series)  # another date of the series
    for _ in range(count):
        PageSpeakerFactory(page=session, speaker__photo=wagtail_factories.ImageFactory())
        PageContactPersonFactory(page=session)
    return session.url


def test_session_page_queries_do_not_grow_with_speakers_contacts_and_notices(client, home):
    NoticeFactory(link_page=home)
    one = queries_for(client, session_with(home, 1))
    for _ in range(2):
        NoticeFactory(link_page=WebinarSeriesPageFactory(parent=home), link_url="")
    thirty = queries_for(client, session_with(home, 30))
    assert len(thirty) == len(one), "\n".join(thirty)


def test_series_page_queries_do_not_grow_with_sessions(client, home):
    small = WebinarSeriesPageFactory(parent=home)
    WebinarSessionPageFactory(parent=small)
    large = WebinarSeriesPageFactory(parent=home)
    now = timezone.now()
    for day in range(-25, 25):
        WebinarSessionPageFactory(parent=large, start=now + datetime.timedelta(days=day))
    one = queries_for(client, small.url)
    fifty = queries_for(client, large.url)
    assert len(fifty) == len(one), "\n".join(fifty)


def test_listing_page_queries_do_not_grow_with_sessions(client, home):
    listing = WebinarListingPageFactory(parent=home)
    WebinarSessionPageFactory(parent=home)
    one = queries_for(client, listing.url)
    for _ in range(9):
        WebinarSessionPageFactory(parent=WebinarSeriesPageFactory(parent=home))
    ten = queries_for(client, listing.url)
    assert len(ten) == len(one), "\n".join(ten)


def series_with_places(home, count: int):
    """A series whose ``count`` upcoming dates have places, each with a state of its own to
    count: one place taken, one date full with a waiting list, one full without."""
    from wagtail_webinars.registration.services import RegistrationRequest, register

    series = WebinarSeriesPageFactory(parent=home, registration_capacity=3)
    now = timezone.now()
    for day in range(count):
        session = WebinarSessionPageFactory(
            parent=series,
            start=now + datetime.timedelta(days=day + 1),
            registration_waitlist=day % 3 != 2,
        )
        for n in range(1 if day % 3 == 0 else 3):
            register(
                session,
                RegistrationRequest(
                    name="Deltagare", email=f"d{n}-{session.pk}@kommun.example", consent_text="ja"
                ),
            )
    return series


def test_series_page_with_places_makes_as_many_queries_at_50_dates_as_at_5(client, home):
    five = queries_for(client, series_with_places(home, 5).url)
    fifty = queries_for(client, series_with_places(home, 50).url)
    assert len(fifty) == len(five), "\n".join(fifty)


def test_series_form_makes_as_many_queries_at_50_dates_as_at_5(client, home):
    from django.urls import reverse

    def form_queries(series):
        return queries_for(client, reverse("wagtail_webinars:series_register", args=[series.pk]))

    five = form_queries(series_with_places(home, 5))
    fifty = form_queries(series_with_places(home, 50))
    assert len(fifty) == len(five), "\n".join(fifty)


def test_series_in_the_api_makes_as_many_queries_at_50_dates_as_at_5(client, home):
    def api_queries(series):
        return queries_for(client, f"/api/v2/pages/{series.pk}/?fields=*")

    five = api_queries(series_with_places(home, 5))
    fifty = api_queries(series_with_places(home, 50))
    assert len(fifty) == len(five), "\n".join(fifty)
