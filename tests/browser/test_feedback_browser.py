"""The feedback widget in a real Chromium: by keyboard with JavaScript, by mouse without it, and
accessible (axe-core, WCAG 2.1 A/AA) in every state."""

from urllib.parse import urlsplit

import pytest

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback

from .axe import assert_no_axe_violations

WIDGET = "#ww-feedback"
LIVE = "[data-ww-feedback-live]"

pytestmark = pytest.mark.usefixtures("own_cache")


@pytest.fixture
def session_url(live_server, home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    return live_server.url + session.url


def assert_no_axe_violations_without_js(nojs_page, checker_page, context=None) -> None:
    """axe needs JavaScript, which the visitor's page has switched off: check the very same
    HTML, as the server sent it and at the same address, in a page that runs scripts."""
    parts = urlsplit(nojs_page.url)
    checker_page.goto(f"{parts.scheme}://{parts.netloc}/kalender/webbinarier/no-such-page/")
    checker_page.set_content(nojs_page.content())
    assert_no_axe_violations(checker_page, context)


def active_element_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


@pytest.mark.django_db(transaction=True)
def test_answered_no_with_a_comment_by_keyboard_alone(browser_page, session_url):
    page = browser_page
    page.goto(session_url)
    assert_no_axe_violations(page, WIDGET)

    page.focus(WIDGET)
    page.keyboard.press("Tab")  # Ja
    page.keyboard.press("Tab")  # Nej
    assert page.evaluate("() => document.activeElement.textContent") == "Nej"
    page.keyboard.press("Enter")

    page.wait_for_selector("#ww-feedback-comment")
    assert active_element_id(page) == "ww-feedback-comment"
    assert page.url == session_url  # no reload
    assert_no_axe_violations(page, WIDGET)
    page.keyboard.type("Jag saknade länken till sändningen, ring 070-123 45 67")
    page.keyboard.press("Tab")  # Skicka
    page.keyboard.press("Enter")

    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.includes('Tack för att du hjälper oss!')"
        " && !document.querySelector('#ww-feedback-comment')",
        arg=LIVE,
    )
    assert active_element_id(page) == "ww-feedback"
    assert_no_axe_violations(page, WIDGET)
    feedback = Feedback.objects.get()
    assert feedback.helpful is False
    assert feedback.comment == "Jag saknade länken till sändningen, ring [telefon]"


@pytest.mark.django_db(transaction=True)
def test_yes_with_javascript_is_thanked_through_the_live_region(browser_page, session_url):
    page = browser_page
    page.goto(session_url)

    page.get_by_role("button", name="Ja", exact=True).click()

    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.includes('Tack för att du hjälper oss!')",
        arg=LIVE,
    )
    assert page.url == session_url
    assert Feedback.objects.get().helpful is True


@pytest.mark.django_db(transaction=True)
def test_a_too_long_comment_with_javascript_shows_the_error_and_keeps_the_text(
    browser_page, session_url
):
    page = browser_page
    page.goto(session_url)
    page.get_by_role("button", name="Nej", exact=True).click()
    page.wait_for_selector("#ww-feedback-comment")
    text = "Ord " * 320
    page.fill("#ww-feedback-comment", text)
    page.get_by_role("button", name="Skicka", exact=True).click()

    page.wait_for_selector("#ww-feedback-comment[aria-invalid='true']")
    assert page.input_value("#ww-feedback-comment") == text.strip()
    assert active_element_id(page) == "ww-feedback-comment"
    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.includes('Skriv högst 1\u00a0250 tecken')",
        arg=LIVE,
    )
    assert_no_axe_violations(page, WIDGET)


@pytest.mark.django_db(transaction=True)
def test_answered_yes_without_javascript_returns_to_the_widget_with_thanks(
    nojs_page, browser_page, session_url
):
    page = nojs_page
    page.goto(session_url)
    assert_no_axe_violations_without_js(page, browser_page, WIDGET)

    page.get_by_role("button", name="Ja", exact=True).click()

    page.wait_for_url("**#ww-feedback")
    assert page.url.startswith(session_url)
    assert "Tack för att du hjälper oss!" in page.inner_text(WIDGET)
    assert_no_axe_violations_without_js(page, browser_page, WIDGET)
    assert Feedback.objects.get().helpful is True


@pytest.mark.django_db(transaction=True)
def test_answered_no_with_a_comment_without_javascript(nojs_page, browser_page, session_url):
    page = nojs_page
    page.goto(session_url)

    page.get_by_role("button", name="Nej", exact=True).click()
    page.wait_for_url("**ww_feedback=comment**")
    assert_no_axe_violations_without_js(page, browser_page, WIDGET)
    page.fill("#ww-feedback-comment", "Tiden för sändningen")
    page.get_by_role("button", name="Skicka", exact=True).click()

    page.wait_for_url("**ww_feedback=thanks#ww-feedback")
    assert "Tack för att du hjälper oss!" in page.inner_text(WIDGET)
    assert Feedback.objects.get().comment == "Tiden för sändningen"


@pytest.mark.django_db(transaction=True)
def test_the_error_page_without_javascript_is_accessible_and_keeps_the_text(
    nojs_page, browser_page, session_url
):
    page = nojs_page
    page.goto(session_url)
    page.get_by_role("button", name="Nej", exact=True).click()
    page.wait_for_url("**ww_feedback=comment**")
    text = "Ord " * 320
    page.fill("#ww-feedback-comment", text)
    page.get_by_role("button", name="Skicka", exact=True).click()

    page.wait_for_selector("#ww-feedback-comment[aria-invalid='true']")
    assert page.input_value("#ww-feedback-comment") == text.strip()
    assert_no_axe_violations_without_js(page, browser_page)
