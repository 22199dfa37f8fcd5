"""Two editors publish the same change at once, each on its own database connection: every
registrant gets one notice, not two, and the SEQUENCE rises once. Runs on PostgreSQL
(WW_DB=postgres), where the session's row lock is real; SQLite serialises every writer."""

import datetime
import threading

import pytest
from django.db import connection, connections

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, RegistrationEmail
from wagtail_webinars.pagemodel import session_page_model
from wagtail_webinars.registration import changes
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (WW_DB=postgres): SQLite has no row locks and no concurrent writers",
    ),
]

EDITORS = 2
REGISTRANTS = 6
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def session(home):
    session = WebinarSessionPageFactory(parent=home, start=START, end=START + 2 * HOUR)
    session.save_revision().publish()
    for n in range(REGISTRANTS):
        register(
            session,
            RegistrationRequest(
                name=f"Deltagare {n}", email=f"d{n}@kommun.example", municipality_code="0180"
            ),
        )
    return session


def publish_at_once(session, meet_inside_rule):
    """Each editor loads the page, moves it a day and publishes, all at the same moment.

    With ``meet_inside_rule`` every editor's announcement waits, after Wagtail has saved the
    page and before the rule takes its lock, until all have arrived: both rules then compare
    what the other may already have recorded, the race the lock must decide."""
    barrier = threading.Barrier(EDITORS, timeout=30)
    rule = changes.announce_change
    errors = []

    def meeting(instance, now=None):
        barrier.wait()
        return rule(instance, now)

    def editor():
        try:
            page = session_page_model().objects.get(pk=session.pk).get_latest_revision_as_object()
            page.start, page.end = START + 24 * HOUR, START + 26 * HOUR
            revision = page.save_revision()
            if not meet_inside_rule:
                barrier.wait()
            revision.publish()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    if meet_inside_rule:
        changes.announce_change = meeting
    try:
        threads = [threading.Thread(target=editor) for _ in range(EDITORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        changes.announce_change = rule
    assert not errors, errors


@pytest.mark.parametrize("meet_inside_rule", [False, True], ids=["publish", "announce"])
def test_two_editors_publishing_the_same_move_at_once_send_one_round(session, meet_inside_rule):
    publish_at_once(session, meet_inside_rule)

    notices = RegistrationEmail.objects.filter(kind=EmailKind.UPDATE)
    per_registration = list(notices.values_list("registration_id", flat=True))
    assert len(per_registration) == REGISTRANTS
    assert len(set(per_registration)) == REGISTRANTS
    session.refresh_from_db()
    assert session.calendar_sequence == 1
    assert set(notices.values_list("key", flat=True)) == {"sequence-1"}
