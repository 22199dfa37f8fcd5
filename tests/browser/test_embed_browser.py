"""The embed on a host page of another loopback origin, under a strict CSP (no 'unsafe-inline'
for scripts or styles): it lists the sessions, registers, shows field errors, by keyboard,
with no axe violations, no CSP violation and no cookie."""

import datetime
import http.server
import pathlib
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import Registration
from wagtail_webinars.registration.services import RegistrationRequest, register

from .axe import AXE_PATH, assert_no_axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_rate_limits")]
SCREENSHOTS = pathlib.Path(__file__).resolve().parent / "screenshots"


def host_page(script_url, body, lang="sv"):
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>Kommunen</title><script src="{script_url}" defer></script></head>
<body><main><h1>Kommunens webbinarier</h1>{body}</main></body></html>"""


@pytest.fixture
def host(live_server, settings):
    """A municipality's page on 127.0.0.1:<port> (live_server is localhost:<other port>)."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/axe.min.js":
                body, kind = AXE_PATH.read_bytes(), "text/javascript"
            else:
                body, kind = pages.get(self.path, "").encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'none'; script-src 'self' {live_server.url}; "
                f"connect-src {live_server.url}; style-src {live_server.url}; img-src 'self'",
            )
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "ALLOWED_FRONTEND_ORIGINS": [origin]}
    script = live_server.url + reverse("wagtail_webinars:embed_script")

    def serve(path, body, lang="sv"):
        pages[path] = host_page(script, body, lang)
        return origin + path

    yield serve
    server.shutdown()


@pytest.fixture
def csp_errors(browser_page):
    errors = []
    browser_page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return errors


def add_axe(page, host_url):
    page.add_script_tag(url=host_url.rsplit("/", 1)[0] + "/axe.min.js")


def test_the_list_shows_upcoming_sessions_of_a_series_under_a_strict_csp(
    host, browser_page, csp_errors, home
):
    series = WebinarSeriesPageFactory(parent=home, title="Demokrati")
    session = WebinarSessionPageFactory(parent=series, title="Det demokratiska samtalet")
    WebinarSessionPageFactory(parent=home, title="Annan serie")
    url = host(
        "/lista",
        f'<ww-webinars series="{series.pk}"><a href="{session.full_url}">Våra webbinarier</a></ww-webinars>',
    )
    page = browser_page
    page.goto(url)
    page.wait_for_selector("ww-webinars .ww-session-list")
    titles = page.locator("ww-webinars .ww-session-list__title").all_inner_texts()
    assert titles == ["Det demokratiska samtalet"]
    assert page.locator("ww-webinars h2").inner_text() == "Kommande webbinarier"
    # The host's font reaches our text: nothing of ours sets a font family.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.ww-session-list__title')).fontFamily"
        " === getComputedStyle(document.body).fontFamily"
    )
    add_axe(page, url)
    assert_no_axe_violations(page)
    assert csp_errors == []
    assert page.context.cookies() == []
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 600})
        page.screenshot(path=str(SCREENSHOTS / f"embed-list-{width}.png"), full_page=True)


def test_the_list_speaks_english_on_an_english_page(host, browser_page, home):
    WebinarSessionPageFactory(parent=home, title="Democracy")
    browser_page.goto(host("/en", "<ww-webinars></ww-webinars>", lang="en"))
    browser_page.wait_for_selector("ww-webinars .ww-session-list")
    assert browser_page.locator("ww-webinars h2").inner_text() == "Upcoming webinars"


def test_without_scripts_the_pasted_link_is_shown(host, nojs_page, home):
    session = WebinarSessionPageFactory(parent=home)
    nojs_page.goto(
        host(
            "/nojs",
            f'<ww-registration session="{session.pk}"><a href="{session.full_url}">Anmäl dig på webbinariets sida</a></ww-registration>',
        )
    )
    assert nojs_page.get_attribute("ww-registration a", "href") == session.full_url


def tab_to(page, selector, limit=60):
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_registration_by_keyboard_with_errors_then_201(host, browser_page, csp_errors, home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    url = host(
        "/anmal",
        f'<ww-registration session="{session.pk}"><a href="{session.full_url}">Anmäl dig</a></ww-registration>',
    )
    page = browser_page
    page.goto(url)
    prefix = f"#ww-embed-{session.pk}-"
    page.wait_for_selector(f"{prefix}name")
    add_axe(page, url)
    assert_no_axe_violations(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"embed-form-{width}.png"), full_page=True)
    tab_to(page, f"{prefix}name")
    page.keyboard.type("Lena Lindgren")
    page.keyboard.press("Tab")
    page.keyboard.type("inte-en-adress")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("ww-registration .ww-error-summary")
    assert page.evaluate("document.activeElement.classList.contains('ww-error-summary')")
    described = page.get_attribute(f"{prefix}email", "aria-describedby")
    assert f"ww-embed-{session.pk}-email-error" in described.split()
    assert page.get_attribute(f"{prefix}email", "aria-invalid") == "true"
    assert_no_axe_violations(page)
    screenshots(page, "embed-errors")
    page.fill(f"{prefix}email", "lena@kiruna.example")
    page.fill(f"{prefix}organisation", "Kiruna kommun")
    page.select_option(f"{prefix}municipality_code", "2584")
    tab_to(page, f"{prefix}consent")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("ww-registration .ww-result--confirmed")
    assert page.evaluate("document.activeElement.classList.contains('ww-result')")
    assert (
        page.locator("ww-registration .ww-result a", has_text="Lägg till i kalendern").count() == 1
    )
    assert Registration.objects.get().municipality_code == "2584"
    assert_no_axe_violations(page)
    assert csp_errors == []
    assert page.context.cookies() == []


# --- a full session, and registration closed --------------------------------------------------


def someone(n):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja"
    )


def fill_by_keyboard(page, prefix, email):
    """The required fields and the consent box, by keyboard alone, then Enter on the button."""
    tab_to(page, f"{prefix}name")
    page.keyboard.type("Lena Lindgren")
    tab_to(page, f"{prefix}email")
    page.keyboard.type(email)
    tab_to(page, f"{prefix}organisation")
    page.keyboard.type("Kiruna kommun")
    tab_to(page, f"{prefix}municipality_code")
    page.keyboard.type("Kiruna")
    tab_to(page, f"{prefix}consent")
    page.keyboard.press("Space")
    tab_to(page, "ww-registration button[type=submit]")
    page.keyboard.press("Enter")


def screenshots(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_full_session_offers_the_waiting_list_and_takes_a_place_on_it_by_keyboard(
    host, browser_page, csp_errors, home
):
    session = WebinarSessionPageFactory(
        parent=home, registration_capacity=1, registration_waitlist=True
    )
    register(session, someone(1))
    url = host(
        "/fullt",
        f'<ww-registration session="{session.pk}"><a href="{session.full_url}">Anmäl dig</a></ww-registration>',
    )
    page = browser_page
    page.goto(url)
    prefix = f"#ww-embed-{session.pk}-"
    page.wait_for_selector(f"{prefix}name")
    offer = page.locator("ww-registration .ww-registration__state")
    assert "väntelista" in offer.inner_text()
    assert "ww-registration__state--closed" not in offer.get_attribute("class")
    assert page.inner_text("ww-registration button[type=submit]") == "Ställ dig på väntelistan"
    add_axe(page, url)
    assert_no_axe_violations(page)
    screenshots(page, "embed-waitlist")
    fill_by_keyboard(page, prefix, "lena@kiruna.example")
    page.wait_for_selector("ww-registration .ww-result--waitlisted")
    assert page.evaluate("document.activeElement.classList.contains('ww-result')")
    # No calendar entry for a place not held; the offer no longer stands beside the result.
    assert page.locator("ww-registration .ww-result a").count() == 0
    assert page.locator("ww-registration .ww-registration__state").count() == 0
    assert Registration.objects.get(email="lena@kiruna.example").status == "waitlisted"
    assert_no_axe_violations(page)
    screenshots(page, "embed-waitlisted")
    assert csp_errors == []
    assert page.context.cookies() == []


@pytest.mark.parametrize("why", ["closed", "full"])
def test_closed_registration_says_why_and_shows_no_form(why, host, browser_page, csp_errors, home):
    if why == "closed":
        session = WebinarSessionPageFactory(
            parent=home, registration_closes_at=timezone.now() - datetime.timedelta(hours=1)
        )
    else:
        session = WebinarSessionPageFactory(
            parent=home, registration_capacity=1, registration_waitlist=False
        )
        register(session, someone(1))
    url = host(
        f"/stangt-{why}",
        f'<ww-registration session="{session.pk}"><a href="{session.full_url}">Anmäl dig</a></ww-registration>',
    )
    page = browser_page
    page.goto(url)
    state = page.wait_for_selector("ww-registration .ww-registration__state--closed")
    assert state.inner_text()
    assert page.locator("ww-registration form").count() == 0
    # The session's own page is still a link away, by keyboard too.
    tab_to(page, f"ww-registration a[href='{session.full_url}']")
    add_axe(page, url)
    assert_no_axe_violations(page)
    screenshots(page, f"embed-{why}")
    assert csp_errors == []
    assert page.context.cookies() == []


def test_a_form_that_filled_up_while_open_is_replaced_by_why_by_keyboard(
    host, browser_page, csp_errors, home
):
    session = WebinarSessionPageFactory(
        parent=home, registration_capacity=1, registration_waitlist=False
    )
    url = host(
        "/sist",
        f'<ww-registration session="{session.pk}"><a href="{session.full_url}">Anmäl dig</a></ww-registration>',
    )
    page = browser_page
    page.goto(url)
    prefix = f"#ww-embed-{session.pk}-"
    page.wait_for_selector(f"{prefix}name")
    assert page.inner_text("ww-registration .ww-registration__state") == "1 plats kvar."
    register(session, someone(1))  # the last place goes while the visitor is typing
    fill_by_keyboard(page, prefix, "lena@kiruna.example")
    # 409 full: the form, which can no longer be sent, gives way to the server's message, which
    # receives focus; the stale "1 plats kvar." goes with it.
    state = page.wait_for_selector(f"{prefix}state")
    assert page.evaluate(f"document.activeElement.id === '{prefix[1:]}state'")
    assert state.inner_text() == "Alla platser är tagna."
    assert page.locator("ww-registration .ww-registration__state").count() == 1
    assert page.locator("ww-registration form").count() == 0
    assert not Registration.objects.filter(email="lena@kiruna.example").exists()
    add_axe(page, url)
    assert_no_axe_violations(page)
    screenshots(page, "embed-filled-up")
    assert csp_errors == []
