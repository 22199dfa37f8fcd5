"""The retention rule (``webinars_purge_personal_data``): after a session's retention period its
registrants' personal data is gone from every table of ours, while every count stays."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from wagtail.models import ModelLogEntry

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.models import Registration, RegistrationEmail
from wagtail_webinars.registration.retention import (
    erase_person,
    personal_data_of,
    purge_personal_data,
)
from wagtail_webinars.registration.services import RegistrationRequest, cancel, register

END = START + datetime.timedelta(minutes=90)
SECRETS = (
    "Anna Berg",
    "anna.berg@kiruna.example",
    "Kiruna kommun",
    "Cecilia Ceder",
    "Vegetarisk",
    "Hur mäter ni?",
)


@pytest.fixture
def session(home, frozen):
    return WebinarSessionPageFactory(parent=home, start=START, end=END)


@pytest.fixture
def registrations(session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        anna = register(
            session,
            RegistrationRequest(
                name="Anna Berg",
                email="Anna.Berg@kiruna.example",
                organisation="Kiruna kommun",
                municipality_code="2584",
                participants=["Cecilia Ceder"],
                question_to_speaker="Hur mäter ni?",
                consent_text="Jag godkänner att mina uppgifter sparas.",
            ),
        ).registration
        other = register(
            session,
            RegistrationRequest(name="Bo Ek", email="bo@lulea.example", municipality_code="2580"),
        ).registration
        cancel(other)
    # An answer to an editor's question, and a provider's error that quotes the address.
    Registration.objects.filter(pk=anna.pk).update(answers={"kost": "Vegetarisk"})
    RegistrationEmail.objects.filter(registration=anna).update(
        last_error="550 anna.berg@kiruna.example: mailbox unavailable"
    )
    return anna, other


def stored_text():
    """Every text and JSON value in every table of our two apps, as one string per row."""
    for label in ("wagtail_webinars", "wagtail_webinars_feedback"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            if fields:
                for row in model.objects.values_list(*fields):
                    yield f"{model.__name__}: {row!r}"


def counts():
    return sorted(
        Registration.objects.values_list("session_id", "status", "places", "municipality_code")
    )


def test_before_the_retention_period_nothing_is_erased(registrations, frozen, settings):
    frozen.move_to(END + datetime.timedelta(days=89))
    assert purge_personal_data().registrations == 0
    assert Registration.objects.get(pk=registrations[0].pk).name == "Anna Berg"


def test_after_the_purge_no_table_holds_the_names_or_addresses(registrations, frozen):
    before = counts()
    assert any("Anna Berg" in row for row in stored_text())
    frozen.move_to(END + datetime.timedelta(days=91))
    report = purge_personal_data()
    assert report.registrations == 2
    leaks = [row for row in stored_text() if any(s.lower() in row.lower() for s in SECRETS)]
    assert leaks == []
    assert counts() == before
    assert Registration.objects.filter(session=registrations[0].session).count() == 2


def test_a_second_run_does_nothing_more(registrations, frozen):
    frozen.move_to(END + datetime.timedelta(days=91))
    assert purge_personal_data().registrations == 2
    assert purge_personal_data().registrations == 0


def test_a_shorter_setting_erases_sooner(registrations, frozen, settings):
    settings.WAGTAIL_WEBINARS = {"PERSONAL_DATA_RETENTION_DAYS": 7}
    frozen.move_to(END + datetime.timedelta(days=8))
    assert purge_personal_data().registrations == 2


def test_the_purge_works_in_batches(session, frozen, monkeypatch):
    monkeypatch.setattr("wagtail_webinars.registration.retention.BATCH_SIZE", 2)
    for n in range(5):
        register(session, RegistrationRequest(name=f"Person {n}", email=f"p{n}@example.org"))
    frozen.move_to(END + datetime.timedelta(days=91))
    assert purge_personal_data().registrations == 5
    assert not Registration.objects.exclude(email="").exists()


def test_the_command_reports_what_it_did(registrations, frozen, home):
    Feedback.objects.create(page=home, helpful=False, comment="Ring Anna Berg", query_string="q=1")
    frozen.move_to(END + datetime.timedelta(days=400))
    out = io.StringIO()
    call_command("webinars_purge_personal_data", stdout=out)
    assert "registrations erased: 2" in out.getvalue()
    assert "feedback comments erased: 1" in out.getvalue()
    feedback = Feedback.objects.get()
    assert (feedback.comment, feedback.query_string, feedback.helpful) == ("", "", False)
    out = io.StringIO()
    call_command("webinars_purge_personal_data", stdout=out)
    assert "registrations erased: 0" in out.getvalue()
    assert "feedback comments erased: 0" in out.getvalue()


def test_a_person_gets_everything_stored_about_their_address(registrations, session):
    data = personal_data_of("  ANNA.berg@kiruna.example ")
    [row] = data["registrations"]
    assert row["name"] == "Anna Berg"
    assert row["further_participants"] == ["Cecilia Ceder"]
    assert row["municipality_or_region"] == "Kiruna"
    assert row["question_to_speaker"] == "Hur mäter ni?"
    assert [e["kind"] for e in row["emails"]] == ["Bekräftelse"]
    json.dumps(data)  # ready to download as it is


def test_erasing_a_person_removes_them_everywhere_and_is_logged(registrations, admin_user):
    before = counts()
    report = erase_person("anna.berg@kiruna.example", user=admin_user)
    assert report.registrations == 1
    leaks = [row for row in stored_text() if any(s.lower() in row.lower() for s in SECRETS)]
    assert leaks == []
    assert counts() == before
    assert Registration.objects.get(pk=registrations[1].pk).name == "Bo Ek"
    entry = ModelLogEntry.objects.get(action="wagtail_webinars.erase_personal_data")
    assert (entry.user, entry.object_id) == (admin_user, str(registrations[0].pk))
    assert "kiruna" not in str(entry.data) + entry.label
    assert personal_data_of("anna.berg@kiruna.example")["registrations"] == []
