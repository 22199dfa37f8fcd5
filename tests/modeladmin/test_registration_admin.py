"""The registrations admin: listing with status and e-mail state, counts per municipality, CSV
export, and the cancel and resend actions that call the service."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Site

from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import EmailKind, Registration
from wagtail_webinars.registration.services import RegistrationRequest, register

INDEX = "wagtail_webinars_registration_modeladmin_index"


@pytest.fixture
def session(home):
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
    return WebinarSessionPageFactory(
        parent=home, title="Hårdare ton", start=start, end=start + datetime.timedelta(hours=1)
    )


def sign_up(session, n, code="2584", participants=()):
    return register(
        session,
        RegistrationRequest(
            name=f"Deltagare {n}",
            email=f"d{n}@kommun.example",
            municipality_code=code,
            participants=list(participants),
        ),
    ).registration


def editor(django_user_model, *codenames):
    """An editor of the default site's pages (who sees registrations only with ``codenames``:
    tests/modeladmin/test_permissions.py)."""
    group = Group.objects.create(name="Redaktörer")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    home = Site.objects.get(is_default_site=True).root_page
    GroupPagePermission.objects.create(group=group, page=home, permission_type="change")
    for codename in codenames:
        group.permissions.add(Permission.objects.get(codename=codename))
    user = django_user_model.objects.create_user("redaktor", "r@example.org", "x")
    user.groups.add(group)
    return user


def test_list_shows_registrations_with_status_and_email_state(admin_client, session):
    sign_up(session, 1)
    response = admin_client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="sv")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Deltagare 1" in content
    assert "Kiruna" in content
    # Claimed for the send at the registration's commit, which a test's transaction never makes.
    assert "Bekräftelse: Skickas" in content


def test_menu_item_is_hidden_from_editors_without_permission(client, django_user_model, session):
    client.force_login(editor(django_user_model))
    response = client.get(reverse("wagtailadmin_home"))
    assert reverse(INDEX) not in response.content.decode()
    assert client.get(reverse(INDEX)).status_code in (302, 403)


def test_menu_item_is_shown_to_editors_who_may_view_registrations(
    client, django_user_model, session
):
    client.force_login(editor(django_user_model, "view_registration"))
    assert reverse(INDEX) in client.get(reverse("wagtailadmin_home")).content.decode()


def test_nobody_adds_registrations_behind_the_services_back(admin_client):
    response = admin_client.get(reverse("wagtail_webinars_registration_modeladmin_create"))
    assert response.status_code in (302, 403)


def test_csv_export_has_every_registration_with_municipality(admin_client, session):
    sign_up(session, 1, code="0180", participants=["Bo Berg"])
    response = admin_client.get(reverse(INDEX) + "?export=csv")
    content = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )
    assert response.status_code == 200
    assert "d1@kommun.example" in content
    assert "Stockholm" in content
    assert "Bo Berg" in content


def test_csv_export_turns_a_visitors_formula_into_text(admin_client, session):
    register(
        session,
        RegistrationRequest(
            name='=HYPERLINK("https://evil.example")',
            email="f@kommun.example",
            municipality_code="0180",
        ),
    )
    response = admin_client.get(reverse(INDEX) + "?export=csv")
    content = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in content
    assert ',"=HYPERLINK' not in content and ",=HYPERLINK" not in content


def test_counts_per_municipality_add_up_places(admin_client, session):
    sign_up(session, 1, code="2584", participants=["A", "B"])
    sign_up(session, 2, code="2584")
    sign_up(session, 3, code="1280")
    url = reverse("wagtail_webinars_registration_modeladmin_municipalities")
    response = admin_client.get(url, {"session": session.pk, "export": "csv"})
    lines = response.content.decode().strip().splitlines()
    assert lines[1:] == ["2584,Kiruna,2,4", "1280,Malmö,1,1"]


def test_admin_cancel_asks_first_then_cancels_through_the_service(admin_client, session):
    session.registration_capacity = 1
    session.save()
    holder = sign_up(session, 1)
    waiting = sign_up(session, 2)
    url = reverse("wagtail_webinars_registration_modeladmin_cancel", args=[holder.pk])
    assert admin_client.get(url).status_code == 200
    holder.refresh_from_db()
    assert holder.status == "confirmed"  # GET changes nothing
    admin_client.post(url)
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert (holder.status, waiting.status) == ("cancelled", "confirmed")


def test_admin_resend_queues_the_email_again(admin_client, session):
    registration = sign_up(session, 1)
    admin_client.post(
        reverse("wagtail_webinars_registration_modeladmin_resend", args=[registration.pk])
    )
    assert list(registration.emails.values_list("kind", flat=True)) == [EmailKind.CONFIRMATION] * 2


def test_actions_need_the_change_permission(client, django_user_model, session):
    registration = sign_up(session, 1)
    client.force_login(editor(django_user_model, "view_registration"))
    url = reverse("wagtail_webinars_registration_modeladmin_cancel", args=[registration.pk])
    assert client.post(url).status_code in (302, 403)  # Wagtail turns a denial into a redirect
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_session_editor_has_registration_settings_and_questions(admin_client, session):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[session.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="registration_capacity"' in content
    assert 'name="registration_waitlist"' in content
    assert "registration_questions-TOTAL_FORMS" in content


def test_series_editor_has_registration_questions(admin_client, home):
    series = WebinarSeriesPageFactory(parent=home)
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[series.pk]))
    assert "registration_questions-TOTAL_FORMS" in response.content.decode()


def test_a_cancelled_registration_is_avanmald_in_the_list_and_its_filter(admin_client, session):
    cancelled = sign_up(session, 1)
    admin_client.post(
        reverse("wagtail_webinars_registration_modeladmin_cancel", args=[cancelled.pk])
    )
    sign_up(session, 2)
    content = admin_client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Avanmäld" in content
    assert "Inställt" not in content  # that word is for a webinar called off
    assert "Avanmäl" in content  # the button: the same verb as the visitor's link
    assert "Avboka" not in content


def test_list_has_one_column_per_fact_with_swedish_headers(admin_client, session):
    sign_up(session, 1)
    content = admin_client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    listing = content[content.index('<table class="listing full-width">') :]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', listing.split("</thead>")[0], re.S)
    texts = [re.sub(r"<[^>]+>|\s+", " ", header).strip() for header in headers]
    assert texts == [
        "Namn",
        "Åtgärder",
        "Webbinarium",
        "Status",
        "Platser",
        "Kommun eller region",
        "Anmäld",
        "Senaste e-post",
    ]


def test_row_actions_are_in_one_dropdown_named_after_the_person(client, django_user_model, session):
    registration = sign_up(session, 1)
    client.force_login(editor(django_user_model, "view_registration", "change_registration"))
    content = client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert 'aria-label="Åtgärder för Deltagare 1"' in content
    for name in ("inspect", "resend", "cancel"):
        url = reverse(f"wagtail_webinars_registration_modeladmin_{name}", args=[registration.pk])
        assert content.count(f'href="{url}"') >= 1
    assert '<ul class="actions">' not in content


def test_viewers_get_no_resend_or_cancel_in_the_dropdown(client, django_user_model, session):
    registration = sign_up(session, 1)
    client.force_login(editor(django_user_model, "view_registration"))
    content = client.get(reverse(INDEX)).content.decode()
    cancel = reverse("wagtail_webinars_registration_modeladmin_cancel", args=[registration.pk])
    assert cancel not in content


def test_list_makes_the_same_queries_for_5_and_50_rows(admin_client, session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse(INDEX)).status_code == 200
        return len(queries)

    for n in range(5):
        sign_up(session, n)
    few = count()
    for n in range(5, 50):
        sign_up(session, n)
    assert count() == few


def test_inspect_reads_like_a_record(admin_client, session):
    from wagtail_webinars.models import RegistrationQuestion

    RegistrationQuestion.objects.create(
        page=session, sort_order=0, clean_name="roll", label="Din roll", field_type="singleline"
    )
    registration = register(
        session,
        RegistrationRequest(
            name="Anna Andersson",
            email="anna@kommun.example",
            municipality_code="2584",
            participants=["Bo Berg", "Cia Ceder"],
            answers={"roll": "Förtroendevald"},
            consent_text="Jag godkänner att SKR sparar mina uppgifter.",
        ),
    ).registration
    url = reverse("wagtail_webinars_registration_modeladmin_inspect", args=[registration.pk])
    content = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Kiruna" in content and "(2584)" in content
    assert "<li>Bo Berg</li><li>Cia Ceder</li>" in content
    assert "['Bo Berg'" not in content
    assert re.search(r"<dt>Din roll</dt>\s*<dd>Förtroendevald</dd>", content)
    assert "Jag godkänner att SKR sparar mina uppgifter." in content
    assert "Fler deltagare från samma organisation" in content
    emails = re.search(r'<table class="listing ww-record-emails">(.*?)</table>', content, re.S)
    assert emails and "Bekräftelse" in emails.group(1) and "Skickas" in emails.group(1)


@pytest.mark.django_db
def test_search_has_trigram_indexes_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are made on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'wagtail_webinars_registration' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        "ww_registration_name_trgm",
        "ww_registration_email_trgm",
        "ww_registration_organisation_trgm",
    }


def test_search_finds_a_person_by_part_of_the_name(admin_client, session):
    sign_up(session, 1)
    register(session, RegistrationRequest(name="Kerstin Lindqvist", email="k@kommun.example"))
    content = admin_client.get(reverse(INDEX), {"q": "lindq"}).content.decode()
    assert "Kerstin Lindqvist" in content and "Deltagare 1" not in content


def submenu_urls(node, name):
    """The URLs of the sidebar's submenu ``name`` (Wagtail's sidebar props: {"_type", "_args"})."""
    if isinstance(node, dict):
        args = node.get("_args")
        if node.get("_type", "").endswith("SubMenuItem") and args and args[0].get("name") == name:
            return [item["_args"][0]["url"] for item in args[1]]
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            found = submenu_urls(child, name)
            if found is not None:
                return found
    return None


def test_webinars_menu_holds_registrations_snippets_and_page_feedback(admin_client):
    import json

    content = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    props = json.loads(
        re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', content, re.S).group(1)
    )
    webinars = submenu_urls(props, "wagtail_webinars")
    assert webinars[0] == reverse(INDEX)
    assert webinars[-1] == reverse("wagtail_webinars_feedback:report")
    assert "/admin/snippets/wagtail_webinars/speaker/" in webinars
    assert reverse("wagtail_webinars_feedback:report") not in (submenu_urls(props, "reports") or [])
