"""No overbooking under concurrency: many registrations at once, each on its own database
connection, against a session with 5 places. Runs on PostgreSQL (WW_DB=postgres), where the
row lock of register() is real; SQLite serialises whole-database writes and cannot show a race."""

import contextlib
import datetime
import threading

import pytest
from django.db import connection, connections

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration
from wagtail_webinars.registration import services

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (WW_DB=postgres): SQLite has no row locks and no concurrent writers",
    ),
]

CLIENTS = 24
CAPACITY = 5


@contextlib.contextmanager
def no_lock(session):
    """No lock at all: shows the race that ``session_row_lock`` prevents."""
    yield None


def run_concurrently(session, lock, barrier_inside_lock):
    """Fire CLIENTS registrations from CLIENTS threads; each thread has its own connection.

    With ``barrier_inside_lock`` every thread waits, after taking the (absent) lock, until all
    have arrived, so all count the places before any inserts: the race a lock must prevent.
    """
    start = threading.Barrier(CLIENTS, timeout=30)
    errors = []

    def lock_then_meet(s):
        manager = lock(s)

        class Meet:
            def __enter__(self):
                value = manager.__enter__()
                if barrier_inside_lock:
                    start.wait()
                return value

            def __exit__(self, *exc):
                return manager.__exit__(*exc)

        return Meet()

    def client(n):
        try:
            if not barrier_inside_lock:
                start.wait()
            services.register(
                session,
                services.RegistrationRequest(
                    name=f"Deltagare {n}", email=f"d{n}@kommun.example", municipality_code="0180"
                ),
                lock=lock_then_meet,
            )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return Registration.objects.filter(session_id=session.pk)


@pytest.fixture
def session(home):
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    return WebinarSessionPageFactory(
        parent=home,
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=CAPACITY,
        registration_waitlist=True,
    )


def test_concurrent_registrations_never_overbook(session):
    registrations = run_concurrently(session, services.session_row_lock, barrier_inside_lock=False)
    assert registrations.filter(status="confirmed").count() == CAPACITY
    assert registrations.filter(status="waitlisted").count() == CLIENTS - CAPACITY


def test_without_the_lock_concurrent_registrations_overbook(session, monkeypatch):
    # Counting the rows, as on other databases: on PostgreSQL, reading SessionPlaces locks the
    # session's row of it (its triggers run first), which serialises the registrations too.
    monkeypatch.setattr(
        services,
        "_counted",
        lambda s, registration, query, places_sql: services._without(
            registration, services._count(query)
        ),
    )
    registrations = run_concurrently(session, no_lock, barrier_inside_lock=True)
    assert registrations.filter(status="confirmed").count() > CAPACITY
