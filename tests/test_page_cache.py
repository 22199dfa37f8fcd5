"""The cached fragments of session and series pages: every change shows at once, and a cache hit
costs fewer queries than a miss."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clock import NOW
from tests.factories import (
    ContactPersonFactory,
    NoticeFactory,
    PageContactPersonFactory,
    PageSpeakerFactory,
    SpeakerFactory,
    TechnicalHelpFAQFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars import page_cache
from wagtail_webinars.models import Registration, RegistrationQuestion

# A cache of these tests' own, so they neither see nor leave fragments of other tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_cache")]


@pytest.fixture
def no_expiry(settings):
    """Fragments kept until something makes them stale: travelling in time past the timeout
    would otherwise expire them and hide a missing time boundary."""
    settings.WAGTAIL_WEBINARS = {"CACHE_TIMEOUT": None}


@pytest.fixture
def session(home):
    series = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    session = WebinarSessionPageFactory(
        parent=series,
        title="Har fått en hårdare ton",
        start=NOW + datetime.timedelta(days=1),
        end=NOW + datetime.timedelta(days=1, minutes=90),
    )
    session.save_revision().publish()
    return session


def html(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def query_count(client, page) -> int:
    with CaptureQueriesContext(connection) as captured:
        html(client, page)
    return len(captured)


@time_machine.travel(NOW, tick=False)
def test_a_cache_hit_makes_fewer_queries_than_a_miss(client, session):
    PageSpeakerFactory(page=session)
    PageContactPersonFactory(page=session)
    NoticeFactory(show_from=NOW - datetime.timedelta(days=1))
    html(client, session)  # first-request costs (site root paths) out of the way
    cache.clear()
    miss = query_count(client, session)
    hit = query_count(client, session)
    assert hit < miss


@time_machine.travel(NOW, tick=False)
def test_no_caching_when_the_timeout_is_zero(client, session, settings):
    settings.WAGTAIL_WEBINARS = {"CACHE_TIMEOUT": 0}
    PageSpeakerFactory(page=session)
    html(client, session)
    with CaptureQueriesContext(connection) as captured:
        html(client, session)
    # Rendered again, not served from a cache: the speakers are read again.
    assert any("wagtail_webinars_pagespeaker" in q["sql"] for q in captured.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_publishing_the_page_shows_its_new_content(client, session):
    assert "Har fått en hårdare ton" in html(client, session)
    session.lead = "En ny ingress"
    session.save_revision().publish()
    assert "En ny ingress" in html(client, session)


@time_machine.travel(NOW, tick=False)
def test_publishing_a_speaker_shows_the_new_name(client, session):
    speaker = SpeakerFactory(name="Vian Tahir")
    PageSpeakerFactory(page=session, speaker=speaker)
    assert "Vian Tahir" in html(client, session)
    speaker.name = "Vian Tahir Andersson"
    speaker.save_revision().publish()
    assert "Vian Tahir Andersson" in html(client, session)


@time_machine.travel(NOW, tick=False)
def test_unpublishing_a_contact_person_removes_them(client, session):
    contact = ContactPersonFactory(name="Anna Projektledare")
    PageContactPersonFactory(page=session, contact=contact)
    assert "Anna Projektledare" in html(client, session)
    contact.unpublish()
    assert "Anna Projektledare" not in html(client, session)


@time_machine.travel(NOW, tick=False)
def test_deleting_a_notice_removes_it(client, session):
    notice = NoticeFactory(title="Nytt coronavirus", show_from=NOW - datetime.timedelta(days=1))
    assert "Nytt coronavirus" in html(client, session)
    notice.delete()
    assert "Nytt coronavirus" not in html(client, session)


@time_machine.travel(NOW, tick=False)
def test_publishing_the_faq_shows_its_new_title(client, session):
    faq = TechnicalHelpFAQFactory(title="Frågor och svar")
    session.technical_help = faq
    session.save_revision().publish()
    assert "Frågor och svar" in html(client, session)
    faq.title = "Frågor och svar om livesändning"
    faq.save_revision().publish()
    assert "Frågor och svar om livesändning" in html(client, session)


@time_machine.travel(NOW, tick=False)
def test_publishing_another_date_of_the_series_lists_it(client, session):
    assert "Ett nytt datum" not in html(client, session)
    other = WebinarSessionPageFactory(
        parent=session.get_parent(), title="Ett nytt datum", start=NOW + datetime.timedelta(days=30)
    )
    other.save_revision().publish()
    assert "Ett nytt datum" in html(client, session)


def test_the_page_says_live_once_the_session_has_started(client, session, no_expiry):
    with time_machine.travel(NOW, tick=False):
        assert "Live now" not in html(client, session)
        assert "Sänds nu" not in html(client, session)
    with time_machine.travel(session.start + datetime.timedelta(minutes=1), tick=False):
        assert "Sänds nu" in html(client, session) or "Live now" in html(client, session)


def test_a_notice_appears_and_expires_with_its_dates(client, session, no_expiry):
    NoticeFactory(
        title="Tillfällig notis",
        show_from=NOW + datetime.timedelta(hours=1),
        show_until=NOW + datetime.timedelta(hours=2),
    )
    with time_machine.travel(NOW, tick=False):
        assert "Tillfällig notis" not in html(client, session)
    with time_machine.travel(NOW + datetime.timedelta(hours=1, minutes=1), tick=False):
        assert "Tillfällig notis" in html(client, session)
    with time_machine.travel(NOW + datetime.timedelta(hours=2, minutes=1), tick=False):
        assert "Tillfällig notis" not in html(client, session)


def test_the_series_moves_a_session_to_past_dates_after_it_ends(client, session, no_expiry):
    series = session.get_parent().specific
    with time_machine.travel(NOW, tick=False):
        page = html(client, series)
        assert "Past webinars" not in page and "Tidigare webbinarier" not in page
    with time_machine.travel(session.end + datetime.timedelta(minutes=1), tick=False):
        page = html(client, series)
        past = page.split('id="ww-past-heading"')
        assert len(past) == 2 and "Har fått en hårdare ton" in past[1]


@time_machine.travel(NOW, tick=False)
def test_the_form_says_full_once_the_last_place_is_taken(client, session):
    session.registration_capacity = 1
    session.registration_waitlist = False
    session.save_revision().publish()
    assert '<form class="ww-form"' in html(client, session)
    Registration.objects.create(
        session=session, status="confirmed", name="Ada", email="ada@example.org"
    )
    page = html(client, session)
    assert '<form class="ww-form"' not in page
    assert "ww-registration__state--closed" in page


@time_machine.travel(NOW, tick=False)
def test_each_language_gets_its_own_fragments(client, session):
    swedish = html(client, session)
    assert "Programme" not in swedish and "Where it is broadcast" not in swedish
    english = client.get(session.url, headers={"accept-language": "en"}).content.decode()
    assert "Where it is broadcast" in english
    assert "Where it is broadcast" not in html(client, session)


def test_the_cache_key_changes_only_at_the_next_boundary(session, no_expiry):
    from wagtail_webinars.page_cache import cache_version

    context = {"series_upcoming_sessions": [session]}
    with time_machine.travel(NOW, tick=False):
        before = cache_version(session, context)
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert cache_version(session, context) == before
    with time_machine.travel(session.start, tick=False):
        assert cache_version(session, context) != before


@time_machine.travel(NOW, tick=False)
def test_a_new_question_appears_in_the_form(client, session):
    assert "Vilken förvaltning arbetar du på?" not in html(client, session)
    RegistrationQuestion.objects.create(
        page=session,
        clean_name="forvaltning",
        label="Vilken förvaltning arbetar du på?",
        field_type="singleline",
    )
    assert "Vilken förvaltning arbetar du på?" in html(client, session)


@time_machine.travel(NOW, tick=False)
def test_places_set_on_the_series_apply_at_once(client, session):
    series = session.get_parent().specific
    assert "Alla platser är tagna" not in html(client, session)
    series.registration_capacity = 1
    series.save_revision().publish()
    Registration.objects.create(
        session=session, status="confirmed", name="Ada", email="ada@example.org"
    )
    assert "Alla platser är tagna" in html(client, session)


# -- blocks no longer offered in the programme ----------------------------------------------


def test_a_registration_block_stored_before_0_7_neither_renders_nor_stops_the_caching(
    session, home, client
):
    other = WebinarSessionPageFactory(parent=home, title="Ett annat webbinarium")
    # As an older version stored it: the block is in the page's row, but the programme no longer
    # offers it (migration 0007 drops such blocks; a revision published later may still hold one).
    type(session).objects.filter(pk=session.pk).update(
        programme=[
            {"type": "paragraph", "value": "<p>Om drev och näthat</p>", "id": "a"},
            {"type": "registration_form", "value": {"page": other.pk}, "id": "b"},
        ]
    )
    session.refresh_from_db()
    page = html(client, session)
    assert "Om drev och näthat" in page
    assert f'id="ww-registration-{other.pk}"' not in page
    assert page.count('class="ww-form"') == 1
    # Nothing per visitor left on the page, so its fragments are cached as any other page's.
    assert not page_cache.renders_per_visitor(session)


# -- the registration form, cached per state ------------------------------------------------


def _form_tokens(html):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_the_cached_registration_form_carries_each_visitors_own_csrf_token(session, client):
    from django.test import Client

    session.registration_enabled = True
    session.save_revision().publish()
    first = client.get(session.url)
    second_client = Client()
    second = second_client.get(session.url)
    first_tokens, second_tokens = (
        _form_tokens(first.content.decode()),
        _form_tokens(second.content.decode()),
    )
    assert first_tokens and second_tokens and not first_tokens & second_tokens
    assert "__wagtail_webinars_csrf_token__" not in second.content.decode()
    # The token in the form matches the visitor's own cookie: the POST is accepted.
    response = second_client.post(
        f"/kalender/webbinarier/sessions/{session.pk}/register/",
        {
            "csrfmiddlewaretoken": second_tokens.pop(),
            "name": "Anna Berg",
            "email": "anna@kommun.example",
            "organisation": "Kiruna kommun",
            "municipality_code": "2584",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.filter(email="anna@kommun.example").exists()


def test_the_cached_registration_form_shows_places_left_as_they_change(session, client):
    from wagtail_webinars.registration.services import RegistrationRequest, register

    session.registration_enabled = True
    session.registration_capacity = 2
    session.registration_waitlist = True
    session.save_revision().publish()
    before = client.get(session.url).content.decode()
    register(session, RegistrationRequest(name="A", email="a@x.example", municipality_code="0180"))
    after = client.get(session.url).content.decode()
    assert before != after
    register(session, RegistrationRequest(name="B", email="b@x.example", municipality_code="0180"))
    full = client.get(session.url).content.decode()
    assert "Anmäl dig till väntelistan" not in before
    assert "Anmäl dig till väntelistan" in full
