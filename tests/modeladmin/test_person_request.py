"""A person's request in the admin (GDPR articles 15 and 17): find, download as JSON, erase."""

import datetime
import json

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration
from wagtail_webinars.registration.services import RegistrationRequest, register

URL = "wagtail_webinars_registration_modeladmin_person"


@pytest.fixture
def anna(home):
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
    session = WebinarSessionPageFactory(
        parent=home, title="Hårdare ton", start=start, end=start + datetime.timedelta(hours=1)
    )
    return register(
        session, RegistrationRequest(name="Anna Berg", email="anna@kiruna.example")
    ).registration


def test_the_admin_finds_a_person_and_downloads_their_data_as_json(admin_client, anna):
    page = admin_client.get(
        reverse(URL), {"email": "ANNA@kiruna.example"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert "Hårdare ton: Anna Berg" in page.content.decode()
    download = admin_client.get(reverse(URL), {"email": "anna@kiruna.example", "download": "json"})
    assert download["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    assert json.loads(download.content)["registrations"][0]["name"] == "Anna Berg"


def test_the_admin_erases_a_person_and_the_log_says_who(admin_client, admin_user, anna):
    response = admin_client.post(reverse(URL), {"email": "anna@kiruna.example"})
    assert response.status_code == 302
    assert Registration.objects.get(pk=anna.pk).email == ""
    assert (
        ModelLogEntry.objects.get(action="wagtail_webinars.erase_personal_data").user == admin_user
    )


def test_editors_who_are_not_superusers_cannot_reach_it(client, django_user_model, anna):
    client.force_login(django_user_model.objects.create_user("redaktor", "r@example.org", "x"))
    assert client.get(reverse(URL), {"email": "anna@kiruna.example"}).status_code in (302, 403)
    assert client.post(reverse(URL), {"email": "anna@kiruna.example"}).status_code in (302, 403)
    assert Registration.objects.get(pk=anna.pk).email == "anna@kiruna.example"


def test_the_list_tells_superusers_what_the_retention_rule_erases_next(
    admin_client, anna, settings
):
    index = reverse("wagtail_webinars_registration_modeladmin_index")
    assert (
        "gallringsfrist" not in admin_client.get(index, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    )
    anna.session.start -= datetime.timedelta(days=200)
    anna.session.end -= datetime.timedelta(days=200)
    anna.session.save()
    content = admin_client.get(index, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "1 anmälan har passerat sin gallringsfrist" in content
