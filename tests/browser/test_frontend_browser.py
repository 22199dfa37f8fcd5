"""A frontend on another origin (issue 9), in Chromium: a static page of a municipality's own
(tests/browser/frontend/, written from docs/api.md with nothing but fetch()) served from a second
loopback origin that is listed in ``CORS_ALLOWED_ORIGINS``, the one list. It reads the series and
sessions from API v2, renders the registration form from the ``registration`` object alone,
registers, shows field errors, gets the same answer for a duplicate, joins the waiting list,
cancels with the token and answers the feedback question. The same page from a third, unlisted
origin writes nothing.

What frontend/app.js reads of the JSON answers, so that an envelope change is easy to follow:
the registration's 201 ``status``, ``message`` and ``places``; the 400 ``errors``, an object of
lists of messages keyed by field name (``email``, ``answers.kost``, ``__all__``); any other
status's ``message``; the cancellation's 200 ``status``; of feedback only the status code 201.
API v2: ``items``, ``id``, ``title``, ``lead``, ``start``, ``computed_status``, ``sessions`` and
``registration`` (``state``, ``open``, ``message``, ``capacity``, ``places_left``, ``fields``
with ``name``/``label``/``type``/``required``/``help_text``/``choices``/``max_length``,
``consent.version``, ``privacy_policy_url``, ``endpoint``, ``ics_url``).
"""

import contextlib
import functools
import http.server
import json
import pathlib
import re
import threading
import urllib.parse

import pytest
from django.core import mail

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.models import Registration, RegistrationQuestion
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_rate_limits")]

FRONTEND = pathlib.Path(__file__).resolve().parent / "frontend"
PREFIX = "/kalender/webbinarier/"  # where tests/urls.py includes our URLs


@contextlib.contextmanager
def static_origin():
    """tests/browser/frontend/ served by a threaded http.server on 127.0.0.1:<free port>; yields
    the origin. (live_server is http://localhost:<another port>: another origin.)"""
    handler = functools.partial(QuietHandler, directory=str(FRONTEND))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def frontend(live_server, settings):
    """The frontend's origin, listed once in ``CORS_ALLOWED_ORIGINS`` (``ALLOWED_FRONTEND_ORIGINS``
    left at its default, which follows that list); returns a function giving the URL of a view."""
    with static_origin() as origin:
        settings.CORS_ALLOWED_ORIGINS = [origin]
        yield functools.partial(view_url, origin, live_server.url)


def view_url(origin, server, **query):
    query = {"api": f"{server}/api/v2/", "webinars": f"{server}{PREFIX}", **query}
    return f"{origin}/index.html?{urllib.parse.urlencode(query)}"


@pytest.fixture
def console_errors(browser_page):
    """Errors in the page (a CORS refusal, an exception); Chromium's line for each 4xx answer, which
    the frontend reads as documented, is left out."""
    errors = []
    expected = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")

    def on_console(message):
        if message.type == "error" and not expected.match(message.text):
            errors.append(message.text)

    browser_page.on("console", on_console)
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def open_view(page, url):
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    assert not page.locator(".load-error").count(), "the frontend could not read the API"


def fill_about_you(page, name="Lena Lindgren", email="lena@kiruna.example"):
    page.fill("[name=name]", name)
    page.fill("[name=email]", email)
    page.fill("[name=organisation]", "Kiruna kommun")
    page.select_option("[name=municipality_code]", "2584")
    page.check("[name=consent]")


def submit(page):
    page.click("#registration button[type=submit]")


def cancel_token_from(message) -> str:
    match = re.search(rf"{PREFIX}registrations/cancel/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_the_frontend_lists_series_and_their_sessions_from_api_v2(
    frontend, browser_page, console_errors, home
):
    series = WebinarSeriesPageFactory(parent=home, title="Demokrati", lead="Om demokratin.")
    first = WebinarSessionPageFactory(parent=series, title="Det demokratiska samtalet")
    alone = WebinarSessionPageFactory(parent=home, title="Utan serie")
    open_view(browser_page, frontend())
    article = browser_page.locator(f"[data-series='{series.pk}']")
    assert article.locator("h3").inner_text() == "Demokrati"
    assert article.locator("li a").all_inner_texts() == ["Det demokratiska samtalet"]
    upcoming = browser_page.locator("#upcoming li").evaluate_all(
        "items => items.map(li => Number(li.dataset.session))"
    )
    assert sorted(upcoming) == sorted([first.pk, alone.pk])
    assert console_errors == []


def test_the_form_comes_from_the_api_and_registers_after_a_field_error(
    frontend, browser_page, console_errors, home
):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    RegistrationQuestion.objects.create(
        page=session, label="Kost", clean_name="kost", field_type="dropdown",
        choices="Vegetarisk\nVegansk", required=True, help_text="Om vi bjuder på lunch",
    )  # fmt: skip
    RegistrationQuestion.objects.create(
        page=session, label="Intressen", clean_name="intressen", field_type="checkboxes",
        choices="Skola\nVård", required=False,
    )  # fmt: skip
    page = browser_page
    open_view(page, frontend(session=session.pk))
    assert page.locator("#registration").get_attribute("data-state") == "open"
    # The editor's questions, as the editor wrote them, rendered from `fields` alone.
    assert page.inner_text("label[for=field-answers-kost]") == "Kost"
    assert page.locator("[name='answers.kost'] option").all_inner_texts() == [
        "Välj…", "Vegetarisk", "Vegansk",
    ]  # fmt: skip
    assert page.locator("[data-field='answers.intressen'] legend").inner_text() == (
        "Intressen (valfritt)"
    )
    fill_about_you(page, email="inte-en-adress")
    page.check("[name='answers.intressen'][value=Vård]")
    submit(page)

    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("[data-error-for=email]").count() == 1
    assert page.locator("[data-error-for='answers.kost']").count() == 1
    assert page.get_attribute("[name=email]", "aria-invalid") == "true"
    assert "error-email" in page.get_attribute("[name=email]", "aria-describedby").split()
    assert not Registration.objects.exists()

    page.fill("[name=email]", "lena@kiruna.example")
    page.select_option("[name='answers.kost']", "Vegansk")
    shown_consent = page.inner_text("label[for=field-consent]")
    submit(page)
    outcome = page.wait_for_selector("[data-outcome=confirmed]")
    assert outcome.inner_text().startswith("Du är anmäld.")
    registration = Registration.objects.get()
    assert registration.session_id == session.pk
    assert registration.status == "confirmed"
    assert registration.email == "lena@kiruna.example"
    assert registration.municipality_code == "2584"
    assert registration.answers == {"kost": "Vegansk", "intressen": ["Vård"]}
    # The consent text stored is the one the frontend showed (its version was sent back).
    assert registration.consent_text == shown_consent
    assert console_errors == []


def test_a_duplicate_gets_the_same_answer_and_saves_nothing(
    frontend, browser_page, console_errors, home
):
    session = WebinarSessionPageFactory(parent=home)
    page = browser_page
    answers = []
    for name in ("Lena Lindgren", "Någon annan"):
        open_view(page, frontend(session=session.pk))
        fill_about_you(page, name=name)
        submit(page)
        answers.append(page.wait_for_selector("[data-outcome]").inner_text())
    # docs/registration.md: the same status and body, nothing saved, the e-mail sent again.
    assert answers[0] == answers[1]
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "confirmed"
    assert list(Registration.objects.filter(session=session).values_list("name", flat=True)) == [
        "Lena Lindgren"
    ]
    assert ["lena@kiruna.example" in m.to[0] for m in mail.outbox] == [True, True]
    assert console_errors == []


def test_a_full_session_offers_the_waiting_list_and_cancelling_promotes(
    frontend, browser_page, console_errors, home
):
    session = WebinarSessionPageFactory(
        parent=home, registration_capacity=1, registration_waitlist=True
    )
    page = browser_page
    open_view(page, frontend(session=session.pk))
    assert page.inner_text(".places") == "Platser kvar: 1 av 1"
    fill_about_you(page, name="Första", email="forsta@kiruna.example")
    submit(page)
    page.wait_for_selector("[data-outcome=confirmed]")
    token = cancel_token_from(mail.outbox[-1])

    # The API says the session is full now, without a publish; the form offers the waiting list.
    open_view(page, frontend(session=session.pk))
    assert page.locator("#registration").get_attribute("data-state") == "waiting_list"
    assert page.inner_text(".places") == "Platser kvar: 0 av 1"
    assert page.inner_text("#registration button[type=submit]") == "Ställ dig på väntelistan"
    fill_about_you(page, name="Andra", email="andra@kiruna.example")
    submit(page)
    outcome = page.wait_for_selector("[data-outcome=waitlisted]")
    assert "väntelista" in outcome.inner_text()
    assert Registration.objects.get(email="andra@kiruna.example").status == "waitlisted"

    # The first cancels with the token from her e-mail; the second moves up.
    open_view(page, frontend(cancel=token))
    page.click("button[type=submit]")
    page.wait_for_selector("[data-outcome=cancelled]")
    assert Registration.objects.get(email="forsta@kiruna.example").status == "cancelled"
    assert Registration.objects.get(email="andra@kiruna.example").status == "confirmed"
    assert console_errors == []


def test_the_feedback_question_is_answered_from_the_frontend(
    frontend, browser_page, console_errors, home
):
    session = WebinarSessionPageFactory(parent=home)
    page = browser_page
    open_view(page, frontend(session=session.pk))
    page.click("#feedback button[data-helpful=false]")
    page.fill("#feedback-comment", "Jag saknade tiden för nästa tillfälle")
    page.click("#feedback button[type=submit]")
    page.wait_for_selector("[data-outcome=feedback]")
    answer = Feedback.objects.get()
    assert answer.page_id == session.pk
    assert answer.helpful is False
    assert answer.comment == "Jag saknade tiden för nästa tillfälle"
    assert console_errors == []


def test_a_page_on_an_unlisted_origin_cannot_write(
    frontend, live_server, browser_page, caplog, home
):
    session = WebinarSessionPageFactory(parent=home)
    booked = register(
        session, RegistrationRequest(name="Bo", email="bo@kommun.example", consent_text="ja")
    )
    mail.outbox.clear()
    writes = {
        f"{PREFIX}api/sessions/{session.pk}/registrations/": {
            "name": "Mallory", "email": "m@example.org", "organisation": "X",
            "municipality_code": "other", "consent": True,
        },
        f"{PREFIX}api/registrations/cancel/": {"token": booked.registration.token},
        f"{PREFIX}api/feedback/": {"page": session.pk, "helpful": False, "comment": "spam"},
    }  # fmt: skip
    page = browser_page
    with static_origin() as unlisted:
        # Reading is public, but API v2 answers this origin without CORS headers, so the browser
        # keeps the body from the script: the frontend cannot even show the form.
        page.goto(view_url(unlisted, live_server.url, session=session.pk))
        page.wait_for_selector("body[data-ready=true]")
        assert page.locator(".load-error").count() == 1
        # A script there that posts anyway. A JSON body needs a preflight, which gets no CORS
        # answer, so the POST is never sent; a text/plain body is sent, and refused with 403.
        for path, body in writes.items():
            for content_type in ("application/json", "text/plain"):
                outcome = page.evaluate(
                    """([url, body, type]) => fetch(url, {method: "POST", body,
                           headers: {"Content-Type": type}}).then(r => "read " + r.status, e => e.name)""",
                    [live_server.url + path, json.dumps(body), content_type],
                )
                assert outcome == "TypeError", (path, content_type)
    # The browser hides the refusal from the script; Django's request log has it, once per path.
    refused = {
        path: [getattr(r, "status_code", None) for r in caplog.records
               if r.name == "django.request" and path in r.getMessage()]
        for path in writes
    }  # fmt: skip
    assert refused == dict.fromkeys(writes, [403])
    assert list(Registration.objects.values_list("email", "status")) == [
        ("bo@kommun.example", "confirmed")
    ]
    assert not Feedback.objects.exists()
    assert mail.outbox == []
