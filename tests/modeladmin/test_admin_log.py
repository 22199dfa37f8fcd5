"""Exports, the counts per municipality, and manual cancels and resends are written to Wagtail's
log against the session page, with who and when, and shown in the page's history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = pytest.mark.django_db

INDEX = "wagtail_webinars_registration_modeladmin_index"


def url(action, *args):
    return reverse(f"wagtail_webinars_registration_modeladmin_{action}", args=args)


def sign_up(session, n, code="2584"):
    return register(
        session,
        RegistrationRequest(
            name=f"Deltagare {n}", email=f"d{n}@kommun.example", municipality_code=code
        ),
    ).registration


def entries(action):
    return list(PageLogEntry.objects.filter(action=f"wagtail_webinars.{action}"))


def history(client, page) -> str:
    return client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).content.decode()


def download(client, *args, **kwargs):
    response = client.get(*args, **kwargs)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def test_a_csv_export_is_logged_against_each_session_with_its_rows(client, north, south):
    second = (
        type(north.session)
        .objects.get(pk=north.session.pk)
        .copy(to=north.home, update_attrs={"slug": "andra", "title": "Andra"})
    )
    sign_up(north.session, 1)
    sign_up(north.session, 2)
    sign_up(second, 3)
    sign_up(south.session, 4)  # not the editor's: not in the file, not logged
    client.force_login(north.editor)

    download(client, reverse(INDEX), {"export": "csv"})

    logged = {
        (e.page_id, e.data["rows"], e.data["format"], e.user_id)
        for e in entries("export_registrations")
    }
    assert logged == {
        (north.session.pk, 2, "csv", north.editor.pk),
        (second.pk, 1, "csv", north.editor.pk),
    }


def test_a_filtered_xlsx_export_logs_only_the_rows_in_the_file(client, north):
    sign_up(north.session, 1)
    cancelled = sign_up(north.session, 2)
    client.force_login(north.editor)
    client.post(url("cancel", cancelled.pk))

    download(client, reverse(INDEX), {"export": "xlsx", "status__exact": "confirmed"})

    [entry] = entries("export_registrations")
    assert (entry.data["rows"], entry.data["format"]) == (1, "xlsx")


def test_the_export_shows_in_the_session_pages_history(client, north):
    sign_up(north.session, 1)
    client.force_login(north.editor)

    download(client, reverse(INDEX), {"export": "csv"})

    html = history(client, north.session)
    assert "1 anmälan exporterad som CSV" in html
    assert north.editor.get_username() in html or "redaktor-norr" in html


def test_the_counts_per_municipality_export_is_logged(client, north):
    sign_up(north.session, 1)
    client.force_login(north.editor)

    download(client, url("municipalities"), {"export": "csv"})

    [entry] = entries("export_municipality_counts")
    assert (entry.page_id, entry.user_id) == (north.session.pk, north.editor.pk)
    assert "Deltagare per kommun exporterade som CSV" in history(client, north.session)


def test_looking_at_the_counts_is_not_logged(client, north):
    sign_up(north.session, 1)
    client.force_login(north.editor)

    client.get(url("municipalities"))

    assert entries("export_municipality_counts") == []


def test_a_manual_cancel_is_logged_with_the_registrations_number(client, north):
    registration = sign_up(north.session, 1)
    client.force_login(north.editor)

    client.get(url("cancel", registration.pk))  # asking first changes and logs nothing
    assert entries("cancel_registration") == []
    client.post(url("cancel", registration.pk))

    [entry] = entries("cancel_registration")
    assert (entry.page_id, entry.user_id) == (north.session.pk, north.editor.pk)
    assert entry.data == {"registration_id": registration.pk}
    assert f"Anmälan {registration.pk} avanmäld i administrationen" in history(
        client, north.session
    )


def test_a_manual_resend_is_logged(client, north):
    registration = sign_up(north.session, 1)
    client.force_login(north.editor)

    client.post(url("resend", registration.pk))

    [entry] = entries("resend_registration_email")
    assert (entry.page_id, entry.user_id) == (north.session.pk, north.editor.pk)
    assert f"E-post till anmälan {registration.pk} skickas igen från administrationen" in history(
        client, north.session
    )


def test_the_log_names_no_person(client, north):
    registration = sign_up(north.session, 1)
    client.force_login(north.editor)

    download(client, reverse(INDEX), {"export": "csv"})
    client.post(url("resend", registration.pk))
    client.post(url("cancel", registration.pk))

    for entry in PageLogEntry.objects.filter(action__startswith="wagtail_webinars."):
        stored = f"{entry.label} {entry.data}"
        assert "Deltagare 1" not in stored
        assert "d1@kommun.example" not in stored


def test_a_visitors_own_cancel_is_not_an_admin_action(client, north):
    from wagtail_webinars.registration.services import cancel

    cancel(sign_up(north.session, 1))

    assert entries("cancel_registration") == []


def test_a_registration_added_by_hand_is_logged(client, north):
    start = timezone.now() + datetime.timedelta(days=10)
    session = WebinarSessionPageFactory(
        parent=north.home, start=start, end=start + datetime.timedelta(hours=1)
    )
    client.force_login(north.editor)

    client.post(
        url("add"),
        {
            "session": session.pk,
            "name": "Nora Norr",
            "email": "nora@kommun.example",
            "organisation": "Kiruna kommun",
            "municipality_code": "2584",
            "consent": "on",
        },
    )

    [entry] = entries("add_registration")
    registration = session.webinar_registrations.get()
    assert (entry.page_id, entry.user_id) == (session.pk, north.editor.pk)
    assert entry.data == {"registration_id": registration.pk}
    assert f"Anmälan {registration.pk} lades till för hand i administrationen" in history(
        client, session
    )


def test_a_place_given_from_the_waiting_list_is_logged(client, north):
    start = timezone.now() + datetime.timedelta(days=10)
    session = WebinarSessionPageFactory(
        parent=north.home,
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=1,
        registration_waitlist=True,
    )
    first = sign_up(session, 1)
    waiting = sign_up(session, 2)
    session.registration_capacity = 2
    session.save()  # no publish: nobody promoted yet
    client.force_login(north.editor)

    client.post(url("promote", waiting.pk))

    [entry] = entries("promote_registration")
    assert entry.data == {"registration_id": waiting.pk}
    assert first.pk != waiting.pk
    assert f"Anmälan {waiting.pk} fick en plats från väntelistan" in history(client, session)


def test_a_refused_place_is_not_logged(client, north):
    start = timezone.now() + datetime.timedelta(days=10)
    session = WebinarSessionPageFactory(
        parent=north.home,
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=1,
        registration_waitlist=True,
    )
    sign_up(session, 1)
    waiting = sign_up(session, 2)
    client.force_login(north.editor)

    client.post(url("promote", waiting.pk))

    assert entries("promote_registration") == []
