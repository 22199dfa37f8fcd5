"""A series with more dates than fit a page, in a real Chromium: its pages are reached by plain
links without JavaScript, the past dates open from their summary, and axe-core finds no WCAG 2.1
A/AA violation on the first page, the second, or the past dates opened.

With ``WW_SCREENSHOT_DIR`` set, the first page is also photographed there at 1280 and 390 px.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory

from .axe import assert_no_axe_violations
from .test_pages_a11y import assert_heading_outline

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def long_series(home):
    """45 upcoming dates and 25 past ones, 20 a page: three pages upcoming, two past."""
    series = WebinarSeriesPageFactory(
        parent=home, title="Det demokratiska samtalet", registration_capacity=40
    )
    now = timezone.now()
    for day in range(-25, 45):
        start = now + datetime.timedelta(days=day, hours=2)
        WebinarSessionPageFactory(
            parent=series,
            title=f"Del {day + 26}",
            start=start,
            end=start + datetime.timedelta(minutes=90),
        )
    return series


def test_upcoming_dates_are_paged_by_links_that_need_no_script(live_server, nojs_page, long_series):
    nojs_page.goto(live_server.url + long_series.url)
    upcoming = nojs_page.locator(".ww-sessions").first
    assert upcoming.locator(".ww-session-list__item").count() == 20
    assert "Sida 1 av 3" in upcoming.locator("[aria-current=page]").inner_text()
    upcoming.get_by_role("link", name="Nästa sida").click()
    assert "sida=2" in nojs_page.url
    upcoming = nojs_page.locator(".ww-sessions").first
    assert "Sida 2 av 3" in upcoming.locator("[aria-current=page]").inner_text()
    assert upcoming.get_by_text("Del 46", exact=True).count() == 1  # the 21st upcoming date
    assert_heading_outline(nojs_page)


def test_past_dates_open_from_their_summary_and_are_paged(live_server, nojs_page, long_series):
    nojs_page.goto(live_server.url + long_series.url)
    past = nojs_page.locator("details.ww-sessions__past")
    assert past.get_attribute("open") is None
    past.locator("summary").click()
    assert past.get_attribute("open") is not None
    past.get_by_role("link", name="Nästa sida").click()
    assert "tidigare=2" in nojs_page.url
    # The list the visitor asked for comes open, at its second page: the five earliest dates.
    past = nojs_page.locator("details.ww-sessions__past")
    assert past.get_attribute("open") is not None
    assert past.locator(".ww-session-list__item").count() == 5


@pytest.mark.parametrize("query", ["", "?sida=2", "?tidigare=2"])
def test_paged_series_is_accessible(live_server, browser_page, long_series, query):
    response = browser_page.goto(live_server.url + long_series.url + query)
    assert response.status == 200
    assert_heading_outline(browser_page)
    assert_no_axe_violations(browser_page)
    shots = os.environ.get("WW_SCREENSHOT_DIR")
    if shots and not query:
        for width in (1280, 390):
            browser_page.set_viewport_size({"width": width, "height": 900})
            browser_page.screenshot(
                path=str(Path(shots) / f"series-paged-{width}.png"), full_page=True
            )
            # Nothing on the page scrolls sideways on a phone.
            assert browser_page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"
            )
