"""The visitor pages: what a visitor reads on a series, a session and a listing page. (How dates
are written: test_dates.py; the heading outline and embeds: test_markup.py; the schema.org
Event: test_structured_data.py.)"""

import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from tests.clock import NOW, STOCKHOLM
from tests.factories import (
    NoticeFactory,
    PageContactPersonFactory,
    PageSpeakerFactory,
    WebinarListingPageFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.blocks import HeadingBlock
from wagtail_webinars.models import ComputedStatus, SessionStatus

pytestmark = pytest.mark.django_db


class _Outline(HTMLParser):
    """Heading levels of a document, in order, and the landmarks it has."""

    def __init__(self):
        super().__init__()
        self.levels: list[int] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def skipped_levels(levels: list[int]) -> list[tuple[int, int]]:
    return [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


def at(month, day, hour, minute=0, year=2027):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


# --- the session ------------------------------------------------------------------------------


def test_session_must_end_after_it_starts(home):
    start = timezone.now()
    session = WebinarSessionPageFactory.build(start=start, end=start)
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean()
    assert "end" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("offset_minutes", "expected"),
    [(-10, ComputedStatus.UPCOMING), (30, ComputedStatus.LIVE), (200, ComputedStatus.ENDED)],
)
def test_live_and_ended_follow_from_the_clock(home, offset_minutes, expected):
    start = timezone.now()
    session = WebinarSessionPageFactory.build(start=start, end=start + datetime.timedelta(hours=1))
    assert (
        session.get_computed_status(start + datetime.timedelta(minutes=offset_minutes)) == expected
    )


def test_cancelled_session_stays_cancelled_whatever_the_clock(home):
    session = WebinarSessionPageFactory.build(status=SessionStatus.CANCELLED)
    assert session.get_computed_status(session.start) == ComputedStatus.CANCELLED


def test_session_page_renders_inside_host_base_template(client, home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    PageSpeakerFactory(page=session, speaker__name="Vian Tahir", role="Inspiratör")
    PageContactPersonFactory(page=session, contact__name="Lena Lindgren")
    response = client.get(session.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-host-header" in html and "data-host-footer" in html
    assert "Inspiratör:" in html and "Vian Tahir" in html
    assert "Lena Lindgren" in html
    assert html.count("<h1") == 1


def test_session_page_shows_the_speakers_short_bio(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageSpeakerFactory(
        page=session,
        speaker__name="Vian Tahir",
        speaker__bio="Forskar om näthat.\nHar skrivit boken Drevet.",
    )
    html = client.get(session.url).content.decode()
    assert '<p class="ww-speaker__bio">Forskar om näthat.<br>Har skrivit boken Drevet.</p>' in html


def test_a_speaker_without_a_bio_gets_no_empty_paragraph(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageSpeakerFactory(page=session, speaker__bio="")
    assert "ww-speaker__bio" not in client.get(session.url).content.decode()


def test_cancelled_session_says_so_in_text_and_offers_no_stream(client, home):
    session = WebinarSessionPageFactory(
        parent=home,
        status=SessionStatus.CANCELLED,
        status_note="Vi återkommer med ett nytt datum.",
        stream_url="https://play.example.org/live",
    )
    html = client.get(session.url).content.decode()
    assert "Inställt: Vi återkommer med ett nytt datum." in html
    assert "Webbinariet är inställt och sänds inte." in html
    assert "https://play.example.org/live" not in html
    assert "calendar.ics" not in html


def test_postponed_session_says_so_in_text(client, home):
    session = WebinarSessionPageFactory(parent=home, status=SessionStatus.POSTPONED)
    html = client.get(session.url).content.decode()
    assert "Uppskjutet" in html
    assert "Webbinariet är uppskjutet." in html


def test_public_stream_url_is_shown_before_the_broadcast(client, home):
    session = WebinarSessionPageFactory(parent=home, stream_url="https://play.example.org/live")
    html = client.get(session.url).content.decode()
    link = f'<a class="ww-broadcast__link" href="https://play.example.org/live">Se sändningen av {session.title}</a>'
    assert link in html
    # Once, and as link text: the address itself is not printed beside it (the schema.org
    # Event in the page's JSON-LD carries it for machines).
    assert html.count('href="https://play.example.org/live"') == 1
    assert ">https://play.example.org/live<" not in html


def test_recording_link_names_the_session_after_the_broadcast(client, home):
    start = timezone.now() - datetime.timedelta(days=2)
    session = WebinarSessionPageFactory(
        parent=home,
        title="Hur hanterar man ett drev?",
        start=start,
        recording_url="https://play.example.org/inspelning",
    )
    html = client.get(session.url).content.decode()
    assert "Se inspelningen av Hur hanterar man ett drev?</a>" in html


def test_session_page_has_one_h1_and_no_skipped_heading_level(client, home):
    """Editors' heading levels, rich-text headings and the after-broadcast block's h2/h3 are
    re-levelled so the whole page's outline holds."""
    session = WebinarSessionPageFactory(
        parent=home,
        programme=[
            ("heading", {"text": "Hur hanterar man ett drev?", "level": "h4"}),
            ("paragraph", "<h4>Bakgrund</h4><p>Text</p>"),
            ("bullet_list", {"intro": "", "items": ["Kritik och drev"]}),
            (
                "after_broadcast",
                {
                    "heading": "Efter webbsändningen",
                    "text": "<p>Samtala</p>",
                    "discussion_questions": ["Hur skapar vi tillit?"],
                    "documents": [],
                },
            ),
            ("heading", {"text": "Ytterligare tillfällen", "level": "h4"}),
        ],
    )
    PageContactPersonFactory(page=session, role="Frågor om anmälan")
    html = client.get(session.url).content.decode()
    levels = outline(html).levels
    assert levels.count(1) == 1 and levels[0] == 1
    assert skipped_levels(levels) == [], levels
    assert '<h3 class="ww-heading">Hur hanterar man ett drev?</h3>' in html


def test_a_new_heading_block_is_an_h3_under_the_programmes_h2():
    assert HeadingBlock().get_default()["level"] == "h3"


def test_session_page_has_a_main_landmark_and_json_ld(client, home):
    session = WebinarSessionPageFactory(parent=home)
    html = client.get(session.url).content.decode()
    assert outline(html).tags.count("main") == 1
    assert '<script type="application/ld+json">' in html


def test_session_in_a_series_lists_the_other_dates_of_the_series(client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    first = WebinarSessionPageFactory(
        parent=series, title="Första", start=timezone.now() + datetime.timedelta(days=1)
    )
    WebinarSessionPageFactory(
        parent=series, title="Andra", start=timezone.now() + datetime.timedelta(days=30)
    )
    html = client.get(first.url).content.decode()
    assert "En seminarieserie" in html
    assert '<span class="ww-session-list__title" aria-current="page">Första</span>' in html
    assert ">Andra</a>" in html


# --- the series -------------------------------------------------------------------------------


def test_series_lists_upcoming_sessions_first_then_past(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    now = timezone.now()
    past = WebinarSessionPageFactory(
        parent=series, title="Förra", start=now - datetime.timedelta(days=3)
    )
    later = WebinarSessionPageFactory(
        parent=series, title="Senare", start=now + datetime.timedelta(days=9)
    )
    soon = WebinarSessionPageFactory(
        parent=series, title="Snart", start=now + datetime.timedelta(days=2)
    )
    upcoming, past_sessions = series.get_sessions()
    assert [s.pk for s in upcoming] == [soon.pk, later.pk]
    assert [s.pk for s in past_sessions] == [past.pk]


@time_machine.travel(NOW, tick=False)
def test_series_page_shows_upcoming_then_past_sessions_with_their_dates(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    WebinarSessionPageFactory(parent=series, title="Förra", start=at(10, 6, 10, year=2026))
    WebinarSessionPageFactory(parent=series, title="Senare", start=at(4, 10, 10))
    WebinarSessionPageFactory(parent=series, title="Snart", start=at(3, 13, 10))
    html = client.get(series.url).content.decode()
    order = [
        html.index(text)
        for text in (
            "Kommande webbinarier",
            ">Snart</a>",
            "lördag 13 mars 2027 kl. 10.00–11.30",
            ">Senare</a>",
            "Tidigare webbinarier",
            ">Förra</a>",
            "tisdag 6 oktober 2026 kl. 10.00–11.30",
        )
    ]
    assert order == sorted(order)


def test_cancelled_session_is_marked_in_the_series_list(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    WebinarSessionPageFactory(parent=series, status=SessionStatus.CANCELLED)
    html = client.get(series.url).content.decode()
    assert '<span class="ww-status ww-status--cancelled">Inställt</span>' in html


def test_series_page_has_one_h1_and_no_skipped_heading_level(client, home):
    series = WebinarSeriesPageFactory(
        parent=home,
        body=[("heading", {"text": "Syftet", "level": "h4"}), ("paragraph", "<h4>Mer</h4>")],
    )
    WebinarSessionPageFactory(parent=series)
    levels = outline(client.get(series.url).content.decode()).levels
    assert levels.count(1) == 1
    assert skipped_levels(levels) == [], levels


# --- the listing ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@override_settings(WAGTAIL_WEBINARS={"BASE_TEMPLATE": "base.html", "LISTING_PER_PAGE": 2})
def test_listing_is_paginated_soonest_first(client, home):
    listing = WebinarListingPageFactory(parent=home)
    for day in (3, 1, 2):
        WebinarSessionPageFactory(parent=home, title=f"Mars {day}", start=at(3, day, 10))
    first = client.get(listing.url).content.decode()
    second = client.get(listing.url + "?page=2").content.decode()
    assert first.index("Mars 1") < first.index("Mars 2") and "Mars 3" not in first
    assert "Sida 1 av 2" in first and 'href="?page=2" rel="next">Nästa sida</a>' in first
    assert "Mars 3" in second and "Mars 1" not in second


@time_machine.travel(NOW, tick=False)
def test_listing_shows_past_sessions_on_request(client, home):
    listing = WebinarListingPageFactory(parent=home)
    WebinarSessionPageFactory(parent=home, title="Hölls i oktober", start=at(10, 6, 10, year=2026))
    WebinarSessionPageFactory(parent=home, title="Kommer i mars", start=at(3, 13, 10))
    upcoming = client.get(listing.url).content.decode()
    past = client.get(listing.url + "?show=past").content.decode()
    assert "Kommer i mars" in upcoming and "Hölls i oktober" not in upcoming
    assert "Visa tidigare webbinarier</a>" in upcoming
    assert "Hölls i oktober" in past and "Kommer i mars" not in past
    assert "Visa kommande webbinarier</a>" in past


def test_listing_with_an_out_of_range_page_shows_the_first(client, home):
    listing = WebinarListingPageFactory(parent=home)
    WebinarSessionPageFactory(parent=home, title="Enda")
    response = client.get(listing.url + "?page=99")
    assert response.status_code == 200 and "Enda" in response.content.decode()


def test_listing_page_has_one_h1_and_no_skipped_heading_level(client, home):
    listing = WebinarListingPageFactory(parent=home)
    WebinarSessionPageFactory(parent=home)
    levels = outline(client.get(listing.url).content.decode()).levels
    assert levels[0] == 1 and levels.count(1) == 1
    assert skipped_levels(levels) == []


# --- notices ----------------------------------------------------------------------------------


def test_notice_shown_only_within_its_dates(client, home):
    session = WebinarSessionPageFactory(parent=home)
    NoticeFactory(title="Aktuell notis")
    NoticeFactory(
        title="Gammal notis",
        show_from=timezone.now() - datetime.timedelta(days=10),
        show_until=timezone.now() - datetime.timedelta(days=5),
    )
    html = client.get(session.url).content.decode()
    assert "Aktuell notis" in html
    assert "Gammal notis" not in html


def test_the_explorer_shows_a_sessions_date_beside_its_title(home):
    start = datetime.datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)
    session = WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    assert session.get_admin_display_title() == "Det demokratiska samtalet (2027-03-16 10:00)"


def test_the_explorer_lists_a_sessions_date(admin_client, home):
    start = datetime.datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)
    WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet",
        start=start,
        end=start + datetime.timedelta(hours=1),
    )
    html = admin_client.get(f"/admin/pages/{home.pk}/").content.decode()
    assert "Det demokratiska samtalet (2027-03-16 10:00)" in html


def test_the_series_text_comes_under_its_heading_before_the_form(client, home):
    series = WebinarSeriesPageFactory(parent=home, body=[("paragraph", "<p>Om serien</p>")])
    WebinarSessionPageFactory(
        parent=series,
        start=NOW + datetime.timedelta(days=7),
        end=NOW + datetime.timedelta(days=7, hours=1),
    )
    html = client.get(series.url).content.decode()
    text = html.index("<p>Om serien</p>")
    assert html.index('<h2 id="ww-about-heading">Om webbinarieserien</h2>') < text
    assert text < html.index(f'id="ww-registration-{series.pk}"')


def test_an_editor_deletes_a_series_with_its_sessions_in_the_admin(admin_client, home):
    # django-treebeard deletes through .only("path", "depth", "numchild"), which Django 6.1
    # refused beside the manager's join of the locale: a 500 in the admin.
    from django.urls import reverse
    from wagtail.models import Page

    series = WebinarSeriesPageFactory(parent=home)
    session = WebinarSessionPageFactory(parent=series)
    alone = WebinarSessionPageFactory(parent=home)
    for page in (series, alone):
        response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
        assert response.status_code == 302
    assert not Page.objects.filter(pk__in=[series.pk, session.pk, alone.pk]).exists()
    assert home.get_children().count() == 0
