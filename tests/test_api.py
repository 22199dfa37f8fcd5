"""Headless read through Wagtail's API v2, registered the way a host does (tests/urls.py:
Wagtail's own PagesAPIViewSet plus `register_api_endpoints`)."""

import datetime

import pytest
import time_machine
import wagtail_factories
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.clock import NOW, STOCKHOLM
from tests.factories import (
    ContactPersonFactory,
    NoticeFactory,
    PageContactPersonFactory,
    PageSpeakerFactory,
    SpeakerFactory,
    TechnicalHelpFAQFactory,
    WebinarListingPageFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.models import JoinLinkVisibility, SessionStatus

pytestmark = pytest.mark.django_db

SESSION_LISTING = "/api/v2/pages/?type=wagtail_webinars.WebinarSessionPage&fields=*&limit=50"
SERIES_LISTING = "/api/v2/pages/?type=wagtail_webinars.WebinarSeriesPage&fields=*&limit=50"


def page_detail(client, page):
    response = client.get(f"/api/v2/pages/{page.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def march_13(hour=10, minute=0):
    return datetime.datetime(2027, 3, 13, hour, minute, tzinfo=STOCKHOLM)


@time_machine.travel(NOW, tick=False)
def test_session_times_are_iso_8601_with_the_stockholm_offset(client, home):
    session = WebinarSessionPageFactory(parent=home, start=march_13(), end=march_13(11, 30))
    data = page_detail(client, session)
    assert data["start"] == "2027-03-13T10:00:00+01:00"
    assert data["end"] == "2027-03-13T11:30:00+01:00"


@time_machine.travel(NOW, tick=False)
def test_session_gives_its_computed_status(client, home):
    upcoming = WebinarSessionPageFactory(parent=home, start=march_13(), end=march_13(11, 30))
    cancelled = WebinarSessionPageFactory(parent=home, status=SessionStatus.CANCELLED)
    assert page_detail(client, upcoming)["computed_status"] == "upcoming"
    assert page_detail(client, cancelled)["computed_status"] == "cancelled"


def test_speakers_are_nested_with_their_role_in_editor_order(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageSpeakerFactory(page=session, speaker__name="Vian Tahir", role="Inspiratör", sort_order=0)
    PageSpeakerFactory(
        page=session, speaker__name="Anna Moderatorsson", role="Moderator", sort_order=1
    )
    speakers = page_detail(client, session)["webinar_speakers"]
    assert [(s["role"], s["speaker"]["name"]) for s in speakers] == [
        ("Inspiratör", "Vian Tahir"),
        ("Moderator", "Anna Moderatorsson"),
    ]
    assert speakers[0]["speaker"]["title"] == "Nätsäkerhetsexpert"


def test_speaker_photo_is_a_rendition_with_an_absolute_url(client, home):
    session = WebinarSessionPageFactory(parent=home)
    photo = wagtail_factories.ImageFactory(title="Vian Tahir", file__width=480, file__height=480)
    PageSpeakerFactory(page=session, speaker__photo=photo)
    rendition = page_detail(client, session)["webinar_speakers"][0]["speaker"]["photo"]
    assert rendition["full_url"].startswith("http://testserver/media/images/")
    assert (rendition["width"], rendition["height"]) == (240, 240)


def test_a_draft_speaker_is_left_out(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageSpeakerFactory(page=session, speaker__name="Utkast", speaker__live=False)
    assert page_detail(client, session)["webinar_speakers"] == []


def test_contacts_are_nested_with_their_role_on_the_page(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageContactPersonFactory(
        page=session,
        contact__name="Lena Lindgren",
        contact__email="lena@example.org",
        role="Frågor om anmälan",
    )
    (contact,) = page_detail(client, session)["webinar_contacts"]
    assert contact["role"] == "Frågor om anmälan"
    assert contact["contact"]["name"] == "Lena Lindgren"
    assert contact["contact"]["role"] == "Projektledare"
    assert contact["contact"]["email"] == "lena@example.org"


def test_join_link_sent_only_to_registrants_is_not_in_the_api(client, home):
    session = WebinarSessionPageFactory(
        parent=home,
        stream_url="https://play.example.org/hemlig",
        join_link_visibility=JoinLinkVisibility.REGISTRANTS,
    )
    data = page_detail(client, session)
    assert data["public_stream_url"] == ""
    assert "hemlig" not in str(data)


def test_technical_help_is_nested_with_its_questions(client, home):
    faq = TechnicalHelpFAQFactory(
        intro="Vi sänder från www.play.skl.se",
        items=[("item", {"question": "Inget ljud?", "answer": "<p>Ladda om sidan.</p>"})],
    )
    session = WebinarSessionPageFactory(parent=home, technical_help=faq)
    data = page_detail(client, session)["technical_help"]
    assert data["title"] == "Frågor och svar om livesändning"
    assert data["items"][0]["value"]["question"] == "Inget ljud?"


@time_machine.travel(NOW, tick=False)
def test_series_lists_its_sessions_upcoming_first_as_summaries(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    past = WebinarSessionPageFactory(
        parent=series, title="Förra", start=NOW - datetime.timedelta(days=3)
    )
    later = WebinarSessionPageFactory(parent=series, title="Senare", start=march_13())
    sessions = page_detail(client, series)["sessions"]
    assert [s["title"] for s in sessions] == ["Senare", "Förra"]
    assert sessions[0] == {
        "id": later.pk,
        "title": "Senare",
        "url": "http://localhost/" + series.slug + "/" + later.slug + "/",
        "start": "2027-03-13T10:00:00+01:00",
        "end": "2027-03-13T11:30:00+01:00",
        "computed_status": "upcoming",
    }
    assert sessions[1]["id"] == past.pk
    assert sessions[1]["computed_status"] == "ended"


def test_series_gives_lead_audience_and_contacts(client, home):
    series = WebinarSeriesPageFactory(parent=home, audience="Ledande förtroendevalda")
    PageContactPersonFactory(page=series, role="Informationsansvarig")
    data = page_detail(client, series)
    assert data["lead"] == "En seminarieserie för ledande förtroendevalda."
    assert data["audience"] == "Ledande förtroendevalda"
    assert data["webinar_contacts"][0]["role"] == "Informationsansvarig"


def test_listing_page_is_readable(client, home):
    listing = WebinarListingPageFactory(parent=home, intro="Alla våra webbsändningar.")
    data = page_detail(client, listing)
    assert data["meta"]["type"] == "wagtail_webinars.WebinarListingPage"
    assert data["intro"] == "Alla våra webbsändningar."


def test_speakers_endpoint_lists_published_speakers_only(client, home):
    SpeakerFactory(name="Vian Tahir")
    SpeakerFactory(name="Utkast", live=False)
    items = client.get("/api/v2/webinar_speakers/?fields=*").json()["items"]
    assert [(i["name"], i["title"]) for i in items] == [("Vian Tahir", "Nätsäkerhetsexpert")]


def test_contacts_endpoint_gives_every_field(client, home):
    contact = ContactPersonFactory(name="Anna-Lena Pogulis", email="al@example.org")
    data = client.get(f"/api/v2/webinar_contacts/{contact.pk}/").json()
    assert (data["name"], data["role"], data["email"]) == (
        "Anna-Lena Pogulis",
        "Projektledare",
        "al@example.org",
    )


@time_machine.travel(NOW, tick=False)
def test_notices_endpoint_lists_only_current_notices_with_offset_dates(client, home):
    NoticeFactory(title="Aktuell", show_from=NOW - datetime.timedelta(days=1))
    NoticeFactory(
        title="Gammal",
        show_from=NOW - datetime.timedelta(days=9),
        show_until=NOW - datetime.timedelta(days=2),
    )
    items = client.get("/api/v2/webinar_notices/?fields=*").json()["items"]
    assert [i["title"] for i in items] == ["Aktuell"]
    assert items[0]["show_from"] == "2027-02-28T10:00:00+01:00"  # NOW less a day, in Stockholm


def test_technical_help_endpoint_gives_the_questions(client, home):
    TechnicalHelpFAQFactory(
        items=[("item", {"question": "Hackar bilden?", "answer": "<p>Stäng andra flikar.</p>"})]
    )
    items = client.get("/api/v2/webinar_technical_help/?fields=*").json()["items"]
    assert items[0]["items"][0]["value"]["question"] == "Hackar bilden?"


# --- a fixed number of queries, whatever the number of sessions -------------------------------


def make_sessions(parent, count):
    faq = TechnicalHelpFAQFactory()
    for _ in range(count):
        session = WebinarSessionPageFactory(parent=parent, technical_help=faq)
        PageSpeakerFactory(page=session, speaker__photo=wagtail_factories.ImageFactory())
        PageSpeakerFactory(page=session, role="Moderator")
        PageContactPersonFactory(page=session)
        PageContactPersonFactory(page=session, role="Frågor om anmälan")


def count_queries(client, url):
    client.get(url)  # first call creates the photos' renditions; the second one only reads
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@override_settings(WAGTAILAPI_LIMIT_MAX=50)
def test_session_listing_makes_as_many_queries_for_50_sessions_as_for_1(client, home):
    make_sessions(home, 1)
    one, data = count_queries(client, SESSION_LISTING)
    assert data["meta"]["total_count"] == 1
    make_sessions(home, 49)
    fifty, data = count_queries(client, SESSION_LISTING)
    assert data["meta"]["total_count"] == 50
    assert all(len(item["webinar_speakers"]) == 2 for item in data["items"])
    assert fifty == one


@override_settings(WAGTAILAPI_LIMIT_MAX=50)
def test_series_listing_makes_as_many_queries_for_50_sessions_as_for_1(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    PageContactPersonFactory(page=series)
    make_sessions(series, 1)
    one, _ = count_queries(client, SERIES_LISTING)
    make_sessions(series, 49)
    fifty, data = count_queries(client, SERIES_LISTING)
    assert len(data["items"][0]["sessions"]) == 50
    assert fifty == one


@override_settings(WAGTAILAPI_LIMIT_MAX=50)
def test_series_listing_makes_as_many_queries_for_5_series_as_for_1(client, home):
    make_sessions(WebinarSeriesPageFactory(parent=home), 2)
    one, _ = count_queries(client, SERIES_LISTING)
    for _ in range(4):
        make_sessions(WebinarSeriesPageFactory(parent=home), 2)
    five, data = count_queries(client, SERIES_LISTING)
    assert [len(item["sessions"]) for item in data["items"]] == [2] * 5
    assert five == one
