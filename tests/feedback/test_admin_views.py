"""Feedback for editors: the panel on every page's edit view, and the report."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import GroupPagePermission, Page

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.feedback.page_switch import feedback_disabled_page_ids

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/webinars/feedback/report/"


def report_table(client, params=None) -> str:
    """The report's results only (the fragment Wagtail swaps in when filters change)."""
    return client.get(REPORT_URL + "results/", params or {}).content.decode()


def answers(page, yes=0, no=0, comments=(), site=None, when=None):
    site = site or page.get_site()
    rows = [Feedback(page=page, site=site, path=page.url_path, helpful=True) for _ in range(yes)]
    rows += [Feedback(page=page, site=site, path=page.url_path, helpful=False) for _ in range(no)]
    rows += [
        Feedback(page=page, site=site, path=page.url_path, helpful=False, comment=c)
        for c in comments
    ]
    for row in rows:
        if when:
            row.created_at = when
    Feedback.objects.bulk_create(rows)


# -- the panel in the page editor --------------------------------------------------------------


def test_every_page_editor_loads_the_feedback_panel_script(admin_client, home):
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[home.pk])).content.decode()

    assert "wagtail_webinars/js/feedback_admin.js" in html
    assert 'data-ww-feedback-panel-url="/admin/webinars/feedback/pages/0/panel/"' in html


def test_the_panel_shows_yes_no_the_share_of_yes_and_the_latest_comments(admin_client, home):
    answers(home, yes=3, no=0, comments=["Saknade öppettider"])

    html = admin_client.get(f"/admin/webinars/feedback/pages/{home.pk}/panel/").content.decode()

    assert "<dd data-ww-feedback-yes>3</dd>" in html
    assert "<dd data-ww-feedback-no>1</dd>" in html
    assert "<dd data-ww-feedback-share>75 %</dd>" in html
    assert "Saknade öppettider" in html


def test_the_panel_counts_the_answers_since_the_page_was_last_published(admin_client, home):
    home.save_revision().publish()
    home.refresh_from_db()
    Feedback.objects.create(page=home, helpful=True, page_published_at=home.last_published_at)
    Feedback.objects.create(page=home, helpful=False, page_published_at=None)

    html = admin_client.get(f"/admin/webinars/feedback/pages/{home.pk}/panel/").content.decode()

    assert "Sedan sidan senast publicerades: 1 svar, varav 1 ja." in html


def test_the_panel_turns_the_widget_off_for_the_page(admin_client, home):
    admin_client.post(f"/admin/webinars/feedback/pages/{home.pk}/panel/", {})

    assert home.pk in feedback_disabled_page_ids()


def test_the_panel_turns_the_widget_on_again(admin_client, home):
    admin_client.post(f"/admin/webinars/feedback/pages/{home.pk}/panel/", {})
    admin_client.post(f"/admin/webinars/feedback/pages/{home.pk}/panel/", {"enabled": "on"})

    assert home.pk not in feedback_disabled_page_ids()


def test_an_editor_who_cannot_edit_the_page_gets_no_panel(client, django_user_model, home):
    user = django_user_model.objects.create_user("besok", "b@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.post(f"/admin/webinars/feedback/pages/{home.pk}/panel/", {})

    assert response.status_code in (302, 403)  # Wagtail sends the user back to the dashboard
    assert home.pk not in feedback_disabled_page_ids()


# -- the report --------------------------------------------------------------------------------


def test_the_report_lists_pages_least_helpful_first(admin_client, home):
    good = WebinarSessionPageFactory(parent=home, title="Bra sida")
    bad = WebinarSessionPageFactory(parent=home, title="Dålig sida")
    answers(good, yes=4, no=1)
    answers(bad, yes=1, no=4)

    html = report_table(admin_client)

    assert html.index("Dålig sida") < html.index("Bra sida")


def test_the_report_sorts_by_number_of_answers(admin_client, home):
    few = WebinarSessionPageFactory(parent=home, title="Få svar")
    many = WebinarSessionPageFactory(parent=home, title="Många svar")
    answers(few, no=1)
    answers(many, yes=5)

    html = report_table(admin_client, {"ordering": "-answers"})

    assert html.index("Många svar") < html.index("Få svar")


def test_the_report_lists_answers_about_paths_that_are_not_pages(admin_client, site):
    Feedback.objects.create(site=site, path="/kontakt/", helpful=False, comment="Saknade karta")

    html = report_table(admin_client)

    assert "/kontakt/" in html
    assert "Saknade karta" in html


def test_the_report_filters_by_section(admin_client, home):
    section = WebinarSessionPageFactory(parent=home, title="Bygga och bo")
    inside = WebinarSessionPageFactory(parent=section, title="Bygglov")
    outside = WebinarSessionPageFactory(parent=home, title="Skola")
    answers(inside, yes=1)
    answers(outside, yes=1)

    html = report_table(admin_client, {"section": section.pk})

    assert "Bygglov" in html
    assert "Skola" not in html


def test_the_report_filters_by_period(admin_client, home):
    old = WebinarSessionPageFactory(parent=home, title="Gammal")
    new = WebinarSessionPageFactory(parent=home, title="Ny")
    answers(old, yes=1, when=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC))
    answers(new, yes=1, when=datetime.datetime(2026, 6, 10, tzinfo=datetime.UTC))

    html = report_table(
        admin_client, {"created_at_from": "2026-06-01", "created_at_to": "2026-06-30"}
    )

    assert "Ny" in html
    assert "Gammal" not in html


def test_the_report_filters_by_site(admin_client, home, root_page):
    from wagtail.models import Site

    other_home = root_page.add_child(instance=Page(title="Andra kommunen", slug="andra"))
    other_site = Site.objects.create(hostname="andra.example", root_page=other_home)
    answers(home, yes=1)
    answers(other_home, yes=1, site=other_site)

    html = report_table(admin_client, {"site": other_site.pk})

    assert "Andra kommunen" in html
    assert f">{home.title}<" not in html


def test_the_report_exports_csv_with_comments(admin_client, home):
    answers(home, yes=1, comments=["Saknade telefontider"])

    response = admin_client.get(REPORT_URL, {"export": "csv"})

    content = b"".join(response.streaming_content).decode()
    assert "Andel ja (%)" in content
    assert "50" in content
    assert "Saknade telefontider" in content


def test_the_report_csv_turns_a_formula_into_text(admin_client, home):
    # Comments start with their date in the export; a page title is the cell that can start
    # with "=".
    home.title = "=1+1"
    home.save()
    answers(home, no=1)

    response = admin_client.get(REPORT_URL, {"export": "csv"})

    content = b"".join(response.streaming_content).decode()
    assert "'=1+1" in content


def test_the_report_exports_xlsx(admin_client, home):
    answers(home, yes=3, no=1)

    response = admin_client.get(REPORT_URL, {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:6] == ("Sida eller sökväg", "Webbplats", "Svar", "Ja", "Nej", "Andel ja (%)")
    assert rows[1][2:6] == (4, 3, 1, 75)


def test_the_report_needs_the_permission_to_view_feedback(client, django_user_model, home):
    user = django_user_model.objects.create_user("besok", "b@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    assert client.get(REPORT_URL).status_code in (302, 403)
    assert REPORT_URL not in client.get("/admin/").content.decode()


def test_a_group_with_the_permission_sees_the_report_in_the_menu(client, django_user_model, home):
    group = Group.objects.create(name="Webbredaktörer")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_feedback"),
    )
    GroupPagePermission.objects.create(group=group, page=home, permission_type="change")
    user = django_user_model.objects.create_user("redaktor2", "r2@example.org", "pw")
    user.groups.add(group)
    client.force_login(user)

    assert client.get(REPORT_URL).status_code == 200
    assert REPORT_URL in client.get("/admin/").content.decode()


# -- the report: path, site, totals, the share since publishing, queries -----------------------


def test_the_report_shows_the_pages_path_on_its_site_beside_its_title(admin_client, home):
    section = WebinarSessionPageFactory(parent=home, title="Bygga och bo", slug="bygga")
    page = WebinarSessionPageFactory(parent=section, title="Bygglov", slug="bygglov")
    answers(page, yes=1)

    html = report_table(admin_client)

    assert "/bygga/bygglov/" in html
    assert f"/{home.slug}/bygga/" not in html  # the path on the site, not in Wagtail's tree
    assert "localhost" in html


def test_the_report_footer_counts_answers_not_rows(admin_client, home):
    first = WebinarSessionPageFactory(parent=home, title="Första")
    second = WebinarSessionPageFactory(parent=home, title="Andra")
    answers(first, yes=3, no=1)
    answers(second, no=2)

    html = report_table(admin_client)

    assert "2 sidor eller sökvägar, 6 svar" in html


def test_the_report_shows_the_share_of_yes_since_the_page_was_last_published(admin_client, home):
    page = WebinarSessionPageFactory(parent=home, title="Ändrad sida")
    page.save_revision().publish()
    page.refresh_from_db()
    answers(page, no=3)  # before the page was published again: no published_at of now
    Feedback.objects.bulk_create(
        [
            Feedback(
                page=page, site=page.get_site(), helpful=h, page_published_at=page.last_published_at
            )
            for h in (1, 1, 1, 0)
        ]
    )

    response = admin_client.get(REPORT_URL, {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = list(sheet.values)[:2]
    values = dict(zip(header, row, strict=True))
    assert values["Andel ja (%)"] == 43  # 3 of 7
    assert values["Svar sedan senaste publiceringen"] == 4
    assert values["Andel ja sedan senaste publiceringen (%)"] == 75
    assert "75 %" in report_table(admin_client)


def many_pages_with_feedback(home, n_rows):
    """``n_rows`` rows of the report: pages with answers and five comments each, and paths."""
    site = home.get_site()
    n, n_paths = n_rows - n_rows // 2, n_rows // 2
    rows = []
    for i in range(n):
        page = WebinarSessionPageFactory(parent=home, title=f"Sida {i}")
        rows += [
            Feedback(page=page, site=site, path=page.url_path, helpful=bool(i % 2))
            for _ in range(2)
        ]
        rows += [
            Feedback(
                page=page,
                site=site,
                path=page.url_path,
                helpful=False,
                comment=f"Kommentar {i}.{c}",
            )
            for c in range(5)
        ]
    rows += [
        Feedback(site=site, path=f"/inte-en-sida-{i}/", helpful=False, comment="Sökväg")
        for i in range(n_paths)
    ]
    Feedback.objects.bulk_create(rows)


# The session, the user and their profile, then the totals, the rows and the comments.
REPORT_QUERIES = 6


@pytest.mark.parametrize("rows", [5, 50])
def test_a_page_of_the_report_costs_the_same_queries_for_5_and_for_50_rows(
    admin_client, home, django_assert_num_queries, rows
):
    many_pages_with_feedback(home, rows)
    admin_client.get(REPORT_URL + "results/")  # warm the caches Wagtail fills on first use

    with django_assert_num_queries(REPORT_QUERIES):
        html = admin_client.get(REPORT_URL + "results/").content.decode()

    assert html.count("<tr") - 1 == rows
    assert "Kommentar 0.4" in html and "Kommentar 0.1" not in html  # the latest three


# An editor: also their model permissions (two queries), their page permissions, and which of
# the rows' pages they reach.
EDITOR_REPORT_QUERIES = 10


@pytest.mark.parametrize("rows", [5, 50])
def test_an_editors_page_of_the_report_costs_the_same_queries_for_5_and_for_50_rows(
    client, north, django_assert_num_queries, rows
):
    many_pages_with_feedback(north.home, rows)
    client.force_login(north.editor)
    client.get(REPORT_URL + "results/")

    with django_assert_num_queries(EDITOR_REPORT_QUERIES):
        html = client.get(REPORT_URL + "results/").content.decode()

    assert "Kommentar 0.4" in html


def test_an_export_is_logged_against_each_site_in_it(client, north, south):
    from wagtail.models import ModelLogEntry

    answers(north.home, yes=1)
    answers(south.home, no=1)
    client.force_login(north.editor)

    response = client.get(REPORT_URL, {"export": "csv"})
    b"".join(response.streaming_content)

    logged = {
        (int(e.object_id), e.data["format"], e.data["rows"], e.user_id)
        for e in ModelLogEntry.objects.filter(action="wagtail_webinars_feedback.export_report")
    }
    assert logged == {
        (north.site.pk, "csv", 1, north.editor.pk),
        (south.site.pk, "csv", 1, north.editor.pk),
    }


def test_looking_at_the_report_is_not_logged(admin_client, home):
    from wagtail.models import ModelLogEntry

    answers(home, yes=1)

    report_table(admin_client)

    assert not ModelLogEntry.objects.filter(
        action__startswith="wagtail_webinars_feedback."
    ).exists()
