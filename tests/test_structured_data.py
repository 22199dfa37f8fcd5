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


# --- what Google recommends for a free online event, and the status after a change -----------

START = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def upcoming(home, frozen):
    return WebinarSessionPageFactory(
        parent=home, title="Demokratisamtalet", start=START, end=START + HOUR
    )


def test_the_organizer_is_the_sites_organisation_with_its_address(client, upcoming):
    data = event_jsonld(client.get(upcoming.url).content.decode())

    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Testkommunen",
        "url": "http://localhost/",
    }


def test_a_free_offer_in_stock_points_at_the_registration(client, upcoming):
    upcoming.registration_opens_at = START - 30 * 24 * HOUR
    upcoming.save()

    offer = event_jsonld(client.get(upcoming.url).content.decode())["offers"]

    assert offer == {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "SEK",
        "url": "http://localhost" + upcoming.url,
        "availability": "https://schema.org/InStock",
        "validFrom": "2027-02-11T10:00:00+01:00",
    }


@pytest.mark.parametrize(
    ("waitlist", "availability"), [(True, "LimitedAvailability"), (False, "SoldOut")]
)
def test_availability_follows_the_places_left(client, upcoming, waitlist, availability):
    from wagtail_webinars.registration.services import RegistrationRequest, register

    upcoming.registration_capacity = 1
    upcoming.registration_waitlist = waitlist
    upcoming.save()
    register(upcoming, RegistrationRequest(name="Anna Berg", email="anna@example.org"))

    offer = event_jsonld(client.get(upcoming.url).content.decode())["offers"]

    assert offer["availability"] == "https://schema.org/" + availability


def test_a_session_without_registration_has_no_offer(client, upcoming):
    upcoming.registration_enabled = False
    upcoming.save()

    assert "offers" not in event_jsonld(client.get(upcoming.url).content.decode())


def test_a_moved_session_is_rescheduled_with_its_previous_start(client, upcoming):
    upcoming.save_revision().publish()
    page = type(upcoming).objects.get(pk=upcoming.pk)
    page.start, page.end = START + 24 * HOUR, START + 25 * HOUR
    page.save_revision().publish()

    data = event_jsonld(client.get(upcoming.url).content.decode())

    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2027-03-13T10:00:00+01:00"
    assert data["startDate"] == "2027-03-14T10:00:00+01:00"


def test_the_speakers_photo_is_the_events_image(client, upcoming):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), "navy").save(buffer, "PNG")
    photo = get_image_model().objects.create(
        title="Vian Tahir", file=ImageFile(buffer, name="vian.png")
    )
    PageSpeakerFactory(page=upcoming, speaker__name="Vian Tahir", speaker__photo=photo)

    [image] = event_jsonld(client.get(upcoming.url).content.decode())["image"]

    assert image.startswith("http://localhost/")
    assert image.endswith(".png")
    assert ".width-1200" in image
