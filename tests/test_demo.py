"""The demo content command `webinars_load_demo`: the reference page, built idempotently."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from wagtail.models import Page, Revision

from tests.clock import STOCKHOLM
from tests.factories import NoticeFactory
from wagtail_webinars.models import (
    ContactPerson,
    Notice,
    PageContactPerson,
    PageSpeaker,
    Speaker,
    TechnicalHelpFAQ,
    WebinarListingPage,
    WebinarSeriesPage,
    WebinarSessionPage,
)

pytestmark = pytest.mark.django_db

SERIES_TITLE = "Det demokratiska samtalet – har fått en hårdare ton"


# The demo puts its sessions in the year after the day it is loaded: loaded on this autumn day,
# they fall on the reference page's dates of 2027 (the suite's NOW, in March 2027, would put them
# in 2028).
LOADED_IN_AUTUMN_2026 = datetime.datetime(2026, 11, 24, 12, tzinfo=STOCKHOLM)


def load():
    call_command("webinars_load_demo", verbosity=0)


def snapshot():
    """Every row the demo touches, with every field value, plus row counts."""
    models = [
        Page, Revision, WebinarSeriesPage, WebinarSessionPage, WebinarListingPage, PageSpeaker,
        PageContactPerson, Speaker, ContactPerson, Notice, TechnicalHelpFAQ,
    ]
    return {
        model.__name__: [
            {key: str(value) for key, value in model_to_dict(obj).items()}
            for obj in model.objects.order_by("pk")
        ]
        for model in models
    }


@time_machine.travel(LOADED_IN_AUTUMN_2026, tick=False)
def test_sessions_fall_on_the_tuesday_after_each_reference_date_of_the_coming_year(home):
    load()
    series = WebinarSeriesPage.objects.get(title=SERIES_TITLE)
    sessions = WebinarSessionPage.objects.child_of(series).order_by("start")
    starts = [s.start.astimezone(STOCKHOLM) for s in sessions]
    ends = [s.end.astimezone(STOCKHOLM) for s in sessions]
    # 13 February, 13 March, 10 April and 8 May 2027 are all Saturdays.
    assert [(d.year, d.month, d.day) for d in starts] == [
        (2027, 2, 16), (2027, 3, 16), (2027, 4, 13), (2027, 5, 11)
    ]
    assert {(d.hour, d.minute) for d in starts} == {(10, 0)}
    assert {(d.hour, d.minute) for d in ends} == {(11, 30)}


@pytest.mark.parametrize("year", range(2026, 2034))
def test_every_demo_session_is_on_a_weekday_at_office_hours_whatever_the_year(home, year):
    with time_machine.travel(datetime.datetime(year, 6, 1, 12, tzinfo=STOCKHOLM), tick=False):
        load()
    for session in WebinarSessionPage.objects.all():
        start, end = session.start.astimezone(STOCKHOLM), session.end.astimezone(STOCKHOLM)
        assert start.weekday() < 5 and start.date() == end.date()
        assert start.hour >= 8 and end.hour < 17


@time_machine.travel(LOADED_IN_AUTUMN_2026, tick=False)
def test_every_demo_session_is_upcoming(home):
    load()
    assert {s.computed_status for s in WebinarSessionPage.objects.all()} == {"upcoming"}


def test_first_session_carries_the_reference_programme(home):
    load()
    session = WebinarSessionPage.objects.get(slug="har-fatt-en-hardare-ton")
    blocks = {block.block_type: block.value for block in session.programme}
    assert session.audience == "Ledande förtroendevalda"
    assert session.lead.startswith("Sociala medier är positivt för att mötas")
    assert blocks["heading"]["text"] == "Hur hanterar man ett drev?"
    assert list(blocks["bullet_list"]["items"])[0] == "Likheter och skillnader mellan kritik och drev."
    assert blocks["questions_note"]["text"] == "Det kommer att finnas tid för frågor under sändningen."
    assert blocks["after_broadcast"]["heading"] == "Efter webbsändningen"
    assert len(blocks["after_broadcast"]["discussion_questions"]) == 2


def test_vian_tahir_is_inspirator_on_every_session(home):
    load()
    rows = PageSpeaker.objects.select_related("speaker")
    assert rows.count() == WebinarSessionPage.objects.count() == 4
    assert {(r.speaker.name, r.speaker.title, r.role) for r in rows} == {
        ("Vian Tahir", "Nätsäkerhetsexpert", "Inspiratör")
    }


def test_contact_persons_have_a_role_per_page(home):
    load()
    series = WebinarSeriesPage.objects.get(title=SERIES_TITLE)
    rows = [(c.contact.name, c.contact.role, c.contact.email, c.role) for c in series.get_contacts()]
    assert rows == [
        ("Anna-Lena Pogulis", "Projektledare", "anna-lena.pogulis@example.org", "Informationsansvarig"),
        ("Lena Lindgren", "Projektledare", "lena.lindgren@example.org", "Frågor om anmälan"),
    ]


@time_machine.travel(LOADED_IN_AUTUMN_2026, tick=False)
def test_notice_and_technical_help_are_live_and_shown(home):
    load()
    notice = Notice.objects.get()
    faq = TechnicalHelpFAQ.objects.get()
    session = WebinarSessionPage.objects.get(slug="har-fatt-en-hardare-ton")
    assert notice.title == "Sändningarna textas direkt"
    assert notice.live and faq.live
    assert notice in session.get_notices()
    assert session.technical_help == faq
    assert len(faq.items) >= 3


def test_the_notice_is_current_from_the_day_it_is_loaded_until_the_last_date_ends(home):
    with time_machine.travel(LOADED_IN_AUTUMN_2026, tick=False):
        load()
    notice = Notice.objects.get()
    last = WebinarSessionPage.objects.order_by("start").last()
    assert notice.show_from <= LOADED_IN_AUTUMN_2026
    assert notice.show_until == last.end


def test_a_second_run_retires_the_old_coronavirus_notice(home):
    load()
    NoticeFactory(title="Så påverkas kurser och konferenser av det nya coronaviruset")
    load()
    assert list(Notice.objects.values_list("title", flat=True)) == ["Sändningarna textas direkt"]


def test_the_broadcast_is_named_once_with_link_text_and_skr_by_its_current_name(client, home):
    load()
    session = WebinarSessionPage.objects.get(slug="har-fatt-en-hardare-ton")
    html = client.get(session.url).content.decode()
    assert "play.skl.se" not in html and "Vi sänder från" not in html
    assert html.count(f'href="{session.stream_url}"') == 1
    assert f">Se sändningen av {session.title}</a>" in html
    assert "SKR (tidigare SKL)" in html
    assert set(ContactPerson.objects.values_list("organisation", flat=True)) == {
        "Sveriges Kommuner och Regioner"
    }


def test_pages_are_published_with_a_revision_and_snippets_are_live(home):
    load()
    pages = [*WebinarSessionPage.objects.all(), *WebinarSeriesPage.objects.all(), *WebinarListingPage.objects.all()]
    assert len(pages) == 6
    for page in pages:
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision_id == page.latest_revision_id is not None
    for snippet in [*Speaker.objects.all(), *ContactPerson.objects.all(), *Notice.objects.all()]:
        assert snippet.live and snippet.live_revision_id is not None


def test_listing_page_webbinarier_lists_the_sessions(client, home):
    load()
    listing = WebinarListingPage.objects.get(title="Webbinarier")
    html = client.get(listing.url).content.decode()
    assert "Att planera politiska processer, webbinarium" in html


def test_demo_session_page_renders(client, home):
    load()
    session = WebinarSessionPage.objects.get(slug="har-fatt-en-hardare-ton")
    response = client.get(session.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vian Tahir" in html and "Lena Lindgren" in html and "Hur hanterar man ett drev?" in html


def test_running_twice_changes_nothing(home):
    load()
    before = snapshot()
    load()
    assert snapshot() == before


def test_a_second_run_brings_back_what_an_editor_changed(home):
    load()
    session = WebinarSessionPage.objects.get(slug="har-fatt-en-hardare-ton")
    session.title = "Ändrad titel"
    session.webinar_speakers = []
    session.save_revision().publish()
    load()
    session = WebinarSessionPage.objects.get(pk=session.pk)
    assert session.title.startswith("Det demokratiska samtalet")
    assert [s.speaker.name for s in session.get_speakers()] == ["Vian Tahir"]


def test_a_page_in_the_way_is_reported_not_overwritten(home):
    home.add_child(instance=Page(title="Webbinarier (gammal)", slug="webbinarier"))
    with pytest.raises(CommandError, match="webbinarier"):
        load()
    assert Page.objects.get(slug="webbinarier").title == "Webbinarier (gammal)"
