"""The feedback report's comments, which visitors wrote, are shown to an editor only for pages
they may edit or publish; the counts of every page stay in the report. Two sites, one per region
(the ``north`` and ``south`` fixtures), each with its own editor group."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from wagtail_webinars.feedback.models import Feedback

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/webinars/feedback/report/"


def comment(page, text, site):
    Feedback.objects.create(page=page, site=site, path=page.url_path, helpful=False, comment=text)


@pytest.fixture
def comments(north, south):
    comment(north.session, "Norrs kommentar", north.site)
    comment(south.session, "Syds kommentar", south.site)
    Feedback.objects.create(site=south.site, path="/kontakt/", helpful=False, comment="Syds karta")


def test_an_editor_sees_the_comments_of_their_own_sites_pages(client, north, comments):
    client.force_login(north.editor)

    html = client.get(REPORT_URL + "results/").content.decode()

    assert "Norrs kommentar" in html
    assert "Syds kommentar" not in html
    assert "Syds karta" not in html  # a path on a site whose root they do not reach


def test_an_editor_sees_the_counts_of_other_sites_pages_without_their_comments(
    client, north, south, comments
):
    client.force_login(north.editor)

    html = client.get(REPORT_URL + "results/").content.decode()

    assert south.session.title in html
    assert "Endast sidans redaktörer ser dess kommentarer." in html


def test_the_export_holds_only_the_comments_of_the_editors_pages(client, south, comments):
    client.force_login(south.editor)

    response = client.get(REPORT_URL, {"export": "csv"})
    csv = b"".join(response.streaming_content).decode()

    assert "Syds kommentar" in csv
    assert "Syds karta" in csv  # south's editors reach their site's root: its paths are theirs
    assert "Norrs kommentar" not in csv


def test_a_superuser_sees_every_comment(admin_client, comments):
    html = admin_client.get(REPORT_URL + "results/").content.decode()

    assert "Norrs kommentar" in html and "Syds kommentar" in html and "Syds karta" in html


def test_a_page_editor_without_the_view_permission_gets_no_report(
    client, django_user_model, north, comments
):
    group = Group.objects.create(name="Bara sidor")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=north.home, permission_type="change")
    user = django_user_model.objects.create_user("sidredaktor", "s@example.org", "x")
    user.groups.add(group)
    client.force_login(user)

    response = client.get(REPORT_URL + "results/")

    assert response.status_code in (302, 403)
    assert "Norrs kommentar" not in response.content.decode()
