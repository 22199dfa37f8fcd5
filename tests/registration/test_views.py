"""Registration on the web: the form on the session and series pages, the result page, the
personal cancel page, private (view-restricted) sessions and RegistrationFormBlock, through
Django's test client."""

import datetime
import json
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.clock import START
from tests.factories import (
    PageViewRestrictionFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.blocks import RegistrationFormBlock
from wagtail_webinars.models import Registration, RegistrationQuestion, RegistrationStatus
from wagtail_webinars.registration.services import RegistrationRequest, register
from wagtail_webinars.registration.views import RESULT_SALT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]


def form_data(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "participants": "Anna-Lena Pogulis",
        "question_to_speaker": "Hur bemöter man ett drev?",
        "consent": "on",
    }
    data.update(overrides)
    return data


def register_url(session):
    return reverse("wagtail_webinars:session_register", args=[session.pk])


def someone(n):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja"
    )


# --- the form on the session page -------------------------------------------------------------


def test_session_page_shows_its_registration_form(client, session):
    html = client.get(session.url).content.decode()
    assert f'<h2 id="ww-reg-{session.pk}-heading">Anmäl dig</h2>' in html
    assert f'action="{register_url(session)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_session_page_says_why_registration_is_closed(client, session):
    session.status = "cancelled"
    session.save_revision().publish()
    html = client.get(session.url).content.decode()
    assert "Anmälan är stängd eftersom webbinariet är inställt." in html
    assert 'name="email"' not in html


def test_full_session_without_waiting_list_says_it_is_full(client, session):
    session.registration_capacity = 1
    session.registration_waitlist = False
    session.save_revision().publish()
    register(session, someone(1))
    html = client.get(session.url).content.decode()
    assert "Alla platser är tagna." in html
    assert 'name="email"' not in html


def test_form_says_places_left(client, session):
    session.registration_capacity = 5
    session.save_revision().publish()
    assert "5 platser kvar." in client.get(session.url).content.decode()


# --- sending it -------------------------------------------------------------------------------


def test_registration_redirects_to_a_result_page_that_says_confirmed(client, session):
    response = client.post(register_url(session), form_data())
    assert response.status_code == 302
    result = client.get(response["Location"])
    assert "Du är anmäld. Din plats är bekräftad." in result.content.decode()
    registration = Registration.objects.get()
    assert (registration.status, registration.participants) == ("confirmed", ["Anna-Lena Pogulis"])


def test_registration_stores_the_consent_text_the_visitor_saw(client, session):
    client.post(register_url(session), form_data())
    assert Registration.objects.get().consent_text == (
        "Jag godkänner att mina uppgifter sparas och används för att hantera min anmälan till "
        "webbinariet."
    )


def test_registration_sends_the_confirmation_email(
    client, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(session), form_data())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to[0].endswith("<lena@kiruna.example>")


def test_registration_beyond_capacity_says_waiting_list(client, session):
    session.registration_capacity = 1
    session.save_revision().publish()
    register(session, someone(1))
    response = client.post(register_url(session), form_data(participants=""), follow=True)
    assert "Du står på väntelistan." in response.content.decode()
    assert Registration.objects.get(email="lena@kiruna.example").status == "waitlisted"


def test_invalid_form_keeps_everything_typed(client, session):
    response = client.post(register_url(session), form_data(email="inte-en-adress"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="inte-en-adress"' in html
    assert 'value="Lena Lindgren"' in html
    assert "Hur bemöter man ett drev?</textarea>" in html
    assert re.search(r'<option value="2584"[^>]*selected', html)
    assert not Registration.objects.exists()


def test_error_summary_links_to_each_field_with_an_error(client, session):
    html = client.post(register_url(session), form_data(email="", consent="")).content.decode()
    summary = html.split('class="ww-error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in html.split('class="ww-error-summary"', 1)[0][-200:] + summary
    assert f'href="#ww-reg-{session.pk}-email"' in summary
    assert f'href="#ww-reg-{session.pk}-consent"' in summary
    assert "Det finns fel i din anmälan" in summary


def test_error_is_shown_at_its_field_and_linked_to_the_input(client, session):
    html = client.post(register_url(session), form_data(email="")).content.decode()
    assert f'<p class="ww-error" id="ww-reg-{session.pk}-email_error">' in html
    email_input = re.search(r"<input[^>]*name=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in email_input
    assert f"ww-reg-{session.pk}-email_error" in email_input


def test_errors_are_in_english_for_an_english_visitor(client, session):
    html = client.post(
        register_url(session), form_data(consent=""), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "You need to agree before you can register." in html


def test_form_post_without_csrf_token_is_refused(session):
    response = Client(enforce_csrf_checks=True).post(register_url(session), form_data())
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_filled_honeypot_registers_nobody_and_keeps_what_was_typed(client, session):
    response = client.post(register_url(session), form_data(ww_website="http://spam.example"))
    assert response.status_code == 200
    assert 'value="Lena Lindgren"' in response.content.decode()
    assert not Registration.objects.exists()


def test_second_registration_with_the_same_email_looks_new_and_resends_the_confirmation(
    client, session, django_capture_on_commit_callbacks
):
    first = client.post(register_url(session), form_data())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(session), form_data(name="Någon annan"))
    # The same redirect to the same result page: a stranger cannot tell.
    assert (response.status_code, response["Location"]) == (302, first["Location"])
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to[0].endswith("<lena@kiruna.example>")


def test_registration_after_the_start_says_why_and_keeps_what_was_typed(client, session):
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        response = client.post(register_url(session), form_data())
    html = response.content.decode()
    assert "Anmälan är stängd eftersom webbinariet har börjat." in html
    assert 'value="Lena Lindgren"' in html
    assert not Registration.objects.exists()


@override_settings(WAGTAIL_WEBINARS={"REGISTRATION_RATE_LIMIT": "2/m"})
def test_too_many_posts_from_one_address_are_refused_keeping_what_was_typed(client, session):
    for n in range(2):
        client.post(register_url(session), form_data(email=f"person{n}@kiruna.example"))
    response = client.post(register_url(session), form_data(email="tredje@kiruna.example"))
    assert response.status_code == 429
    assert 'value="tredje@kiruna.example"' in response.content.decode()
    assert Registration.objects.count() == 2


def test_editor_question_is_asked_and_its_answer_stored(client, session):
    RegistrationQuestion.objects.create(
        page=session, label="Din roll", clean_name="roll", field_type="singleline", required=True
    )
    html = client.get(register_url(session)).content.decode()
    assert "Din roll" in html
    client.post(register_url(session), form_data(answer_roll="Kommunstyrelsens ordförande"))
    assert Registration.objects.get().answers == {"roll": "Kommunstyrelsens ordförande"}


def test_unpublished_session_has_no_registration_form(client, session):
    session.unpublish()
    assert client.get(register_url(session)).status_code == 404


# --- the result page --------------------------------------------------------------------------


def test_tampered_result_link_is_not_found(client, session):
    response = client.post(register_url(session), form_data())
    assert client.get(response["Location"].rstrip("/") + "x/").status_code == 404


def test_result_page_shows_the_answer_as_sent_and_no_registration_id(client, session):
    # The page answers an address that was already registered too, so it shows what the
    # answer said then; a promotion later reaches the visitor by e-mail.
    session.registration_capacity = 1
    session.save_revision().publish()
    register(session, someone(1))
    location = client.post(register_url(session), form_data(participants=""))["Location"]
    assert "väntelistan" in client.get(location).content.decode()
    assert signing.loads(location.split("/")[-2], salt=RESULT_SALT) == {
        "results": [[session.pk, "waitlisted", ""]],
        "back": session.pk,
        "participants": [],
    }


# --- series -----------------------------------------------------------------------------------


@pytest.fixture
def series(home):
    series = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    for month, day in ((3, 13), (4, 10), (5, 8)):
        start = datetime.datetime(2027, month, day, 9, 0, tzinfo=datetime.UTC)
        WebinarSessionPageFactory(
            parent=series, start=start, end=start + datetime.timedelta(minutes=90)
        )
    return series


def test_series_page_shows_one_form_with_every_date_ticked(client, series):
    html = client.get(series.url).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="sessions"[^>]*>', html)
    assert len(boxes) == 3
    assert all("checked" in box for box in boxes)


def test_series_form_registers_for_the_ticked_dates(client, series):
    sessions = list(series.get_sessions_queryset().order_by("start"))
    url = reverse("wagtail_webinars:series_register", args=[series.pk])
    data = form_data(sessions=[str(sessions[0].pk), str(sessions[2].pk)])
    response = client.post(url, data, follow=True)
    registered = Registration.objects.order_by("session__start").values_list(
        "session_id", flat=True
    )
    assert list(registered) == [sessions[0].pk, sessions[2].pk]
    assert response.content.decode().count("Din plats är bekräftad.") == 2


def test_series_form_lists_dates_that_are_closed_with_the_reason(client, series):
    first = series.get_sessions_queryset().order_by("start").first()
    first.registration_enabled = False
    first.save_revision().publish()
    html = client.get(series.url).content.decode()
    assert "Datum som du inte kan anmäla dig till:" in html
    assert "Det går inte att anmäla sig till det här webbinariet." in html
    assert len(re.findall(r'name="sessions"', html)) == 2


def test_series_form_leaves_a_full_date_unticked_and_says_it_is_full(client, series):
    first = series.get_sessions_queryset().order_by("start").first()
    first.registration_capacity = 1
    first.save_revision().publish()
    register(first, someone(1))
    html = client.get(series.url).content.decode()
    full_box = re.search(rf'<input type="checkbox" name="sessions" value="{first.pk}"[^>]*>', html)
    assert full_box and "checked" not in full_box.group(0)
    label = html.split(full_box.group(0), 1)[1].split("</label>", 1)[0]
    assert "Fullbokat – väntelista" in label
    others = re.findall(r'<input type="checkbox" name="sessions"[^>]*>', html)
    assert sum("checked" in box for box in others) == 2


def test_after_a_series_registration_the_result_page_leads_back_to_the_series(client, series):
    sessions = list(series.get_sessions_queryset().order_by("start"))
    url = reverse("wagtail_webinars:series_register", args=[series.pk])
    response = client.post(url, form_data(sessions=[str(sessions[1].pk)]), follow=True)
    html = response.content.decode()
    assert f'<a href="{series.url}">Tillbaka till {series.title}</a>' in html


def test_the_result_page_names_the_further_participants(client, session):
    response = client.post(
        register_url(session), form_data(participants="Anna-Lena Pogulis\nVian Tahir"), follow=True
    )
    html = response.content.decode()
    assert "<li>Anna-Lena Pogulis</li><li>Vian Tahir</li>" in html


def test_a_result_link_signed_before_the_back_link_still_opens(client, session):
    signed = signing.dumps([[session.pk, "confirmed", ""]], salt=RESULT_SALT, compress=True)
    response = client.get(reverse("wagtail_webinars:registration_result", args=[signed]))
    assert response.status_code == 200
    assert "Din plats är bekräftad." in response.content.decode()


# --- cancelling -------------------------------------------------------------------------------


@pytest.fixture
def registration(session):
    return register(session, someone(1)).registration


def cancel_url(registration):
    return reverse("wagtail_webinars:registration_cancel", kwargs={"token": registration.token})


def test_opening_the_cancel_link_shows_what_would_be_cancelled_and_cancels_nothing(
    client, registration
):
    html = client.get(cancel_url(registration), follow=True).content.decode()
    assert "Det demokratiska samtalet" in html
    assert "Ja, avanmäl mig" in html
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_posting_the_cancel_form_cancels_and_says_so(client, registration):
    response = client.post(cancel_url(registration), follow=True)
    assert "Du är avanmäld" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_cancel_form_needs_the_csrf_token(registration):
    response = Client(enforce_csrf_checks=True).post(cancel_url(registration))
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_unknown_cancel_link_says_it_does_not_work(client, db, site):
    response = client.get(
        reverse("wagtail_webinars:registration_cancel", kwargs={"token": "x" * 64})
    )
    assert response.status_code == 404
    assert "Länken fungerar inte" in response.content.decode()


# --- private (view-restricted) sessions ------------------------------------------------------


@pytest.fixture
def password_protected_session(session):
    PageViewRestrictionFactory(page=session)
    return session


@pytest.fixture
def members_only_session(session):
    PageViewRestrictionFactory(page=session, restriction_type=PageViewRestriction.LOGIN)
    return session


def test_html_registration_for_a_private_session_is_not_found(client, password_protected_session):
    response = client.get(register_url(password_protected_session))

    assert response.status_code == 404


def test_a_visitor_allowed_to_see_a_private_session_can_register_from_its_form(
    client, members_only_session
):
    client.force_login(get_user_model().objects.create_user("lena", password="x"))
    page = client.get(members_only_session.url).content.decode()
    url = register_url(members_only_session)

    response = client.post(url, form_data())

    assert f'action="{url}"' in page
    assert response.status_code == 302
    assert Registration.objects.filter(session=members_only_session).count() == 1


def test_a_visitor_not_allowed_to_see_a_private_session_cannot_register(
    client, members_only_session
):
    url = register_url(members_only_session)

    assert client.post(url, form_data()).status_code == 404
    assert not Registration.objects.exists()


# --- the block --------------------------------------------------------------------------------


def test_registration_block_renders_the_chosen_sessions_form_on_a_host_page(rf, session):
    # The block is for a host's own pages (a news item); our pages show their own form.
    block = RegistrationFormBlock()
    request = rf.get("/nyheter/")
    html = block.render(block.to_python({"page": session.pk}), context={"request": request})
    assert f'action="{register_url(session)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_registration_block_for_an_unpublished_page_renders_nothing(session):
    session.unpublish()
    block = RegistrationFormBlock()
    value = block.to_python({"page": session.pk})
    assert block.render(value).strip() == ""


def test_registration_block_for_a_private_session_renders_nothing(password_protected_session):
    block = RegistrationFormBlock()
    value = block.to_python({"page": password_protected_session.pk})

    assert block.render(value).strip() == ""


def test_registration_block_for_a_session_under_a_private_series_renders_nothing(home):
    series = WebinarSeriesPageFactory(parent=home, title="Intern serie")
    PageViewRestrictionFactory(page=series)
    session = WebinarSessionPageFactory(
        parent=series, start=START, end=START + datetime.timedelta(minutes=90)
    )
    block = RegistrationFormBlock()

    assert block.render(block.to_python({"page": session.pk})).strip() == ""


def test_webinar_without_registration_shows_no_registration_section(client, session):
    session.registration_enabled = False
    session.save_revision().publish()
    assert "ww-registration" not in client.get(session.url).content.decode()


# --- "Anmäl dig" at the top, the form after the programme ---------------------------------------


def _session_with_programme(session):
    session.programme = json.dumps([{"type": "paragraph", "value": "<p>Om drev och näthat</p>"}])
    session.save_revision().publish()
    return session


def test_the_session_page_links_to_the_form_from_the_top_and_shows_the_programme_first(
    client, session
):
    _session_with_programme(session)
    html = client.get(session.url).content.decode()
    call = html.index(f'href="#ww-registration-{session.pk}"')
    programme = html.index('id="ww-programme-heading"')
    form = html.index(f'id="ww-registration-{session.pk}"')
    assert call < programme < form


def test_the_call_at_the_top_says_the_places_left(client, session):
    session.registration_capacity = 10
    session.save_revision().publish()
    html = client.get(session.url).content.decode()
    call = html.split('class="ww-registration-call"', 1)[1].split("</div>", 1)[0]
    assert ">Anmäl dig</a>" in call
    assert "10 platser kvar." in call


def test_the_call_at_the_top_of_a_full_session_offers_the_waiting_list(client, session):
    session.registration_capacity = 1
    session.save_revision().publish()
    register(session, someone(1))
    html = client.get(session.url).content.decode()
    call = html.split('class="ww-registration-call"', 1)[1].split("</div>", 1)[0]
    assert ">Fullbokat – anmäl dig till väntelistan</a>" in call


def test_an_editor_can_put_the_form_before_the_programme(client, session):
    session.registration_form_placement = "before_programme"
    _session_with_programme(session)
    html = client.get(session.url).content.decode()
    form = html.index(f'id="ww-registration-{session.pk}"')
    assert form < html.index('id="ww-programme-heading"')
    # The form is right there: no link at the top pointing at it.
    assert 'class="ww-registration-call"' not in html


def test_the_series_page_links_to_its_form_from_the_top(client, series):
    series.body = json.dumps([{"type": "paragraph", "value": "<p>Om serien</p>"}])
    series.save_revision().publish()
    html = client.get(series.url).content.decode()
    call = html.index(f'href="#ww-registration-{series.pk}"')
    assert (
        call < html.index('id="ww-about-heading"') < html.index(f'id="ww-registration-{series.pk}"')
    )
    assert (
        ">Anmäl dig</a>" in html.split('class="ww-registration-call"', 1)[1].split("</div>", 1)[0]
    )


def test_a_series_without_upcoming_dates_has_no_link_at_the_top(client, home):
    series = WebinarSeriesPageFactory(parent=home, title="Tom serie")
    assert 'class="ww-registration-call"' not in client.get(series.url).content.decode()
