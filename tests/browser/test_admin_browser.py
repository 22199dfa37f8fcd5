"""The admin in a real Chromium: what an editor meets in their first hour."""

import pytest
from django.contrib.auth import get_user_model

from wagtail_webinars.models import WebinarSessionPage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(live_server, browser_page, home):
    """A browser page logged in to the Wagtail admin as a superuser, through the login form."""
    get_user_model().objects.create_superuser("redaktor", "redaktor@skr.example", "hemligt-123")
    browser_page.goto(live_server.url + "/admin/login/")
    browser_page.fill("#id_username", "redaktor")
    browser_page.fill("#id_password", "hemligt-123")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url("**/admin/")
    return browser_page


def test_an_editor_publishes_a_session_typing_only_title_dates_and_programme(
    live_server, editor_page, home
):
    page = editor_page
    page.goto(f"{live_server.url}/admin/pages/add/wagtail_webinars/webinarsessionpage/{home.pk}/")
    page.fill("#id_title", "Det demokratiska samtalet – har fått en hårdare ton")
    page.fill("#id_start", "2027-03-10 13:00")
    page.fill("#id_end", "2027-03-10 14:30")
    page.keyboard.press("Escape")
    page.locator("[id$='-programme-content'] button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Formaterad text").click()
    page.locator("[id$='-programme-content'] [contenteditable=true]").first.click()
    page.keyboard.type("Hur hanterar man ett drev?")
    # Draftail writes its hidden input a moment after the last key, as a person pauses.
    page.wait_for_function(
        "() => document.querySelector('[name=\"programme-0-value\"]').value.includes('drev')"
    )
    # Nothing typed on the "Marknadsför" tab: the slug comes from the title.
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.click("button[name=action-publish]")
    page.wait_for_url("**/admin/pages/*/")
    session = WebinarSessionPage.objects.get()
    assert session.live
    assert session.slug == "det-demokratiska-samtalet-har-fått-en-hårdare-ton"
    assert session.programme[0].block_type == "paragraph"
    response = page.goto(live_server.url + session.url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == session.title


def test_the_programme_menu_offers_neither_the_form_nor_the_feedback_question(
    live_server, editor_page, home
):
    page = editor_page
    page.goto(f"{live_server.url}/admin/pages/add/wagtail_webinars/webinarsessionpage/{home.pk}/")
    page.locator("[id$='-programme-content'] button.c-sf-add-button").first.click()
    menu = page.get_by_role("option")
    offered = [text.strip() for text in menu.all_inner_texts()]
    assert "Rubrik" in offered and "Formaterad text" in offered and "Efter webbsändningen" in offered
    assert "Anmälningsformulär" not in offered
    assert "Fråga om sidan hjälpte" not in offered


def test_an_editor_chooses_where_the_form_goes_and_the_page_follows(
    live_server, editor_page, home
):
    page = editor_page
    page.goto(f"{live_server.url}/admin/pages/add/wagtail_webinars/webinarsessionpage/{home.pk}/")
    page.fill("#id_title", "Att planera politiska processer")
    page.fill("#id_start", "2027-03-16 10:00")
    page.fill("#id_end", "2027-03-16 11:30")
    page.keyboard.press("Escape")
    placement = page.get_by_label("Var anmälningsformuläret visas")
    assert placement.input_value() == "after_programme"
    placement.select_option(label="Före programmet, direkt efter ingressen")
    page.locator("[id$='-programme-content'] button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Formaterad text").click()
    page.locator("[id$='-programme-content'] [contenteditable=true]").first.click()
    page.keyboard.type("Så förbereder du ett svårt beslut.")
    page.wait_for_function(
        "() => document.querySelector('[name=\"programme-0-value\"]').value.includes('beslut')"
    )
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.click("button[name=action-publish]")
    page.wait_for_url("**/admin/pages/*/")
    session = WebinarSessionPage.objects.get()
    assert session.registration_form_placement == "before_programme"
    page.goto(live_server.url + session.url)
    form_top = page.locator(f"#ww-registration-{session.pk}").bounding_box()["y"]
    assert form_top < page.locator("#ww-programme-heading").bounding_box()["y"]
