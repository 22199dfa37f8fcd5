"""What a visitor meets first, in a real Chromium: "Anmäl dig" at the top leads to the form
after the programme, and a form sent empty says which field and starts the title with "Fel:";
axe-core finds no WCAG 2.1 A/AA violation on either."""

from pathlib import Path

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


@pytest.mark.django_db(transaction=True)
def test_an_editor_may_put_the_form_before_the_programme(live_server, browser_page, session):
    session.registration_form_placement = "before_programme"
    session.save_revision().publish()
    browser_page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(live_server.url + session.url)
    form = browser_page.locator(f"#ww-registration-{session.pk}")
    programme_top = browser_page.locator("#ww-programme-heading").bounding_box()["y"]
    assert form.bounding_box()["y"] < programme_top
    # The form is right there, so no link at the top points down to it.
    assert browser_page.locator(".ww-registration-call").count() == 0
    assert_no_axe_violations(browser_page)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_series_page_has_anmal_dig_at_the_top_leading_to_its_form(
    live_server, browser_page, session, width
):
    series = session.series
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.goto(live_server.url + series.url)
    call = browser_page.get_by_role("link", name="Anmäl dig")
    assert call.bounding_box()["y"] < 900
    form = browser_page.locator(f"#ww-registration-{series.pk}")
    assert form.bounding_box()["y"] > browser_page.locator("#ww-about-heading").bounding_box()["y"]
    call.click()
    assert browser_page.url.endswith(f"#ww-registration-{series.pk}")
    assert -1 < form.bounding_box()["y"] < 900  # scrolled to it (less a sub-pixel)
    assert_no_axe_violations(browser_page)


@pytest.fixture
def example_site_shell(settings):
    """The example site's own base.html and stylesheet around our pages, as scripts/demo.sh
    serves them."""
    example = Path(__file__).resolve().parents[2] / "example_project" / "example_project"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [example / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    settings.STATICFILES_DIRS = [example / "static"]


@pytest.mark.django_db(transaction=True)
def test_the_example_site_is_swedish_and_does_not_scroll_sideways_on_a_phone(
    live_server, browser_page, session, example_site_shell
):
    browser_page.set_viewport_size({"width": 390, "height": 844})
    response = browser_page.goto(live_server.url + session.url)
    assert response.status == 200
    assert browser_page.locator("link[href$='example_project/site.css']").count() == 1
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert browser_page.locator("a.skip").text_content() == "Hoppa till innehållet"
    assert browser_page.get_by_role("navigation", name="Huvudmeny").count() == 1
    assert_no_axe_violations(browser_page)
