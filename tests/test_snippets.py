"""Snippets: translatable, with drafts and revisions, previewable, and shown where chosen."""

import pytest
import wagtail_factories
from django.test import RequestFactory
from wagtail.models import Locale

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
from wagtail_webinars.models import Speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(db):
    return Locale.objects.get_or_create(language_code="en")[0]


# --- translation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory", [SpeakerFactory, ContactPersonFactory, NoticeFactory, TechnicalHelpFAQFactory]
)
def test_snippet_is_copied_for_translation_into_another_locale(home, english, factory):
    original = factory()
    copy = original.copy_for_translation(english)
    copy.save()
    assert copy.pk != original.pk
    assert copy.locale == english
    assert copy.translation_key == original.translation_key
    assert copy.get_translation(original.locale) == original


def test_notice_is_shown_in_the_locale_of_the_page(client, home, english):
    notice = NoticeFactory(title="Så påverkas kurser och konferenser")
    translation = notice.copy_for_translation(english)
    translation.title = "How courses and conferences are affected"
    translation.save()
    session = WebinarSessionPageFactory(parent=home)
    html = client.get(session.url).content.decode()
    assert "Så påverkas kurser och konferenser" in html
    assert "How courses and conferences are affected" not in html


# --- drafts and revisions ---------------------------------------------------------------------


def test_speaker_never_published_is_not_shown_on_the_page(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageSpeakerFactory(page=session, speaker__name="Utkast Utkastsson", speaker__live=False)
    PageSpeakerFactory(page=session, speaker__name="Vian Tahir")
    html = client.get(session.url).content.decode()
    assert "Vian Tahir" in html
    assert "Utkast Utkastsson" not in html


def test_unpublished_draft_of_a_published_speaker_does_not_show(client, home):
    session = WebinarSessionPageFactory(parent=home)
    speaker = SpeakerFactory(name="Vian Tahir", title="Nätsäkerhetsexpert", live=False)
    speaker.save_revision().publish()
    PageSpeakerFactory(page=session, speaker=speaker)
    speaker.title = "Utkast till ny titel"
    speaker.save_revision()  # a draft: saved as a revision, not published
    speaker.refresh_from_db()
    assert speaker.has_unpublished_changes
    html = client.get(session.url).content.decode()
    assert "Nätsäkerhetsexpert" in html
    assert "Utkast till ny titel" not in html


def test_publishing_a_speakers_revision_shows_it_on_the_page(client, home):
    session = WebinarSessionPageFactory(parent=home)
    speaker = SpeakerFactory(name="Vian Tahir", live=False)
    PageSpeakerFactory(page=session, speaker=speaker)
    speaker.save_revision().publish()
    assert "Vian Tahir" in client.get(session.url).content.decode()
    assert Speaker.objects.get(pk=speaker.pk).revisions.count() == 1


def test_unpublished_contact_person_is_not_shown(client, home):
    session = WebinarSessionPageFactory(parent=home)
    PageContactPersonFactory(page=session, contact__name="Lena Lindgren", contact__live=False)
    assert "Lena Lindgren" not in client.get(session.url).content.decode()


def test_unpublished_notice_is_not_shown(client, home):
    session = WebinarSessionPageFactory(parent=home)
    NoticeFactory(title="Utkast till notis", live=False)
    assert "Utkast till notis" not in client.get(session.url).content.decode()


# --- notices on chosen series -----------------------------------------------------------------


@pytest.fixture
def two_series(home):
    chosen = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    other = WebinarSeriesPageFactory(parent=home, title="Ekonomi i regionen")
    notice = NoticeFactory(title="Gäller bara den valda serien")
    notice.series.set([chosen])
    notice.save()
    return chosen, other


def test_notice_for_chosen_series_shows_on_that_series_and_its_sessions(client, two_series):
    chosen, _ = two_series
    session = WebinarSessionPageFactory(parent=chosen)
    assert "Gäller bara den valda serien" in client.get(chosen.url).content.decode()
    assert "Gäller bara den valda serien" in client.get(session.url).content.decode()


def test_notice_for_chosen_series_is_not_shown_elsewhere(client, home, two_series):
    _, other = two_series
    other_session = WebinarSessionPageFactory(parent=other)
    lone_session = WebinarSessionPageFactory(parent=home)
    for page in (other, other_session, lone_session):
        assert "Gäller bara den valda serien" not in client.get(page.url).content.decode()


def test_notice_without_series_shows_on_every_webinar_page(client, home, two_series):
    NoticeFactory(title="Gäller alla")
    chosen, other = two_series
    for page in (chosen, other, WebinarSessionPageFactory(parent=home)):
        assert "Gäller alla" in client.get(page.url).content.decode()


def test_notice_links_to_the_chosen_page_with_its_link_text(client, home):
    target = WebinarSeriesPageFactory(parent=home, slug="covid-19")
    NoticeFactory(link_page=target, link_url="", link_text="Covid-19 och det nya coronaviruset")
    session = WebinarSessionPageFactory(parent=home)
    html = client.get(session.url).content.decode()
    assert '<a href="/covid-19/">Covid-19 och det nya coronaviruset</a>' in html


# --- previews ---------------------------------------------------------------------------------


def preview(obj) -> str:
    request = RequestFactory().get("/")
    response = obj.serve_preview(request, obj.default_preview_mode)
    response.render()
    assert response.status_code == 200
    return response.content.decode()


def test_speaker_preview_renders_the_speaker_in_the_host_shell(home):
    html = preview(
        SpeakerFactory(
            name="Vian Tahir",
            title="Nätsäkerhetsexpert",
            photo=wagtail_factories.ImageFactory(),
            bio="Föreläser om näthat.",
        )
    )
    assert "data-host-header" in html
    assert '<h1 id="ww-title">Vian Tahir</h1>' in html
    assert "Nätsäkerhetsexpert" in html and "Föreläser om näthat." in html


def test_contact_person_preview_renders_the_contact(home):
    html = preview(ContactPersonFactory(name="Lena Lindgren", email="lena.lindgren@example.org"))
    assert '<h1 id="ww-title">Lena Lindgren</h1>' in html
    assert 'href="mailto:lena.lindgren@example.org"' in html


def test_notice_preview_renders_the_notice_and_its_period(home):
    html = preview(NoticeFactory(title="Så påverkas kurser och konferenser"))
    assert "Så påverkas kurser och konferenser" in html
    assert "Visas från" in html


def test_technical_help_preview_shows_an_unpublished_draft(home):
    faq = TechnicalHelpFAQFactory(
        live=False,
        items=[
            ("item", {"question": "Hur ser jag sändningen?", "answer": "<p>I webbläsaren.</p>"})
        ],
    )
    html = preview(faq)
    assert "Hur ser jag sändningen?" in html
    assert "Teknisk hjälp under sändningen" in html


def test_snippet_preview_in_the_admin(admin_client, home):
    speaker = SpeakerFactory(name="Vian Tahir")
    url = f"/admin/snippets/wagtail_webinars/speaker/preview/{speaker.pk}/"
    form = {
        "name": "Vian Tahir",
        "title": "Nätsäkerhetsexpert",
        "organisation": "",
        "bio": "",
        "photo": "",
    }
    assert admin_client.post(url, form).json()["is_valid"] is True
    html = admin_client.get(url, {"mode": ""}).content.decode()
    assert '<h1 id="ww-title">Vian Tahir</h1>' in html and "Nätsäkerhetsexpert" in html


def test_two_speakers_with_the_same_name_are_told_apart_in_the_chooser():
    first = SpeakerFactory.build(name="Anna Svensson", title="Jurist", organisation="SKR")
    second = SpeakerFactory.build(name="Anna Svensson", title="", organisation="Region Skåne")
    assert str(first) == "Anna Svensson, Jurist, SKR"
    assert str(second) == "Anna Svensson, Region Skåne"


def test_a_contact_person_is_shown_with_role_and_organisation():
    contact = ContactPersonFactory.build(
        name="Lena Lindgren", role="Projektledare", organisation="SKR"
    )
    assert str(contact) == "Lena Lindgren, Projektledare, SKR"
