"""Migration 0008 starts each existing session where its registrants' calendars are: the
SEQUENCE they hold (it was the live revision's id) and what they were told, so the next change
is announced with a higher SEQUENCE; reminders already sent count as the day's reminder."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, RegistrationEmail
from wagtail_webinars.pagemodel import session_page_model
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

migration = importlib.import_module(
    "wagtail_webinars.migrations.0008_calendar_sequence_and_change_notices"
)


def run_data_migration():
    migration.remember_what_registrants_know(apps, SimpleNamespace(connection=connection))


def test_an_existing_session_starts_at_its_live_revision_and_its_live_state(home):
    session = WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(hours=1)
    )
    for _ in range(3):
        session.save_revision().publish()
    session.refresh_from_db()
    # As a session stood before 0008 added the columns.
    session_page_model().objects.filter(pk=session.pk).update(
        calendar_sequence=0, calendar_state={}
    )

    run_data_migration()

    session.refresh_from_db()
    assert session.calendar_sequence == session.live_revision_id > 0
    assert session.calendar_state == session.calendar_snapshot()


def test_a_reminder_sent_before_0008_counts_as_the_days_reminder(home):
    session = WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(hours=1)
    )
    registration = register(
        session, RegistrationRequest(name="Anna Berg", email="a@example.org")
    ).registration
    RegistrationEmail.objects.create(registration=registration, kind=EmailKind.REMINDER, key="")

    run_data_migration()

    assert list(registration.emails.filter(kind="reminder").values_list("key", flat=True)) == [
        "before-1440"
    ]
