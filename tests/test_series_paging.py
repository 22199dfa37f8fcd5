"""A series page shows ``SERIES_SESSIONS_PER_PAGE`` dates a page, upcoming and past each, with
plain links between the pages; a page number that is no page shows the first, never an error;
the series form groups many dates by month; and what it shows of places stays right while the
page's fragments are cached."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_cache")]


@pytest.fixture
def per_page_5(settings):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "SERIES_SESSIONS_PER_PAGE": 5}


@pytest.fixture
def series(home):
    """12 upcoming dates ("Kommande 1" soonest) and 7 past ones ("Tidigare 1" latest)."""
    series = WebinarSeriesPageFactory(parent=home, title="Serien")
    now = timezone.now()
    for n in range(1, 13):
        WebinarSessionPageFactory(
            parent=series, title=f"Kommande {n}", start=now + datetime.timedelta(days=n)
        )
    for n in range(1, 8):
        WebinarSessionPageFactory(
            parent=series, title=f"Tidigare {n}", start=now - datetime.timedelta(days=n)
        )
    return series


def titles(html: str, prefix: str) -> list[str]:
    return re.findall(rf">({prefix} \d+)</a>", html)


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_first_page_shows_the_soonest_dates_and_links_to_the_next(client, series, per_page_5):
    html = get(client, series.url)
    assert titles(html, "Kommande") == [f"Kommande {n}" for n in range(1, 6)]
    assert '<a href="?sida=2#ww-upcoming-heading" rel="next">Nästa sida</a>' in html
    assert '<li aria-current="page">Sida 1 av 3</li>' in html
    assert "Datum 1–5 av 12" in html
    assert "Föregående sida" not in html.split('id="ww-past-heading"')[0]


def test_a_later_page_shows_its_dates_and_links_back(client, series, per_page_5):
    html = get(client, series.url + "?sida=3")
    assert titles(html, "Kommande") == ["Kommande 11", "Kommande 12"]
    assert '<a href="?sida=2#ww-upcoming-heading" rel="prev">Föregående sida</a>' in html
    assert '<li aria-current="page">Sida 3 av 3</li>' in html


@pytest.mark.parametrize("number", ["0", "-1", "4", "99999999999999999999", "två", "1.5", ""])
def test_a_number_that_is_no_page_shows_the_first(client, series, per_page_5, number):
    html = get(client, f"{series.url}?sida={number}&tidigare={number}")
    assert titles(html, "Kommande") == [f"Kommande {n}" for n in range(1, 6)]
    assert titles(html, "Tidigare") == [f"Tidigare {n}" for n in range(1, 6)]


def test_past_dates_are_collapsed_and_paged_of_their_own(client, series, per_page_5):
    html = get(client, series.url)
    assert '<details class="ww-sessions__past">' in html
    assert "<summary>Visa de 7 tidigare webbinarierna</summary>" in html
    assert titles(html, "Tidigare") == [f"Tidigare {n}" for n in range(1, 6)]
    assert '<a href="?tidigare=2#ww-past-heading" rel="next">Nästa sida</a>' in html
    second = get(client, series.url + "?tidigare=2")
    # Asked for by its link, the list comes open, at its second page.
    assert '<details class="ww-sessions__past" open>' in second
    assert titles(second, "Tidigare") == ["Tidigare 6", "Tidigare 7"]
    assert titles(second, "Kommande") == [f"Kommande {n}" for n in range(1, 6)]


def test_each_page_is_cached_as_its_own_fragment(client, series, per_page_5):
    first = get(client, series.url)
    second = get(client, series.url + "?sida=2")
    assert titles(second, "Kommande") == [f"Kommande {n}" for n in range(6, 11)]
    # Served from the cache now: still each its own.
    assert titles(get(client, series.url), "Kommande") == titles(first, "Kommande")
    assert titles(get(client, series.url + "?sida=2"), "Kommande") == titles(second, "Kommande")


def test_a_series_that_fits_one_page_has_no_page_links(client, home):
    small = WebinarSeriesPageFactory(parent=home)
    WebinarSessionPageFactory(parent=small)
    WebinarSessionPageFactory(parent=small, start=timezone.now() - datetime.timedelta(days=2))
    html = get(client, small.url)
    assert 'class="ww-pagination"' not in html
    assert "<summary>Visa det tidigare webbinariet</summary>" in html


def series_form(client, series) -> str:
    return get(client, reverse("wagtail_webinars:series_register", args=[series.pk]))


def test_a_form_with_more_dates_than_a_page_groups_them_by_month_and_ticks_none(
    client, series, per_page_5
):
    html = series_form(client, series)
    assert html.count('<fieldset class="ww-dates-group"><legend>') >= 1
    dates = html.split('name="sessions"')
    assert len(dates) == 13  # the 12 upcoming dates, each a checkbox
    assert not any(" checked" in date.split(">")[0] for date in dates[1:])
    assert "Bocka i de datum du vill delta." in html


def test_a_form_with_few_dates_ticks_them_as_before(client, series):
    html = series_form(client, series)
    assert "ww-dates-group" not in html
    assert html.count('name="sessions"') == 12
    assert html.count(" checked") == 12
    assert "Bocka ur de datum du inte kan delta." in html


def test_a_date_that_fills_up_is_marked_full_on_the_cached_series_page(client, home):
    series = WebinarSeriesPageFactory(parent=home, registration_capacity=1)
    session = WebinarSessionPageFactory(parent=series, title="Enda")
    WebinarSessionPageFactory(parent=series, title="Andra")
    assert "Fullbokat" not in get(client, series.url)
    get(client, series.url)  # now every fragment and the empty form are cached
    register(
        session,
        RegistrationRequest(name="Första", email="forsta@kommun.example", consent_text="ja"),
    )
    html = get(client, series.url)
    assert re.search(r"Enda, [^<]*– Fullbokat – väntelista", html), html


def test_a_session_page_lists_a_page_of_its_series_dates_and_links_to_them_all(
    client, series, per_page_5
):
    session = series.get_children().specific().get(title="Kommande 2")
    html = get(client, session.url)
    section = html.split('id="ww-series-heading"')[1].split("</section>")[0]
    listed = re.findall(r"Kommande \d+", section)
    assert listed == [f"Kommande {n}" for n in range(1, 6)]
    assert f'<a href="{series.url}">Alla 12 kommande datum i serien</a>' in html
