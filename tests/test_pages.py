import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from wagtail_webinars.models import ComputedStatus, SessionStatus

from .factories import (
    NoticeFactory,
    PageContactPersonFactory,
    PageSpeakerFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)

pytestmark = pytest.mark.django_db


def test_session_must_end_after_it_starts(home):
    start = timezone.now()
    session = WebinarSessionPageFactory.build(start=start, end=start)
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean()
    assert "end" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("offset_minutes", "expected"),
    [(-10, ComputedStatus.UPCOMING), (30, ComputedStatus.LIVE), (200, ComputedStatus.ENDED)],
)
def test_live_and_ended_follow_from_the_clock(home, offset_minutes, expected):
    start = timezone.now()
    session = WebinarSessionPageFactory.build(start=start, end=start + datetime.timedelta(hours=1))
    assert session.get_computed_status(start + datetime.timedelta(minutes=offset_minutes)) == expected


def test_cancelled_session_stays_cancelled_whatever_the_clock(home):
    session = WebinarSessionPageFactory.build(status=SessionStatus.CANCELLED)
    assert session.get_computed_status(session.start) == ComputedStatus.CANCELLED


def test_session_page_renders_inside_host_base_template(client, home):
    session = WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")
    PageSpeakerFactory(page=session, speaker__name="Vian Tahir", role="Inspiratör")
    PageContactPersonFactory(page=session, contact__name="Lena Lindgren")
    response = client.get(session.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-host-header" in html and "data-host-footer" in html
    assert "Inspiratör:" in html and "Vian Tahir" in html
    assert "Lena Lindgren" in html
    assert html.count("<h1") == 1


def test_session_time_is_written_as_a_swede_writes_it(client, home):
    start = datetime.datetime(2027, 3, 13, 9, 0, tzinfo=datetime.UTC)  # 10.00 in Stockholm
    session = WebinarSessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(minutes=90)
    )
    with translation.override("sv"):
        html = client.get(session.url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "lördag 13 mars 2027 kl. 10.00–11.30" in html, html[html.find("ww-meta"):][:400]
    assert 'datetime="2027-03-13T10:00:00+01:00"' in html


def test_series_lists_upcoming_sessions_first_then_past(client, home):
    series = WebinarSeriesPageFactory(parent=home)
    now = timezone.now()
    past = WebinarSessionPageFactory(parent=series, title="Förra", start=now - datetime.timedelta(days=3))
    later = WebinarSessionPageFactory(parent=series, title="Senare", start=now + datetime.timedelta(days=9))
    soon = WebinarSessionPageFactory(parent=series, title="Snart", start=now + datetime.timedelta(days=2))
    upcoming, past_sessions = series.get_sessions()
    assert [s.pk for s in upcoming] == [soon.pk, later.pk]
    assert [s.pk for s in past_sessions] == [past.pk]


def test_notice_shown_only_within_its_dates(client, home):
    session = WebinarSessionPageFactory(parent=home)
    NoticeFactory(title="Aktuell notis")
    NoticeFactory(
        title="Gammal notis",
        show_from=timezone.now() - datetime.timedelta(days=10),
        show_until=timezone.now() - datetime.timedelta(days=5),
    )
    html = client.get(session.url).content.decode()
    assert "Aktuell notis" in html
    assert "Gammal notis" not in html
