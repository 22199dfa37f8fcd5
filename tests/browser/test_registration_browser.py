"""Registration in a real Chromium: no axe violations in any state, a registration made with the
keyboard alone, and one with JavaScript switched off."""

import pytest
from django.urls import reverse

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration
from wagtail_webinars.registration.services import RegistrationRequest, register

from .axe import assert_no_axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_rate_limits")]


def someone(n):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja"
    )


def register_url(live_server, session):
    return live_server.url + reverse("wagtail_webinars:session_register", args=[session.pk])


def fill_form(page, prefix):
    page.fill(f"#{prefix}name", "Lena Lindgren")
    page.fill(f"#{prefix}email", "lena@kiruna.example")
    page.fill(f"#{prefix}organisation", "Kiruna kommun")
    page.select_option(f"#{prefix}municipality_code", "2584")
    page.check(f"#{prefix}consent")


def prefix_of(session):
    return f"ww-reg-{session.pk}-"


# --- every state, checked with axe -------------------------------------------------------------


def test_empty_form_on_the_session_page_has_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    browser_page.goto(live_server.url + session.url)
    assert browser_page.locator(f"#ww-reg-{session.pk}-heading").inner_text() == "Anmäl dig"
    assert_no_axe_violations(browser_page)


def test_form_with_errors_has_no_axe_violations_and_focuses_the_summary(
    live_server, browser_page, home
):
    session = WebinarSessionPageFactory(parent=home)
    browser_page.goto(register_url(live_server, session))
    browser_page.fill(f"#{prefix_of(session)}email", "inte-en-adress")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector(".ww-error-summary")
    assert browser_page.evaluate("document.activeElement.classList.contains('ww-error-summary')")
    assert browser_page.locator(f"#{prefix_of(session)}email").input_value() == "inte-en-adress"
    assert_no_axe_violations(browser_page)


def test_confirmed_result_has_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home)
    browser_page.goto(register_url(live_server, session))
    fill_form(browser_page, prefix_of(session))
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector(".ww-result--confirmed")
    assert_no_axe_violations(browser_page)


def test_waiting_list_result_has_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home, registration_capacity=1)
    register(session, someone(1))
    browser_page.goto(register_url(live_server, session))
    fill_form(browser_page, prefix_of(session))
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector(".ww-result--waitlisted")
    assert_no_axe_violations(browser_page)


def test_full_session_has_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(
        parent=home, registration_capacity=1, registration_waitlist=False
    )
    register(session, someone(1))
    browser_page.goto(live_server.url + session.url)
    assert "Alla platser är tagna." in browser_page.inner_text(".ww-registration")
    assert_no_axe_violations(browser_page)


def test_closed_registration_has_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home, status="cancelled")
    browser_page.goto(live_server.url + session.url)
    assert "inställt" in browser_page.inner_text(".ww-registration")
    assert_no_axe_violations(browser_page)


def test_cancel_page_and_its_result_have_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home)
    registration = register(session, someone(1)).registration
    url = reverse("wagtail_webinars:registration_cancel", kwargs={"token": registration.token})
    browser_page.goto(live_server.url + url)
    assert_no_axe_violations(browser_page)
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector("text=Du är avanmäld")
    # The person cancelled; "Inställt" would say the webinar itself was called off.
    summary = browser_page.inner_text(".ww-cancel")
    assert "Avanmäld" in summary
    assert "Inställt" not in summary
    assert_no_axe_violations(browser_page)


# --- keyboard only ------------------------------------------------------------------------------


def tab_to(page, selector, limit=40):
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_registration_with_the_keyboard_alone(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home)
    prefix = prefix_of(session)
    page = browser_page
    page.goto(live_server.url + session.url)
    tab_to(page, f"#{prefix}name")
    page.keyboard.type("Lena Lindgren")
    page.keyboard.press("Tab")
    page.keyboard.type("lena@kiruna.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Kiruna kommun")
    page.keyboard.press("Tab")
    page.keyboard.type("Kiruna")
    assert page.locator(f"#{prefix}municipality_code").input_value() == "2584"
    tab_to(page, f"#{prefix}consent")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ww-result--confirmed")
    assert Registration.objects.get().municipality_code == "2584"


# --- without JavaScript -------------------------------------------------------------------------


def test_registration_without_javascript(live_server, nojs_page, home):
    session = WebinarSessionPageFactory(parent=home)
    nojs_page.goto(live_server.url + session.url)
    fill_form(nojs_page, prefix_of(session))
    nojs_page.click(f"#ww-registration-{session.pk} button[type=submit]")
    nojs_page.wait_for_selector(".ww-result--confirmed")
    assert "Du är anmäld. Din plats är bekräftad." in nojs_page.inner_text("main")
    assert Registration.objects.get().status == "confirmed"
