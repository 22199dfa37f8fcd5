"""Consent is JSON ``true`` or the ticked checkbox, nothing else that Python takes as true."""

import datetime
import json

import pytest
from django.urls import reverse

from tests.clock import START
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import Registration

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "fresh_rate_limits")]


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(
        parent=home, start=START, end=START + datetime.timedelta(minutes=90)
    )


def details(**overrides):
    data = {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("consent", ["nej", 1, [0], "true", "on", {"ja": True}, 1.0, "yes"])
def test_json_consent_other_than_true_is_refused_in_the_visitors_language(client, session, consent):
    response = client.post(
        f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/",
        json.dumps(details(consent=consent, language="sv")),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "consent": ["Du behöver godkänna innan du kan anmäla dig."]
    }
    assert not Registration.objects.exists()


def test_json_consent_true_registers(client, session):
    response = client.post(
        f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/",
        json.dumps(details(consent=True)),
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("consent", ["nej", "true", "1", "True", "off"])
def test_a_form_field_named_consent_with_another_value_is_not_consent(client, session, consent):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, details(consent=consent), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["registration"]["form"].errors["consent"] == [
        "You need to agree before you can register."
    ]
    assert not Registration.objects.exists()


def test_the_ticked_checkbox_registers(client, session):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    assert client.post(url, details(consent="on")).status_code == 302
    assert Registration.objects.count() == 1
