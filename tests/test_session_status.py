"""What a session page says when an editor has moved, postponed or cancelled it: a banner at the
top, above the programme, in words a visitor cannot miss. The e-mails to registrants:
registration/test_change_notices.py."""

import datetime
import re

import pytest
from django.core.cache import cache

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.pagemodel import session_page_model

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def session(home):
    session = WebinarSessionPageFactory(
        parent=home, title="Demokratisamtalet", start=START, end=START + 2 * HOUR
    )
    session.save_revision().publish()
    return session


def publish(session, **values):
    page = session_page_model().objects.get(pk=session.pk).get_latest_revision_as_object()
    for name, value in values.items():
        setattr(page, name, value)
    page.save_revision().publish()
    session.refresh_from_db()


def banner(client, session):
    html = client.get(session.url).content.decode()
    found = re.search(
        r'<div class="ww-banner ww-banner--(\w+)">\s*<p class="ww-banner__title">(.*?)</p>', html
    )
    return found and (found[1], " ".join(found[2].split()))


def test_a_session_as_planned_has_no_banner(client, session):
    assert banner(client, session) is None


def test_a_moved_session_shows_the_new_time_and_the_old(client, session):
    banner(client, session)  # the page is in the cache before the move

    publish(session, start=START + 24 * HOUR, end=START + 26 * HOUR)

    assert banner(client, session) == (
        "rescheduled",
        "Ny tid: söndag 14 mars 2027 kl. 10.00–12.00. "
        "Det skulle ha hållits lördag 13 mars 2027 kl. 10.00.",
    )


def test_a_longer_session_that_starts_as_before_is_not_called_moved(client, session):
    publish(session, end=START + 3 * HOUR)

    assert banner(client, session) is None


def test_a_postponed_session_says_so_at_the_top(client, session):
    publish(session, status="postponed", status_note="Ny tid kommer i april.")

    assert banner(client, session) == (
        "postponed",
        "Webbinariet är uppskjutet. Den nya tiden publiceras på den här sidan.",
    )
    assert "Ny tid kommer i april." in client.get(session.url).content.decode()


def test_a_cancelled_session_says_so_at_the_top(client, session):
    publish(session, status="cancelled")

    assert banner(client, session) == ("cancelled", "Webbinariet är inställt och sänds inte.")


def test_a_moved_session_that_is_then_cancelled_shows_only_the_cancellation(client, session):
    publish(session, start=START + 24 * HOUR, end=START + 26 * HOUR)
    publish(session, status="cancelled")
    cache.clear()

    assert banner(client, session)[0] == "cancelled"
