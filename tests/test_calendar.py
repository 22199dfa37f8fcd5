"""Calendar files: a session's .ics (``<prefix>/sessions/<id>/calendar.ics``), the feeds of a
series and of the site to subscribe to, and the links that put a webinar into a calendar.

Every file is read back by icalendar and by a second, independent and strict parser (``ical``).
(The invitation in the confirmation e-mail: registration/test_mail.py.)
"""

import datetime
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ical.calendar_stream import IcsCalendarStream

from tests.clock import START
from tests.factories import (
    PageViewRestrictionFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.views import calendar_filename

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
PREFIX = "/kalender/webbinarier"


def calendar_url(session):
    return f"{PREFIX}/sessions/{session.pk}/calendar.ics"


def parse(response):
    """The body read by both parsers; returns icalendar's reading."""
    body = response.content.decode()
    strict = IcsCalendarStream.calendar_from_ics(body)
    assert strict.events or body.count("BEGIN:VEVENT") == 0
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return calendar.walk("VEVENT")


def test_calendar_file_of_a_published_session_is_served(client, session):
    response = client.get(calendar_url(session))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert "BEGIN:VEVENT" in response.content.decode()


def test_calendar_file_of_a_private_session_is_not_served(client, session):
    PageViewRestrictionFactory(page=session)

    response = client.get(calendar_url(session))

    assert response.status_code == 404


def test_times_carry_the_webinars_zone_with_its_vtimezone(client, session):
    calendar = parse(client.get(calendar_url(session)))

    (event,) = events(calendar)
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTSTART") == START
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "America/New_York", "UTC"])
def test_the_vtimezone_built_once_is_the_one_icalendar_builds_every_time(zone):
    from wagtail_webinars.ical import add_timezones, calendar_bytes

    def calendar():
        built = icalendar.Calendar()
        for month in (1, 7):
            event = icalendar.Event()
            event.add(
                "dtstart", datetime.datetime(2027, month, 1, 10, tzinfo=zoneinfo.ZoneInfo(zone))
            )
            built.add_component(event)
        return built

    theirs, ours, again = calendar(), calendar(), calendar()
    theirs.add_missing_timezones()
    add_timezones(ours)
    add_timezones(again)
    assert ours.to_ical() == theirs.to_ical() == again.to_ical()
    # The bytes copied in from the per-process cache are the ones written out each time.
    assert calendar_bytes(ours) == calendar_bytes(again) == theirs.to_ical()


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        # The Sunday summer time starts (02:00 → 03:00) and the one it ends (03:00 → 02:00).
        (datetime.date(2027, 3, 28), 8),
        (datetime.date(2027, 10, 31), 9),
    ],
)
def test_a_session_on_a_clock_change_day_keeps_its_hour(client, home, day, utc_hour):
    start = datetime.datetime.combine(day, datetime.time(10), STOCKHOLM)
    session = WebinarSessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(hours=1)
    )

    response = client.get(calendar_url(session))

    (event,) = events(parse(response))
    assert event.decoded("DTSTART").astimezone(datetime.UTC).hour == utc_hour
    (strict,) = IcsCalendarStream.calendar_from_ics(response.content.decode()).events
    assert strict.dtstart.astimezone(datetime.UTC) == start.astimezone(datetime.UTC)
    assert "DTSTART;TZID=Europe/Stockholm:" + day.strftime("%Y%m%d") + "T100000" in (
        response.content.decode()
    )


def test_a_published_file_has_an_organizer_and_no_attendee(client, session, settings):
    settings.WAGTAIL_SITE_NAME = "Testkommunen"

    (event,) = events(parse(client.get(calendar_url(session))))

    assert str(event["ORGANIZER"]) == "mailto:webbinarier@example.org"
    assert event["ORGANIZER"].params["CN"] == "Testkommunen"
    assert "ATTENDEE" not in event


@pytest.mark.parametrize(
    ("status", "expected"),
    [("scheduled", "CONFIRMED"), ("postponed", "TENTATIVE"), ("cancelled", "CANCELLED")],
)
def test_the_event_status_follows_the_sessions(client, session, status, expected):
    session.status = status
    session.save_revision().publish()

    (event,) = events(parse(client.get(calendar_url(session))))

    assert event["STATUS"] == expected


def test_the_event_reminds_a_quarter_of_an_hour_before(client, session):
    (event,) = events(parse(client.get(calendar_url(session))))

    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -datetime.timedelta(minutes=15)


def test_a_site_switches_the_reminder_off(client, session, settings):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "CALENDAR_ALARM_MINUTES": None}

    (event,) = events(parse(client.get(calendar_url(session))))

    assert event.walk("VALARM") == []


def test_the_file_name_is_cut_between_words():
    title = "Det demokratiska samtalet – har fått en hårdare ton, webbinarium om tillit"

    name = calendar_filename(title)

    assert name == "det-demokratiska-samtalet-har-fatt-en-hardare-ton.ics"
    assert len(name) <= 60 + len(".ics")


# --- feeds -----------------------------------------------------------------------------------


@pytest.fixture
def series(home):
    series = WebinarSeriesPageFactory(parent=home, title="Demokratins vardag")
    for day in range(3):
        start = START + datetime.timedelta(days=7 * day)
        WebinarSessionPageFactory(
            parent=series,
            title=f"Del {day + 1}",
            start=start,
            end=start + datetime.timedelta(hours=1),
            status="cancelled" if day == 2 else "scheduled",
        )
    return series


def test_a_series_feed_holds_every_date_cancelled_ones_as_cancelled(client, series):
    response = client.get(f"{PREFIX}/series/{series.pk}/calendar.ics")

    calendar = parse(response)
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert calendar["METHOD"] == "PUBLISH"
    assert [(e["SUMMARY"], e["STATUS"]) for e in events(calendar)] == [
        ("Del 1", "CONFIRMED"),
        ("Del 2", "CONFIRMED"),
        ("Del 3", "CANCELLED"),
    ]
    assert calendar["X-WR-CALNAME"] == "Demokratins vardag"
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


def test_a_feed_event_has_the_uid_of_the_sessions_own_file(client, series):
    session = series.get_children().first().specific

    feed = parse(client.get(f"{PREFIX}/series/{series.pk}/calendar.ics"))
    own = parse(client.get(calendar_url(session)))

    assert events(own)[0]["UID"] in [e["UID"] for e in events(feed)]


def test_the_site_feed_holds_the_sites_webinars(client, series, session):
    calendar = parse(client.get(f"{PREFIX}/calendar.ics"))

    assert sorted(str(e["SUMMARY"]) for e in events(calendar)) == [
        "Del 1",
        "Del 2",
        "Del 3",
        "Det demokratiska samtalet",
    ]


def test_a_series_feed_costs_the_same_queries_for_few_and_many_dates(client, home):
    def queries(count: int) -> int:
        series = WebinarSeriesPageFactory(parent=home)
        for n in range(count):
            start = START + datetime.timedelta(days=n)
            WebinarSessionPageFactory(
                parent=series, start=start, end=start + datetime.timedelta(hours=1)
            )
        client.get(f"{PREFIX}/series/{series.pk}/calendar.ics")  # warm Wagtail's site cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{PREFIX}/series/{series.pk}/calendar.ics").status_code == 200
        return len(captured)

    assert queries(2) == queries(12)


# --- links on the pages ----------------------------------------------------------------------


def test_the_session_page_links_google_and_outlook_with_the_files_times(client, session):
    html = client.get(session.url).content.decode()

    google = next(
        a for a in html.split('href="')[1:] if a.startswith("https://calendar.google.com")
    )
    query = parse_qs(urlsplit(google.split('"')[0].replace("&amp;", "&")).query)
    assert query["text"] == ["Det demokratiska samtalet"]
    assert query["dates"] == ["20270313T090000Z/20270313T103000Z"]
    assert "https://outlook.live.com/calendar/0/action/compose?" in html
    assert f"{calendar_url(session)}" in html


def test_the_series_page_offers_the_feed_as_a_subscription(client, series):
    html = client.get(series.url).content.decode()

    assert f'href="webcal://testserver{PREFIX}/series/{series.pk}/calendar.ics"' in html


def test_the_listing_offers_the_sites_feed(client, home):
    from tests.factories import WebinarListingPageFactory

    listing = WebinarListingPageFactory(parent=home)

    html = client.get(listing.url).content.decode()

    assert f'href="webcal://testserver{PREFIX}/calendar.ics"' in html
