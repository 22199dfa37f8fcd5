"""Wagtail's own search (the database backend) finds sessions, series and snippets."""

import pytest

from tests.factories import (
    ContactPersonFactory,
    NoticeFactory,
    SpeakerFactory,
    TechnicalHelpFAQFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.models import WebinarSeriesPage, WebinarSessionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Wagtail updates its search index in a task enqueued when the transaction commits; the
    test's transaction never commits, so content is created inside this block, which runs those
    callbacks as the commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(queryset, text) -> set[int]:
    return {page.pk for page in queryset.search(text)}


def test_session_is_found_by_its_lead(home, committed):
    with committed():
        session = WebinarSessionPageFactory(
            parent=home, lead="Förtroendevalda utsätts för drev och troll."
        )
        WebinarSessionPageFactory(parent=home, lead="Om budgetarbete i regionen.")
    assert found(WebinarSessionPage.objects.live(), "troll") == {session.pk}


def test_session_is_found_by_text_in_its_programme(home, committed):
    with committed():
        session = WebinarSessionPageFactory(
            parent=home,
            programme=[
                ("heading", {"text": "Hur hanterar man ett hatdrev?", "level": "h3"}),
                ("bullet_list", {"intro": "", "items": ["Bli trollresistent"]}),
            ],
        )
        WebinarSessionPageFactory(parent=home)
    assert found(WebinarSessionPage.objects.live(), "hatdrev") == {session.pk}
    assert found(WebinarSessionPage.objects.live(), "trollresistent") == {session.pk}


def test_series_is_found_by_its_lead_and_body(home, committed):
    with committed():
        series = WebinarSeriesPageFactory(
            parent=home,
            lead="Strategier i politiska processer.",
            body=[("paragraph", "<p>Syftet är att undvika självcensur.</p>")],
        )
        WebinarSeriesPageFactory(parent=home)
    assert found(WebinarSeriesPage.objects.live(), "strategier") == {series.pk}
    assert found(WebinarSeriesPage.objects.live(), "självcensur") == {series.pk}


def test_session_is_found_through_the_site_wide_page_search(home, committed):
    from wagtail.models import Page

    with committed():
        session = WebinarSessionPageFactory(
            parent=home, lead="Riskbedömning av politiska processer."
        )
    assert session.pk in found(Page.objects.live(), "riskbedömning")


@pytest.mark.parametrize(
    ("model_name", "factory", "text", "kwargs"),
    [
        ("speaker", SpeakerFactory, "Vian Tahir", {"name": "Vian Tahir"}),
        ("contactperson", ContactPersonFactory, "Pogulis", {"name": "Anna-Lena Pogulis"}),
        ("notice", NoticeFactory, "coronaviruset", {}),
        ("technicalhelpfaq", TechnicalHelpFAQFactory, "livesändning", {}),
    ],
)
def test_snippets_are_searchable_in_the_admin(
    admin_client, committed, model_name, factory, text, kwargs
):
    with committed():
        wanted = factory(**kwargs)
        other = factory(**dict.fromkeys(kwargs, "Någon annan")) if kwargs else None
    response = admin_client.get(f"/admin/snippets/wagtail_webinars/{model_name}/", {"q": text})
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["object_list"]}
    assert wanted.pk in listed
    if other is not None:
        assert other.pk not in listed
