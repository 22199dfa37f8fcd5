"""What a visitor meets first, in a real Chromium: "Anmäl dig" at the top leads to the form
after the programme, and a form sent empty says which field and starts the title with "Fel:";
axe-core finds no WCAG 2.1 A/AA violation on either."""

import pytest
from django.core.management import call_command

from wagtail_webinars.models import WebinarSeriesPage, WebinarSessionPage

from .axe import assert_no_axe_violations


@pytest.fixture
def session(home):
    call_command("webinars_load_demo", verbosity=0)
    series = WebinarSeriesPage.objects.live().get()
    return WebinarSessionPage.objects.child_of(series).live().order_by("start").first()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_call_at_the_top_leads_past_the_programme_to_the_form(
    live_server, browser_page, session, width
):
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.goto(live_server.url + session.url)
    call = browser_page.locator(".ww-registration-call__link")
    # Within the first screen, on a desktop and on a phone alike.
    assert call.bounding_box()["y"] < 900
    programme_top = browser_page.locator("#ww-programme-heading").bounding_box()["y"]
    form = browser_page.locator(f"#ww-registration-{session.pk}")
    assert form.bounding_box()["y"] > programme_top
    call.click()
    assert browser_page.url.endswith(f"#ww-registration-{session.pk}")
    assert 0 <= form.bounding_box()["y"] < 900
    assert_no_axe_violations(browser_page)


@pytest.mark.django_db(transaction=True)
def test_an_empty_form_names_each_field_and_the_title_says_fel(live_server, browser_page, session):
    browser_page.goto(live_server.url + session.url + f"#ww-registration-{session.pk}")
    browser_page.locator(f"#ww-registration-{session.pk} button[type=submit]").click()
    browser_page.wait_for_load_state()
    assert browser_page.title().startswith("Fel: ")
    summary = browser_page.locator(".ww-error-summary")
    assert summary.get_by_role("link", name="Skriv ditt namn.").count() == 1
    assert summary.get_by_role("link", name="Välj kommun eller region.").count() == 1
    assert_no_axe_violations(browser_page)
