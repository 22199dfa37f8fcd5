"""Who sees what: each region's editors see, export and open only the registrations of sessions
on the pages they may edit, and only if their group may view registrations. Two sites, one per
region (the ``north`` and ``south`` fixtures), each with its own editor group."""

import datetime
import io
import unicodedata

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import GroupPagePermission

from tests.conftest import Region
from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, Registration, RegistrationStatus
from wagtail_webinars.registration.services import RegistrationRequest, register

pytestmark = pytest.mark.django_db

INDEX = "wagtail_webinars_registration_modeladmin_index"


def url(action, *args):
    return reverse(f"wagtail_webinars_registration_modeladmin_{action}", args=args)


def sign_up(session, name, code="2584"):
    slug = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    slug = slug.replace(" ", ".")
    return register(
        session,
        RegistrationRequest(name=name, email=f"{slug}@kommun.example", municipality_code=code),
    ).registration


@pytest.fixture
def people(north, south):
    """One registration on each region's session."""
    return sign_up(north.session, "Nora Norr", "2584"), sign_up(south.session, "Sven Syd", "1280")


def content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# -- the list ----------------------------------------------------------------------------------


def test_the_list_shows_an_editor_only_the_registrations_of_their_own_site(client, north, people):
    client.force_login(north.editor)

    html = client.get(reverse(INDEX)).content.decode()

    assert "Nora Norr" in html
    assert "Sven Syd" not in html


def test_the_list_filter_by_session_offers_no_other_site_sessions_registrations(
    client, north, south, people
):
    client.force_login(north.editor)

    html = client.get(reverse(INDEX), {"session__id__exact": south.session.pk}).content.decode()

    assert "Sven Syd" not in html


def test_the_lists_filters_offer_only_the_editors_own_sessions_and_municipalities(
    client, north, south, people
):
    client.force_login(north.editor)

    html = client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert f"session__id__exact={north.session.pk}" in html
    assert f"session__id__exact={south.session.pk}" not in html
    assert south.session.title not in html
    assert "municipality=2584" in html and "municipality=1280" not in html


def test_a_superuser_sees_every_sites_registrations(admin_client, people):
    html = admin_client.get(reverse(INDEX)).content.decode()

    assert "Nora Norr" in html
    assert "Sven Syd" in html


def test_an_editor_of_a_page_below_the_site_sees_only_that_pages_sessions(
    client, django_user_model, north, people
):
    section = WebinarSessionPageFactory(parent=north.home, title="Avdelning")
    inner = WebinarSessionPageFactory(parent=section, title="Inre webbinarium")
    sign_up(inner, "Ines Inre")
    group = Group.objects.create(name="Avdelningens redaktörer")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_registration"),
    )
    GroupPagePermission.objects.create(group=group, page=section, permission_type="change")
    user = django_user_model.objects.create_user("avdelning", "a@example.org", "x")
    user.groups.add(group)
    client.force_login(user)

    html = client.get(reverse(INDEX)).content.decode()

    assert "Ines Inre" in html
    assert "Nora Norr" not in html  # the site's own session is above the section


def test_an_editor_who_may_only_add_pages_sees_the_sessions_they_own(
    client, django_user_model, north, people
):
    user = django_user_model.objects.create_user("skribent", "s@example.org", "x")
    group = Group.objects.create(name="Skribenter")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_registration"),
    )
    GroupPagePermission.objects.create(group=group, page=north.home, permission_type="add")
    user.groups.add(group)
    own = WebinarSessionPageFactory(parent=north.home, title="Eget", owner=user)
    sign_up(own, "Olle Egen")
    client.force_login(user)

    html = client.get(reverse(INDEX)).content.decode()

    assert "Olle Egen" in html
    assert "Nora Norr" not in html  # Wagtail lets them edit only the pages they own


# -- the inspect and history views -------------------------------------------------------------


def test_an_editor_opens_a_registration_of_their_own_site(client, north, people):
    mine, _ = people
    client.force_login(north.editor)

    response = client.get(url("inspect", mine.pk))

    assert response.status_code == 200
    assert "Nora Norr" in response.content.decode()


def test_a_registration_of_another_site_is_not_found_by_its_number(client, north, people):
    _, theirs = people
    client.force_login(north.editor)

    response = client.get(url("inspect", theirs.pk))

    assert response.status_code == 404
    assert "Sven Syd" not in response.content.decode()


def test_the_history_of_another_sites_registration_is_not_found(client, north, people):
    _, theirs = people
    client.force_login(north.editor)

    assert client.get(url("history", theirs.pk)).status_code == 404


def test_the_history_of_a_registration_needs_the_view_permission(
    client, django_user_model, root_page, people
):
    # modeladmin itself asks for no permission on the history view, whose title names the person.
    region = Region(root_page, "enbart", "Enbart", django_user_model, ())
    own = sign_up(region.session, "Hemlig Person")
    client.force_login(region.editor)

    response = client.get(url("history", own.pk))

    assert response.status_code in (302, 403)
    assert "Hemlig Person" not in response.content.decode()


# -- the export --------------------------------------------------------------------------------


def test_the_csv_export_holds_only_the_editors_own_sites_registrations(client, north, people):
    client.force_login(north.editor)

    csv = content(client.get(reverse(INDEX), {"export": "csv"}))

    assert "nora.norr@kommun.example" in csv
    assert "sven.syd@kommun.example" not in csv


def test_the_xlsx_export_holds_only_the_editors_own_sites_registrations(client, south, people):
    client.force_login(south.editor)

    response = client.get(reverse(INDEX), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(content_bytes(response))).active
    cells = {str(value) for row in sheet.values for value in row}
    assert "sven.syd@kommun.example" in cells
    assert "nora.norr@kommun.example" not in cells


def content_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# -- the counts per municipality ---------------------------------------------------------------


def test_the_counts_per_municipality_count_only_the_editors_own_sites(client, north, people):
    client.force_login(north.editor)

    lines = content(client.get(url("municipalities"), {"export": "csv"})).strip().splitlines()

    assert lines[1:] == ["2584,Kiruna,1,1"]


def test_the_counts_of_another_sites_session_are_empty(client, north, south, people):
    client.force_login(north.editor)

    response = client.get(url("municipalities"), {"session": south.session.pk})

    html = response.content.decode()
    assert "Malmö" not in html
    assert south.session.title not in html  # not offered in the choice of webinars either
    assert north.session.title in html


# -- cancel and resend by direct URL -----------------------------------------------------------


def test_cancelling_another_sites_registration_by_url_is_not_found(client, north, people):
    _, theirs = people
    client.force_login(north.editor)

    assert client.get(url("cancel", theirs.pk)).status_code == 404
    assert client.post(url("cancel", theirs.pk)).status_code == 404
    assert Registration.objects.get(pk=theirs.pk).status == RegistrationStatus.CONFIRMED


def test_resending_to_another_sites_registration_by_url_is_not_found(client, north, people):
    _, theirs = people
    client.force_login(north.editor)

    assert client.post(url("resend", theirs.pk)).status_code == 404
    assert theirs.emails.filter(kind=EmailKind.CONFIRMATION).count() == 1


def test_an_editor_cancels_a_registration_of_their_own_site(client, north, people):
    mine, _ = people
    client.force_login(north.editor)

    client.post(url("cancel", mine.pk))

    assert Registration.objects.get(pk=mine.pk).status == RegistrationStatus.CANCELLED


# -- editing pages does not show who registered ------------------------------------------------


@pytest.fixture
def page_editor(django_user_model, root_page, people):
    """Edits every page of region Väst's site (and holds change_registration), but has no
    permission to view registrations."""
    region = Region(root_page, "vast", "Väst", django_user_model, ("change_registration",))
    sign_up(region.session, "Vera Väst")
    return region


def test_a_page_editor_without_the_view_permission_gets_no_list(client, page_editor):
    client.force_login(page_editor.editor)

    assert client.get(reverse(INDEX)).status_code in (302, 403)
    assert reverse(INDEX) not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_page_editor_without_the_view_permission_gets_no_export(client, page_editor):
    client.force_login(page_editor.editor)

    response = client.get(reverse(INDEX), {"export": "csv"})

    assert response.status_code in (302, 403)
    assert "vera.vast@kommun.example" not in content(response)


def test_a_page_editor_without_the_view_permission_opens_no_registration(client, page_editor):
    own = Registration.objects.get(session=page_editor.session)
    client.force_login(page_editor.editor)

    for action in ("inspect", "cancel", "resend"):
        response = client.get(url(action, own.pk))
        assert response.status_code in (302, 403), action
        assert "Vera Väst" not in response.content.decode()


def test_a_page_editor_without_the_view_permission_gets_no_counts(client, page_editor):
    client.force_login(page_editor.editor)

    assert client.get(url("municipalities"), {"export": "csv"}).status_code in (302, 403)


def test_a_viewer_without_page_permissions_sees_no_registration(client, django_user_model, people):
    group = Group.objects.create(name="Bara läsrätt")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_registration"),
    )
    user = django_user_model.objects.create_user("lasare", "l@example.org", "x")
    user.groups.add(group)
    client.force_login(user)

    html = client.get(reverse(INDEX)).content.decode()
    csv = content(client.get(reverse(INDEX), {"export": "csv"}))

    assert "Nora Norr" not in html and "Sven Syd" not in html
    assert "kommun.example" not in csv


# -- adding by hand and giving a place ---------------------------------------------------------


def future_session(region):
    start = timezone.now() + datetime.timedelta(days=10)
    return WebinarSessionPageFactory(
        parent=region.home,
        title=f"Kommande i {region.home.title}",
        start=start,
        end=start + datetime.timedelta(hours=1),
        registration_capacity=1,
        registration_waitlist=True,
    )


def test_an_editor_adds_registrations_only_to_their_own_sites_sessions(client, north, south):
    mine, theirs = future_session(north), future_session(south)
    client.force_login(north.editor)

    html = client.get(url("add")).content.decode()
    client.post(
        url("add"),
        {
            "session": theirs.pk,
            "name": "Sven Syd",
            "email": "sven@kommun.example",
            "organisation": "Malmö stad",
            "municipality_code": "1280",
            "consent": "on",
        },
    )

    assert mine.title in html
    assert theirs.title not in html
    assert not Registration.objects.filter(session=theirs).exists()


def test_giving_a_place_in_another_sites_session_by_url_is_not_found(client, north, south):
    session = future_session(south)
    sign_up(session, "Forsta Syd")
    waiting = sign_up(session, "Andra Syd")
    client.force_login(north.editor)

    assert client.post(url("promote", waiting.pk)).status_code == 404
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITLISTED
