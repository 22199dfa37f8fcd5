"""Two runs of ``webinars_send_reminders`` that overlap, each on its own database connection,
queue one reminder per registrant, not two. Runs on PostgreSQL (WW_DB=postgres)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, RegistrationEmail
from wagtail_webinars.registration import reminders
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (WW_DB=postgres): SQLite has no concurrent writers",
    ),
]

RUNS = 3
REGISTRANTS = 8


def test_overlapping_runs_queue_each_reminder_once(home, frozen, monkeypatch):
    session = WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(hours=1)
    )
    for n in range(REGISTRANTS):
        register(session, RegistrationRequest(name=f"D {n}", email=f"d{n}@kommun.example"))
    frozen.move_to(START - datetime.timedelta(minutes=30))
    # Every run has read who is due before any of them writes: the overlap to survive.
    barrier = threading.Barrier(RUNS, timeout=30)
    queue_each = reminders._queue_each

    def after_reading(registrations, kind, key):
        registrations = list(registrations)
        barrier.wait()
        return queue_each(_Listed(registrations), kind, key)

    monkeypatch.setattr(reminders, "_queue_each", after_reading)
    errors, counts = [], []

    def run():
        try:
            counts.append(reminders.queue_reminders())
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors, errors
    assert sum(counts) == REGISTRANTS
    rows = RegistrationEmail.objects.filter(kind=EmailKind.REMINDER)
    assert rows.count() == REGISTRANTS
    assert set(rows.values_list("key", flat=True)) == {"before-60"}


class _Listed(list):
    def iterator(self):
        return iter(self)
