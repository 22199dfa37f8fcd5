"""A session's calendar file (``<prefix>/sessions/<id>/calendar.ics``), served to those who may
see the session. (The invitation in the confirmation e-mail: registration/test_mail.py.)"""

import datetime

import pytest

from tests.clock import START
from tests.factories import PageViewRestrictionFactory, WebinarSessionPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(
        parent=home,
        title="Det demokratiska samtalet",
        start=START,
        end=START + datetime.timedelta(minutes=90),
    )


def calendar_url(session):
    return f"/kalender/webbinarier/sessions/{session.pk}/calendar.ics"


def test_calendar_file_of_a_published_session_is_served(client, session):
    response = client.get(calendar_url(session))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.content.decode()


def test_calendar_file_of_a_private_session_is_not_served(client, session):
    PageViewRestrictionFactory(page=session)

    response = client.get(calendar_url(session))

    assert response.status_code == 404
