"""A session's edit view shows its confirmed places, its waiting list and its capacity, and links
to its registrations for editors who may view them."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.registration.services import RegistrationRequest, register


@pytest.fixture
def session(home):
    start = timezone.now() + datetime.timedelta(days=10)
    session = WebinarSessionPageFactory(
        parent=home,
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=3,
        registration_waitlist=True,
    )
    register(session, RegistrationRequest(name="A", email="a@kommun.example", participants=["B"]))
    register(session, RegistrationRequest(name="C", email="c@kommun.example"))
    register(session, RegistrationRequest(name="D", email="d@kommun.example"))  # waits
    return session


def edit(client, page):
    response = client.get(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 200
    return response.content.decode()


def test_edit_view_shows_places_waiting_and_capacity_with_a_link(admin_client, session):
    content = edit(admin_client, session)
    assert "3 platser av 3 är tagna" in content
    assert "(2 anmälningar)" in content
    assert "1 står på väntelistan" in content
    assert f"?session__id__exact={session.pk}" in content


def test_series_edit_view_sums_its_sessions(admin_client, home):
    series = WebinarSeriesPageFactory(parent=home)
    start = timezone.now() + datetime.timedelta(days=3)
    for n in range(2):
        part = WebinarSessionPageFactory(
            parent=series, start=start, end=start + datetime.timedelta(hours=1)
        )
        register(part, RegistrationRequest(name="A", email=f"a{n}@kommun.example"))
    content = edit(admin_client, series)
    assert "2 platser är tagna" in content and f"?series={series.pk}" in content


def test_editing_a_page_does_not_by_itself_link_to_who_registered(
    client, django_user_model, session, home
):
    group = Group.objects.create(name="Redaktörer")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=home, permission_type="change")
    user = django_user_model.objects.create_user("redaktor", "r@example.org", "x")
    user.groups.add(group)
    client.force_login(user)
    content = edit(client, session)
    assert "3 platser av 3 är tagna" in content
    assert "session__id__exact" not in content
