"""The feedback panel in a real Chromium page editor, at 1280 px."""

import os

import pytest
from django.contrib.auth import get_user_model

from tests.browser.axe import axe_violations
from wagtail_webinars.feedback.models import Feedback, FeedbackPageSetting

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = os.environ.get("WW_SCREENSHOT_DIR")


@pytest.fixture
def editor_page(live_server, browser_page, home):
    get_user_model().objects.create_superuser("redaktor", "redaktor@skr.example", "hemligt-123")
    browser_page.set_viewport_size({"width": 1280, "height": 1000})
    browser_page.goto(live_server.url + "/admin/login/")
    browser_page.fill("#id_username", "redaktor")
    browser_page.fill("#id_password", "hemligt-123")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url("**/admin/")
    return browser_page


def open_editor(live_server, page, home):
    Feedback.objects.create(page=home, helpful=True)
    Feedback.objects.create(page=home, helpful=False, comment="Saknade öppettider")
    page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    page.wait_for_selector("[data-ww-feedback-panel] .w-panel")
    if SCREENSHOT_DIR:
        page.screenshot(path=f"{SCREENSHOT_DIR}/feedback-panel.png", full_page=True)
    return page.locator("[data-ww-feedback-panel]")


def test_the_panel_is_one_of_wagtails_panels_in_the_first_tab(live_server, editor_page, home):
    panel = open_editor(live_server, editor_page, home)

    assert (
        editor_page.locator("[role=tabpanel] [data-ww-feedback-panel] section.w-panel").count() == 1
    )
    assert panel.get_by_role("heading", name="Besökarnas svar om den här sidan").is_visible()
    assert panel.locator("button[type=submit]").count() == 0  # no save button of its own
    assert axe_violations(editor_page, "[data-ww-feedback-panel]") == []


def test_the_switch_is_saved_on_its_own_and_says_so(live_server, editor_page, home):
    panel = open_editor(live_server, editor_page, home)
    switch = panel.get_by_role(
        "checkbox", name="Fråga besökarna på den här sidan om informationen hjälpte dem"
    )

    assert "Sparas för sig så fort du slår om den" in panel.inner_text()
    assert switch.evaluate("input => input.form") is None  # never sent with the page
    panel.get_by_text("Fråga besökarna på den här sidan").click()  # the label, as a person does

    status = panel.locator("[data-ww-feedback-panel-status]")
    status.filter(has_text="Sparat: besökarna på den här sidan tillfrågas inte.").wait_for()
    assert FeedbackPageSetting.objects.get(page_id=home.pk).enabled is False


def test_the_panels_collapse_button_hides_its_content(live_server, editor_page, home):
    panel = open_editor(live_server, editor_page, home)

    panel.locator("[data-panel-toggle]").click()

    assert not panel.locator(".w-panel__content").is_visible()
