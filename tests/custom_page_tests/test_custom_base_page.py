"""A site with its own base page model (Wagtail 8's WAGTAIL_PAGE_MODEL) uses our page types by
building them from our mixins on its base, swapped in with the WAGTAIL_WEBINARS_…_MODEL settings
(tests/custom_page, tests/settings_custom_page.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import timezone

from tests.factories import PageContactPersonFactory, PageSpeakerFactory
from wagtail_webinars.pagemodel import page_model_name, series_page_model, session_page_model

pytestmark = pytest.mark.django_db

SWAP_SETTINGS = (
    "WAGTAIL_WEBINARS_WEBINARSERIESPAGE_MODEL",
    "WAGTAIL_WEBINARS_WEBINARSESSIONPAGE_MODEL",
    "WAGTAIL_WEBINARS_WEBINARLISTINGPAGE_MODEL",
)


@pytest.fixture
def factories():
    # Imported late: the site's page types exist only under tests.settings_custom_page.
    from . import factories

    return factories


def our_check_messages() -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks() if (m.id or "").startswith("wagtail_webinars.")]


def test_our_page_models_resolve_to_the_sites_own():
    assert page_model_name() == "basepage.BasePage"
    assert session_page_model()._meta.label == "webinarpages.SessionPage"
    assert series_page_model()._meta.label == "webinarpages.SeriesPage"


def test_migrations_from_scratch_leave_nothing_unapplied():
    # The test database was built by running every migration from an empty database.
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_migrations_create_the_sites_tables_and_not_the_swapped_out_ones():
    tables = set(connection.introspection.table_names())
    assert {
        "basepage_basepage",
        "webinarpages_sessionpage",
        "webinarpages_seriespage",
        "webinarpages_listingpage",
        "wagtail_webinars_pagespeaker",
    } <= tables
    assert "wagtailcore_page" not in tables
    assert "wagtail_webinars_webinarsessionpage" not in tables


def test_our_migrations_need_nothing_new_on_a_site_that_swaps_our_pages():
    # Otherwise makemigrations on such a site writes a migration into this package.
    try:
        call_command("makemigrations", "wagtail_webinars", check=True, dry_run=True, verbosity=0)
    except SystemExit:
        pytest.fail("Our models deconstruct differently when our page types are swapped.")


def test_the_sites_page_apps_need_no_new_migrations():
    # A field added to one of our mixins needs a migration in every site that swaps its pages,
    # this test site included.
    try:
        call_command(
            "makemigrations", "basepage", "webinarpages", check=True, dry_run=True, verbosity=0
        )
    except SystemExit:
        pytest.fail(
            "tests/custom_page needs a new migration: run `.venv-w8/bin/python -m django "
            "makemigrations webinarpages --settings=tests.settings_custom_page`."
        )


def test_our_system_checks_pass():
    assert our_check_messages() == []


def test_e007_fires_for_each_page_type_not_swapped():
    with override_settings():
        from django.conf import settings

        for name in SWAP_SETTINGS:
            delattr(settings, name)
        messages = our_check_messages()
    assert [m.id for m in messages] == ["wagtail_webinars.E007"] * 3
    assert {name for name in SWAP_SETTINGS if any(name in m.hint for m in messages)} == set(
        SWAP_SETTINGS
    )


def test_e007_names_only_the_page_type_left_unswapped():
    with override_settings():
        from django.conf import settings

        del settings.WAGTAIL_WEBINARS_WEBINARLISTINGPAGE_MODEL
        messages = our_check_messages()
    assert len(messages) == 1
    assert "WebinarListingPage" in messages[0].msg
    assert "WAGTAIL_WEBINARS_WEBINARLISTINGPAGE_MODEL" in messages[0].hint


def test_swapped_session_page_renders_with_speakers_and_contacts(client, home, factories):
    session = factories.SessionPageFactory(parent=home, title="Det demokratiska samtalet")
    PageSpeakerFactory(page=session, speaker__name="Vian Tahir", role="Inspiratör")
    PageSpeakerFactory(page=session, speaker__name="Anna Moderator", role="Moderator")
    PageContactPersonFactory(
        page=session, contact__name="Lena Lindgren", role="Informationsansvarig"
    )

    response = client.get(session.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "wagtail_webinars/pages/session.html" in [t.name for t in response.templates]
    assert "data-host-header" in html
    assert html.count("<h1") == 1
    assert html.index("Vian Tahir") < html.index("Anna Moderator")
    assert "Inspiratör" in html and "Moderator" in html
    assert "Lena Lindgren" in html and "Informationsansvarig" in html


def test_swapped_session_page_keeps_the_base_page_models_own_field(home, factories):
    session = factories.SessionPageFactory(parent=home)
    base = session.basepage_ptr
    assert type(base).__name__ == "BasePage"
    assert base.department == "Avdelningen för demokrati och styrning"


def test_swapped_series_lists_its_sessions_upcoming_first_then_past(client, home, factories):
    now = timezone.now()
    series = factories.SeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    factories.SessionPageFactory(
        parent=series, title="Tidigare tillfälle", start=now - datetime.timedelta(days=30)
    )
    factories.SessionPageFactory(
        parent=series, title="Senare tillfälle", start=now + datetime.timedelta(days=60)
    )
    factories.SessionPageFactory(
        parent=series, title="Nästa tillfälle", start=now + datetime.timedelta(days=30)
    )

    response = client.get(series.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        html.index("Nästa tillfälle")
        < html.index("Senare tillfälle")
        < html.index("Tidigare tillfälle")
    )
    upcoming, past = series.get_sessions()
    assert [s.title for s in upcoming] == ["Nästa tillfälle", "Senare tillfälle"]
    assert [s.title for s in past] == ["Tidigare tillfälle"]


def test_a_swapped_session_moved_and_published_tells_its_registrants_once(
    home, factories, django_capture_on_commit_callbacks
):
    import icalendar
    from django.core import mail

    from wagtail_webinars.registration.services import RegistrationRequest, register

    start = timezone.now() + datetime.timedelta(days=10)
    session = factories.SessionPageFactory(
        parent=home, start=start, end=start + datetime.timedelta(hours=1)
    )
    session.save_revision().publish()
    register(session, RegistrationRequest(name="Anna Berg", email="anna@example.org"))
    mail.outbox.clear()

    page = session_page_model().objects.get(pk=session.pk).get_latest_revision_as_object()
    page.start = start + datetime.timedelta(days=1)
    page.end = page.start + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
        page.save_revision().publish()

    session.refresh_from_db()
    assert session.calendar_sequence == 1
    assert session.basepage_ptr.department == "Avdelningen för demokrati och styrning"
    [message] = mail.outbox
    [ics] = [a for a in message.attachments if a[0] == "invite.ics"]
    [event] = icalendar.Calendar.from_ical(ics[1]).walk("VEVENT")
    assert event["SEQUENCE"] == 1
