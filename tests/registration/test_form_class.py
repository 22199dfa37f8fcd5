"""A page type names the form its visitors register with (``registration_form_class``), and the
HTML form and the JSON endpoint both use it."""

import datetime
import json

import pytest
from django import forms

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration, WebinarSessionPage
from wagtail_webinars.registration.forms import RegistrationForm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


class StaffRegistrationForm(RegistrationForm):
    """A site's own rule: only the municipality's staff addresses."""

    staff_number = forms.CharField(label="Anställningsnummer", max_length=10)

    def clean_email(self) -> str:
        email = super().clean_email()
        if not email.endswith("@kommun.example"):
            raise forms.ValidationError("Använd din e-postadress på kommunen.")
        return email

    def about_you_fields(self):
        return [*super().about_you_fields(), self["staff_number"]]

    @classmethod
    def data_from_json(cls, body):
        data = super().data_from_json(body)
        data["staff_number"] = body.get("staff_number", "")
        return data


@pytest.fixture
def session(home, monkeypatch):
    monkeypatch.setattr(
        WebinarSessionPage,
        "registration_form_class",
        "tests.registration.test_form_class.StaffRegistrationForm",
    )
    start = datetime.datetime(2030, 3, 12, 9, tzinfo=datetime.UTC)
    return WebinarSessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(hours=1)
    )


def body(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kommun.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
        "staff_number": "A123",
    }
    data.update(overrides)
    return data


def post_json(client, session, data):
    return client.post(
        f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/",
        json.dumps(data),
        content_type="application/json",
    )


def test_the_json_endpoint_applies_the_pages_own_form(client, session):
    response = post_json(client, session, body(email="lena@gmail.example", staff_number=""))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "staff_number"}
    assert not Registration.objects.exists()


def test_the_json_endpoint_registers_through_the_pages_own_form(client, session):
    response = post_json(client, session, body())

    assert response.status_code == 201
    assert Registration.objects.get().email == "lena@kommun.example"


def test_the_html_form_shows_the_pages_own_field(client, session):
    response = client.get(f"/kalender/webbinarier/sessions/{session.pk}/register/")

    assert response.status_code == 200
    assert "Anställningsnummer" in response.content.decode()
