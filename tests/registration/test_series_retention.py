"""A series may erase its registrants' personal data sooner than the site does, never later; each
run of the rule is recorded, and the registrations admin shows the last one to superusers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.clock import START
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import Registration, RetentionRun
from wagtail_webinars.registration.retention import due_for_purge
from wagtail_webinars.registration.services import RegistrationRequest, register

END = START + datetime.timedelta(minutes=90)


@pytest.fixture
def pages(home, frozen):
    short = WebinarSeriesPageFactory(parent=home, personal_data_retention_days=30)
    plain = WebinarSeriesPageFactory(parent=home)
    sessions = {}
    for name, parent in (("short", short), ("plain", plain), ("alone", home)):
        sessions[name] = WebinarSessionPageFactory(parent=parent, start=START, end=END)
        register(sessions[name], RegistrationRequest(name=name, email=f"{name}@k.example"))
    return sessions


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_a_series_with_a_shorter_period_is_erased_sooner(pages, frozen):
    frozen.move_to(END + datetime.timedelta(days=31))
    assert names(due_for_purge()) == ["short"]
    frozen.move_to(END + datetime.timedelta(days=91))  # the site's 90 days
    assert names(due_for_purge()) == ["alone", "plain", "short"]


def test_nothing_is_due_before_the_series_period_is_over(pages, frozen):
    frozen.move_to(END + datetime.timedelta(days=29))
    assert names(due_for_purge()) == []


def test_a_series_cannot_keep_data_longer_than_the_site(home, settings):
    series = WebinarSeriesPageFactory.build(personal_data_retention_days=91)
    with pytest.raises(ValidationError) as error:
        series.clean()
    assert "personal_data_retention_days" in error.value.message_dict


def test_each_run_is_recorded_with_what_it_erased(pages, frozen):
    frozen.move_to(END + datetime.timedelta(days=31))
    call_command("webinars_purge_personal_data", verbosity=0)
    call_command("webinars_purge_personal_data", verbosity=0)
    runs = list(RetentionRun.objects.order_by("pk").values_list("registrations", flat=True))
    assert runs == [1, 0]
    assert Registration.objects.get(email="").name == ""


def test_superusers_see_when_the_rule_last_ran(client, admin_user, pages, frozen):
    index = reverse("wagtail_webinars_registration_modeladmin_index")
    client.force_login(admin_user)
    page = client.get(index, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "har inte körts ännu" in page
    frozen.move_to(END + datetime.timedelta(days=31))
    call_command("webinars_purge_personal_data", verbosity=0)
    client.force_login(admin_user)  # the clock moved past the login's expiry
    page = client.get(index, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "kördes senast" in page and "1 anmälan" in page


def test_the_rule_runs_as_a_periodic_task_too(
    pages, frozen, django_capture_on_commit_callbacks
):
    from wagtail_webinars.registration.retention import purge_personal_data_task

    frozen.move_to(END + datetime.timedelta(days=31))
    # The tasks backend enqueues on commit, as on a real site.
    with django_capture_on_commit_callbacks(execute=True):
        first = purge_personal_data_task.enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        again = purge_personal_data_task.enqueue()
    assert first.return_value == {"registrations": 1, "emails": 1, "feedback_comments": 0}
    assert again.return_value["registrations"] == 0
    assert list(RetentionRun.objects.order_by("pk").values_list("registrations", flat=True)) == [
        1,
        0,
    ]
