"""Editors add a registration by hand and give a waiting person a place, through the same rules
as the public form: the capacity, the waiting list, the questions and the e-mails."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, Registration, RegistrationQuestion
from wagtail_webinars.registration.services import RegistrationRequest, register

ADD = "wagtail_webinars_registration_modeladmin_add"
PROMOTE = "wagtail_webinars_registration_modeladmin_promote"


@pytest.fixture
def session(home):
    start = timezone.now() + datetime.timedelta(days=10)
    return WebinarSessionPageFactory(
        parent=home,
        title="Hårdare ton",
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=2,
        registration_waitlist=True,
    )


def person(n, **extra):
    return {
        "session": "",
        "name": f"Deltagare {n}",
        "email": f"d{n}@kommun.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": "on",
        **extra,
    }


def test_the_add_form_is_the_sessions_own_with_its_questions(admin_client, session):
    RegistrationQuestion.objects.create(
        page=session,
        sort_order=0,
        clean_name="roll",
        label="Din roll",
        field_type="singleline",
        required=True,
    )
    content = admin_client.get(reverse(ADD), {"session": session.pk}).content.decode()
    assert "Din roll" in content and 'name="answer_roll"' in content
    assert "ww_website" not in content  # the honeypot is for robots, not editors


def test_an_editor_registers_someone_by_hand(admin_client, session, mailoutbox):
    response = admin_client.post(reverse(ADD), person(1, session=session.pk))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.name, registration.status) == ("Deltagare 1", "confirmed")
    assert registration.emails.get().kind == EmailKind.CONFIRMATION


def test_a_full_session_puts_the_hand_registration_on_the_waiting_list(admin_client, session):
    admin_client.post(reverse(ADD), person(1, session=session.pk, participants="Bo Berg"))
    admin_client.post(reverse(ADD), person(2, session=session.pk))
    assert Registration.objects.get(name="Deltagare 2").status == "waitlisted"


def test_the_add_form_shows_the_forms_own_errors(admin_client, session):
    response = admin_client.post(
        reverse(ADD),
        person(1, session=session.pk, email="inte-en-adress"),
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert "e-postadress" in response.content.decode().lower()


def test_an_address_already_registered_is_said_plainly_to_the_editor(admin_client, session):
    admin_client.post(reverse(ADD), person(1, session=session.pk))
    response = admin_client.post(
        reverse(ADD), person(1, session=session.pk), HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 200
    assert "redan anmäld" in response.content.decode()
    assert Registration.objects.count() == 1


def test_only_editors_who_may_change_registrations_add_them(client, django_user_model, session):
    group = Group.objects.create(name="Läsare")
    for codename in ("access_admin", "view_registration"):
        group.permissions.add(Permission.objects.get(codename=codename))
    user = django_user_model.objects.create_user("lasare", "l@example.org", "x")
    user.groups.add(group)
    client.force_login(user)
    # Wagtail's admin answers a refusal with a redirect and a message.
    assert client.get(reverse(ADD)).status_code in (302, 403)
    assert client.post(reverse(ADD), person(1, session=session.pk)).status_code in (302, 403)
    assert not Registration.objects.exists()


def sign_up(session, n, participants=()):
    return register(
        session,
        RegistrationRequest(
            name=f"Deltagare {n}", email=f"d{n}@kommun.example", participants=list(participants)
        ),
    ).registration


def test_an_editor_gives_a_waiting_person_a_place_when_one_is_free(admin_client, session):
    first = sign_up(session, 1)
    sign_up(session, 2)
    waiting = sign_up(session, 3)
    session.registration_capacity = 3
    session.save()  # no publish, so nobody was promoted yet
    Registration.objects.filter(pk=first.pk).update(status="waitlisted")  # frees a place
    response = admin_client.post(reverse(PROMOTE, args=[waiting.pk]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at
    assert waiting.emails.filter(kind=EmailKind.PROMOTED).exists()


def test_a_place_is_not_given_beyond_the_capacity(admin_client, session):
    sign_up(session, 1)
    sign_up(session, 2)
    waiting = sign_up(session, 3)
    response = admin_client.post(
        reverse(PROMOTE, args=[waiting.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="sv"
    )
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
    assert "0 platser är kvar" in response.content.decode()


def test_give_a_place_asks_first(admin_client, session):
    sign_up(session, 1, participants=["Bo Berg"])
    waiting = sign_up(session, 2)
    assert admin_client.get(reverse(PROMOTE, args=[waiting.pk])).status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
