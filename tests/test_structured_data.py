"""The schema.org Event in a session page's JSON-LD (``structured_data``): an online event with
its times, performers and status, safe from an editor's text."""

import datetime
import json
import re

import pytest

from tests.factories import PageSpeakerFactory, WebinarSessionPageFactory
from wagtail_webinars.models import SessionStatus

pytestmark = pytest.mark.django_db


def event_jsonld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_session_event_json_ld_describes_an_online_event_with_its_performers(client, home):
    start = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)
    session = WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet",
        start=start,
        end=start + datetime.timedelta(minutes=90),
        stream_url="https://play.example.org/live",
    )
    PageSpeakerFactory(
        page=session, speaker__name="Vian Tahir", speaker__title="Nätsäkerhetsexpert"
    )
    data = event_jsonld(client.get(session.url).content.decode())
    assert data["@type"] == "Event"
    assert data["name"] == "Det demokratiska samtalet"
    assert data["startDate"] == "2027-03-13T10:00:00+01:00"
    assert data["endDate"] == "2027-03-13T11:30:00+01:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://play.example.org/live"}
    assert data["performer"] == [
        {"@type": "Person", "name": "Vian Tahir", "jobTitle": "Nätsäkerhetsexpert"}
    ]


def test_cancelled_session_event_json_ld_is_cancelled_and_points_to_the_page(client, home):
    session = WebinarSessionPageFactory(
        parent=home, status=SessionStatus.CANCELLED, stream_url="https://play.example.org/live"
    )
    data = event_jsonld(client.get(session.url).content.decode())
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["location"]["url"] == data["url"] == "http://localhost" + session.url
    assert "performer" not in data


def test_postponed_session_event_json_ld_is_postponed(client, home):
    session = WebinarSessionPageFactory(parent=home, status=SessionStatus.POSTPONED)
    data = event_jsonld(client.get(session.url).content.decode())
    assert data["eventStatus"] == "https://schema.org/EventPostponed"


def test_json_ld_cannot_be_closed_by_an_editors_text(client, home):
    session = WebinarSessionPageFactory(parent=home, title="</script><script>alert(1)</script>")
    html = client.get(session.url).content.decode()
    assert "<script>alert(1)" not in html
    assert event_jsonld(html)["name"] == "</script><script>alert(1)</script>"
