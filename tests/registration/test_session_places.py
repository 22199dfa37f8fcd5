"""SessionPlaces (migration 0012): on PostgreSQL, triggers keep each session's places taken and
registrations waiting, whoever changes a registration and however (the rules, a bulk UPDATE, a
delete, a move to another session), and they run at the commit, so nobody holds the row while
they wait for the session's lock. ``register()`` reads it under the lock instead of counting.
"""

import datetime
import importlib

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration, SessionPlaces
from wagtail_webinars.registration import services
from wagtail_webinars.registration.services import RegistrationRequest, cancel, register

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the triggers are PostgreSQL's (WW_DB=postgres); other databases count the rows",
    ),
]

migration = importlib.import_module("wagtail_webinars.migrations.0012_session_places")


@pytest.fixture(autouse=True)
def triggers_looked_up_again():
    services._places_sql.cache_clear()
    yield
    services._places_sql.cache_clear()


@pytest.fixture
def session(home):
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    return WebinarSessionPageFactory(
        parent=home,
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=3,
        registration_waitlist=True,
    )


@pytest.fixture
def other_session(home):
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=8)
    return WebinarSessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(hours=1)
    )


def someone(n, **kwargs):
    return RegistrationRequest(name=f"Deltagare {n}", email=f"d{n}@kommun.example", **kwargs)


def counted(session):
    """What the registrations themselves say."""
    numbers = Registration.objects.filter(session_id=session.pk).aggregate(
        taken=Sum("places", filter=Q(status="confirmed"), default=0),
        waiting=Count("pk", filter=Q(status="waitlisted")),
    )
    return numbers["taken"], numbers["waiting"]


def kept(session):
    """What SessionPlaces says, once this (test's) transaction has run its queued triggers."""
    with connection.cursor() as cursor:
        cursor.execute(services._places_sql(connection.alias)[0])
    row = SessionPlaces.objects.filter(session_id=session.pk).first()
    return (row.taken, row.waiting) if row else (0, 0)


def test_every_change_of_a_registration_is_kept(session):
    first = register(session, someone(1, participants=["Bo Berg"])).registration  # 2 places
    register(session, someone(2))
    waiting = register(session, someone(3)).registration
    assert kept(session) == counted(session) == (3, 1)

    cancel(first)  # frees 2 places; the one waiting is promoted
    assert kept(session) == counted(session) == (2, 0)

    waiting.refresh_from_db()
    waiting.participants = ["Anna Andersson", "Bo Berg"]  # an editor adds two in the admin
    waiting.save()
    assert kept(session) == counted(session) == (4, 0)

    Registration.objects.filter(status="confirmed").update(status="waitlisted")  # in bulk
    assert kept(session) == counted(session) == (0, 2)

    Registration.objects.filter(pk=waiting.pk).delete()
    assert kept(session) == counted(session) == (0, 1)


def test_a_registration_moved_to_another_session_is_kept_in_both(session, other_session):
    moved = register(session, someone(1)).registration
    register(session, someone(2))
    Registration.objects.filter(pk=moved.pk).update(session_id=other_session.pk)
    assert kept(session) == counted(session) == (1, 0)
    assert kept(other_session) == counted(other_session) == (1, 0)


def test_a_change_of_nothing_counted_changes_nothing(session):
    registration = register(session, someone(1)).registration
    Registration.objects.filter(pk=registration.pk).update(name="", email="raderad@example.org")
    assert kept(session) == counted(session) == (1, 0)


def test_a_registration_inside_an_enclosing_transaction_counts_what_it_wrote(session):
    # ATOMIC_REQUESTS, or an editor's action that writes a registration and then registers:
    # the triggers of the enclosing transaction have not run yet, and must count all the same.
    with transaction.atomic():
        for n in range(3):
            Registration.objects.create(
                session_id=session.pk,
                name=f"D{n}",
                email=f"x{n}@kommun.example",
                status="confirmed",
            )
        outcome = register(session, someone(4))
    assert outcome.status == "waitlisted"
    assert kept(session) == counted(session) == (3, 1)


def test_deleting_a_session_with_registrations_fails_nothing(session):
    register(session, someone(1))
    session.delete()
    assert kept(session) == (0, 0)


def test_the_migration_fills_the_table_from_the_registrations_there_are(session, other_session):
    # As before 0012: no triggers, no rows.
    with connection.cursor() as cursor:
        cursor.execute(migration.DROP)
    SessionPlaces.objects.all().delete()
    for n, status, places in [(1, "confirmed", 2), (2, "waitlisted", 1), (3, "cancelled", 1)]:
        Registration.objects.create(
            session_id=session.pk,
            name=f"D{n}",
            email=f"m{n}@kommun.example",
            status=status,
            participants=["X"] * (places - 1),
        )
    Registration.objects.create(
        session_id=other_session.pk, name="E", email="e@kommun.example", status="confirmed"
    )

    with connection.cursor() as cursor:
        cursor.execute(migration.CREATE)

    assert kept(session) == counted(session) == (2, 1)
    assert kept(other_session) == counted(other_session) == (1, 0)
    # And the triggers keep it from there: the place free while one waits is theirs (a
    # promotion, under the lock), and the newcomer waits.
    assert register(session, someone(9)).status == "waitlisted"
    assert kept(session) == counted(session) == (3, 1)


def test_without_the_triggers_registrations_are_counted_and_a_warning_says_so(session, caplog):
    # A migration faked, a schema restored without its triggers: slower, never wrong.
    with connection.cursor() as cursor:
        cursor.execute(migration.DROP)
    for n in range(3):
        register(session, someone(n))
    assert [r.status for r in Registration.objects.order_by("pk")] == [
        "confirmed",
        "confirmed",
        "confirmed",
    ]
    assert register(session, someone(4)).status == "waitlisted"
    assert not SessionPlaces.objects.filter(session_id=session.pk).exists()
    [warning] = [r for r in caplog.records if "0012" in r.getMessage()]
    assert "wagtail_webinars_count_places" in warning.getMessage()


@pytest.mark.django_db(transaction=True)
def test_the_row_is_neither_changed_nor_locked_before_the_commit(session):
    # Otherwise every registration would hold the session's row of SessionPlaces from its first
    # write, and queue there instead of under the session's lock only.
    register(session, someone(1))
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:

        def seen_by_another_connection():
            row = other.execute(
                "SELECT taken FROM wagtail_webinars_sessionplaces WHERE session_id = %s "
                "FOR UPDATE NOWAIT",
                (session.pk,),
            ).fetchone()
            return row[0]

        with transaction.atomic():
            Registration.objects.create(
                session_id=session.pk, name="B", email="b@kommun.example", status="confirmed"
            )
            assert seen_by_another_connection() == 1  # not locked (NOWAIT), not yet counted
        assert seen_by_another_connection() == 2
