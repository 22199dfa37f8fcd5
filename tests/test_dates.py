"""Dates and times as a Swede writes them (``dates.format_timespan``), on the page and off it:
Stockholm time across the change to summer time, English for English visitors, the webinars'
own time zone."""

import datetime

import pytest
from django.test import override_settings
from django.utils import translation

from tests.clock import STOCKHOLM
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.dates import format_timespan as webinar_timespan


@pytest.mark.django_db
def test_session_time_is_written_as_a_swede_writes_it(client, home):
    start = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)  # 10.00 in Stockholm
    session = WebinarSessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(minutes=90)
    )
    html = client.get(session.url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "lördag 13 mars 2027 kl. 10.00–11.30" in html
    assert 'datetime="2027-03-13T10:00:00+01:00"' in html


def test_stockholm_time_holds_across_the_change_to_summer_time():
    # Summer time starts on 28 March 2027: 10.00 in Stockholm is 09.00 UTC before, 08.00 after.
    winter = datetime.datetime(2027, 2, 16, 9, 0, tzinfo=datetime.UTC)
    summer = datetime.datetime(2027, 3, 30, 8, 0, tzinfo=datetime.UTC)
    with translation.override("sv"):
        assert webinar_timespan(winter, winter + datetime.timedelta(minutes=90)) == (
            "tisdag 16 februari 2027 kl. 10.00–11.30"
        )
        assert webinar_timespan(summer, summer + datetime.timedelta(minutes=90)) == (
            "tisdag 30 mars 2027 kl. 10.00–11.30"
        )


@pytest.mark.django_db
def test_time_element_carries_the_summer_time_offset(client, home):
    start = datetime.datetime(2027, 3, 30, 8, 0, tzinfo=datetime.UTC)
    session = WebinarSessionPageFactory(parent=home, start=start)
    html = client.get(session.url).content.decode()
    assert 'datetime="2027-03-30T10:00:00+02:00"' in html


def test_english_visitors_read_an_english_date():
    start = datetime.datetime(2027, 3, 30, 8, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert webinar_timespan(start, start + datetime.timedelta(minutes=90)) == (
            "Tuesday 30 March 2027, 10:00–11:30"
        )


def test_session_over_two_days_names_both_days():
    start = datetime.datetime(2027, 3, 13, 20, 0, tzinfo=STOCKHOLM)
    with translation.override("sv"):
        text = webinar_timespan(start, start + datetime.timedelta(hours=16))
    assert text == "lördag 13 mars 2027 kl. 20.00 – söndag 14 mars 2027 kl. 12.00"


@override_settings(WAGTAIL_WEBINARS={"BASE_TEMPLATE": "base.html", "TIME_ZONE": "Europe/Helsinki"})
def test_times_follow_the_webinars_time_zone_setting():
    start = datetime.datetime(2027, 2, 16, 9, 0, tzinfo=datetime.UTC)
    with translation.override("sv"):
        assert webinar_timespan(start, start + datetime.timedelta(hours=1)).endswith(
            "kl. 11.00–12.00"
        )
