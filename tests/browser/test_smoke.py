import pytest

from tests.factories import WebinarSessionPageFactory

from .axe import assert_no_axe_violations


@pytest.mark.django_db(transaction=True)
def test_session_page_has_no_axe_violations(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    browser_page.goto(live_server.url + session.url)
    assert browser_page.locator("h1").inner_text() == "Det demokratiska samtalet"
    assert_no_axe_violations(browser_page)


@pytest.mark.django_db(transaction=True)
def test_second_transactional_test_still_has_a_site(live_server, browser_page, home):
    session = WebinarSessionPageFactory(parent=home, title="Andra")
    browser_page.goto(live_server.url + session.url)
    assert browser_page.locator("h1").inner_text() == "Andra"
