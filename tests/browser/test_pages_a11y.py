"""The demo's series, session and listing pages in a real Chromium: axe-core finds no WCAG 2.1
A/AA violation, each page has exactly one h1 and its headings never skip a level."""

import pytest
from django.core.management import call_command

from wagtail_webinars.models import WebinarListingPage, WebinarSeriesPage, WebinarSessionPage

from .axe import assert_no_axe_violations

# Every heading's level, in document order, as a screen reader's heading list shows them.
HEADING_LEVELS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter((h) => h.offsetParent !== null || h.closest('details'))
    .map((h) => Number(h.tagName.substring(1)))"""


@pytest.fixture
def demo(home):
    call_command("webinars_load_demo", verbosity=0)
    series = WebinarSeriesPage.objects.live().get()
    session = WebinarSessionPage.objects.child_of(series).live().order_by("start").first()
    listing = WebinarListingPage.objects.live().first()
    if listing is None:
        listing = home.add_child(
            instance=WebinarListingPage(title="Webbinarier", slug="webbinarier")
        )
    return {"series": series, "session": session, "listing": listing}


def assert_heading_outline(page) -> None:
    levels = page.evaluate(HEADING_LEVELS)
    assert levels.count(1) == 1, levels
    assert levels[0] == 1, levels
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert skips == [], levels


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["series", "session", "listing"])
def test_demo_page_is_accessible(live_server, browser_page, demo, which):
    response = browser_page.goto(live_server.url + demo[which].url)
    assert response.status == 200
    assert browser_page.locator("h1").inner_text() == demo[which].title
    assert_heading_outline(browser_page)
    assert_no_axe_violations(browser_page)


@pytest.mark.django_db(transaction=True)
def test_past_sessions_view_of_the_listing_is_accessible(live_server, browser_page, demo):
    browser_page.goto(live_server.url + demo["listing"].url)
    browser_page.get_by_role("link", name="Visa tidigare webbinarier").click()
    assert "show=past" in browser_page.url
    assert_heading_outline(browser_page)
    assert_no_axe_violations(browser_page)


@pytest.mark.django_db(transaction=True)
def test_session_page_is_usable_without_javascript(live_server, nojs_page, demo):
    nojs_page.goto(live_server.url + demo["session"].url)
    assert nojs_page.locator("main h1").count() == 1
    # The calendar link and the FAQ answers work without any script.
    assert (
        nojs_page.get_by_role(
            "link", name=f"Lägg till {demo['session'].title} i din kalender"
        ).count()
        == 1
    )
    summary = nojs_page.locator("details.ww-faq summary").first
    summary.click()
    assert nojs_page.locator("details.ww-faq").first.get_attribute("open") is not None
