"""The page editor takes a session's times in the webinars' zone (Europe/Stockholm), whatever
zone the admin runs in (the test site's is UTC, as `wagtail start` makes it), and refuses a
time that the clock change skips or repeats."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from tests.factories import (
    TechnicalHelpFAQFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars.models import WebinarSessionPage
from wagtail_webinars.page_forms import WebinarZoneDateTimeField

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def test_a_typed_time_is_a_swedish_wall_clock_time():
    value = WebinarZoneDateTimeField().clean("2027-03-13 10:00")

    assert value == datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)


def test_a_summer_time_is_read_with_the_summer_offset():
    value = WebinarZoneDateTimeField().clean("2027-06-15 10:00")

    assert value == datetime.datetime(2027, 6, 15, 8, 0, tzinfo=datetime.UTC)


def test_a_time_the_clocks_skip_is_refused_in_swedish():
    with translation.override("sv"), pytest.raises(Exception) as refused:
        WebinarZoneDateTimeField().clean("2027-03-28 02:30")

    assert refused.value.code == "nonexistent"
    assert "finns inte i Europe/Stockholm" in " ".join(refused.value.messages)


def test_a_time_the_clocks_repeat_is_refused_in_swedish():
    with translation.override("sv"), pytest.raises(Exception) as refused:
        WebinarZoneDateTimeField().clean("2027-10-31 02:30")

    assert refused.value.code == "ambiguous"
    assert "två gånger" in " ".join(refused.value.messages)


def test_the_editor_sees_the_stored_time_as_the_programme_says_it(home):
    start = datetime.datetime(2027, 3, 13, 10, 0, tzinfo=STOCKHOLM)
    session = WebinarSessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(hours=1)
    )
    editor = get_user_model().objects.create_superuser("redaktor", "r@example.se", "x")
    form_class = WebinarSessionPage.get_edit_handler().get_form_class()

    form = form_class(instance=session, for_user=editor, parent_page=home)

    assert isinstance(form.fields["start"], WebinarZoneDateTimeField)
    assert form["start"].value() == datetime.datetime(2027, 3, 13, 10, 0)


def test_the_series_registration_window_is_in_the_same_zone(home):
    series = WebinarSeriesPageFactory(parent=home)
    editor = get_user_model().objects.create_superuser("redaktor", "r@example.se", "x")
    form_class = type(series).get_edit_handler().get_form_class()

    form = form_class(instance=series, for_user=editor, parent_page=home)

    assert isinstance(form.fields["registration_closes_at"], WebinarZoneDateTimeField)


def test_a_new_session_under_a_series_takes_the_series_technical_help(home):
    faq = TechnicalHelpFAQFactory()
    series = WebinarSeriesPageFactory(parent=home, technical_help=faq)
    editor = get_user_model().objects.create_superuser("redaktor", "r@example.se", "x")
    form_class = WebinarSessionPage.get_edit_handler().get_form_class()

    form = form_class(instance=WebinarSessionPage(), for_user=editor, parent_page=series)

    assert form["technical_help"].value() == faq.pk


def test_an_existing_session_keeps_its_own_technical_help(home):
    series = WebinarSeriesPageFactory(parent=home, technical_help=TechnicalHelpFAQFactory())
    session = WebinarSessionPageFactory(parent=series, technical_help=None)
    editor = get_user_model().objects.create_superuser("redaktor", "r@example.se", "x")
    form_class = WebinarSessionPage.get_edit_handler().get_form_class()

    form = form_class(instance=session, for_user=editor, parent_page=series)

    assert form["technical_help"].value() is None
