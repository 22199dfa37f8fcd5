"""Webinar pages behind a shared front-end cache (``FRONTEND_CACHE``): which answers a shared
cache may keep and for how long, no CSRF token on them and the Origin check that replaces it, and
which URLs a registration or a publish purges, once per transaction, through
``wagtail.contrib.frontend_cache``'s HTTP backend into a real HTTP server that records them."""

import contextlib
import datetime
import http.server
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.clock import NOW
from tests.factories import (
    PageViewRestrictionFactory,
    WebinarSeriesPageFactory,
    WebinarSessionPageFactory,
)
from wagtail_webinars import shared_cache
from wagtail_webinars.models import Registration
from wagtail_webinars.registration.services import (
    RegistrationRequest,
    cancel,
    register,
    session_row_lock,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen", "fresh_rate_limits", "local_cache"),
]

SHARED = "public, max-age=0, s-maxage={}"


class PurgeRecorder(http.server.ThreadingHTTPServer):
    """A real HTTP server on loopback that answers PURGE as Varnish does and records each one as
    ``(host, path)``."""

    def __init__(self):
        self.purged: list[tuple[str, str]] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):
                recorder.purged.append((self.headers["Host"], self.path))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def paths(self) -> list[str]:
        return sorted(path for _host, path in self.purged)


@pytest.fixture
def recorder():
    server = PurgeRecorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def frontend_cache(settings, recorder):
    """FRONTEND_CACHE on, purging through Wagtail's HTTP backend into ``recorder``."""
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "FRONTEND_CACHE": True}
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{recorder.server_address[1]}",
        }
    }
    return recorder


@pytest.fixture
def series(home):
    return WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")


@pytest.fixture
def session(series):
    return WebinarSessionPageFactory(
        parent=series,
        title="Har fått en hårdare ton",
        start=NOW + datetime.timedelta(days=1),
        end=NOW + datetime.timedelta(days=1, minutes=90),
        registration_capacity=50,
    )


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the test's transaction to commit, as a real commit would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def someone(n):
    return RegistrationRequest(
        name=f"Deltagare {n}", email=f"d{n}@kommun.example", consent_text="ja"
    )


def form_data(**overrides):
    return {
        "name": "Lena Lindgren",
        "email": "lena@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": "on",
        **overrides,
    }


def path(page) -> str:
    return page.url


# --- the headers ---------------------------------------------------------------------------


def test_without_the_setting_pages_keep_their_csrf_token_and_no_shared_cache_header(
    client, session
):
    response = client.get(session.url)
    assert "public" not in response.get("Cache-Control", "")
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.usefixtures("frontend_cache")
def test_a_session_page_is_shared_for_the_longest_time_allowed(client, session):
    response = client.get(session.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == SHARED.format(300)


@pytest.mark.usefixtures("frontend_cache")
def test_a_shared_page_has_no_csrf_token_and_sets_no_csrf_cookie(client, session):
    response = client.get(session.url)
    html = response.content.decode()
    assert 'name="email"' in html  # the form is there
    assert "csrfmiddlewaretoken" not in html
    assert "__wagtail_webinars_csrf_token__" not in html
    assert "csrftoken" not in response.cookies
    assert "Set-Cookie" not in response


@pytest.mark.usefixtures("frontend_cache")
def test_the_max_age_setting_bounds_the_lifetime(client, session, settings):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "FRONTEND_CACHE_MAX_AGE": 60}
    assert client.get(session.url)["Cache-Control"] == SHARED.format(60)


@pytest.mark.usefixtures("frontend_cache")
def test_a_page_is_kept_no_longer_than_until_registration_closes(client, session):
    session.registration_closes_at = NOW + datetime.timedelta(seconds=100)
    session.save_revision().publish()
    assert client.get(session.url)["Cache-Control"] == SHARED.format(100)


@pytest.mark.usefixtures("frontend_cache")
def test_a_page_is_kept_no_longer_than_until_registration_opens(client, session):
    session.registration_opens_at = NOW + datetime.timedelta(seconds=42, milliseconds=500)
    session.save_revision().publish()
    # Rounded down: no copy outlives the moment the form opens.
    assert client.get(session.url)["Cache-Control"] == SHARED.format(42)


@pytest.mark.usefixtures("frontend_cache")
def test_a_page_is_kept_no_longer_than_until_the_session_starts(client, session):
    session.start = NOW + datetime.timedelta(seconds=30)
    session.end = NOW + datetime.timedelta(minutes=90)
    session.save_revision().publish()
    assert client.get(session.url)["Cache-Control"] == SHARED.format(30)


@pytest.mark.usefixtures("frontend_cache")
def test_a_series_page_is_kept_no_longer_than_until_one_of_its_dates_closes(
    client, series, session
):
    WebinarSessionPageFactory(
        parent=series,
        start=NOW + datetime.timedelta(days=2),
        registration_closes_at=NOW + datetime.timedelta(seconds=77),
    )
    assert client.get(series.url)["Cache-Control"] == SHARED.format(77)


@pytest.mark.usefixtures("frontend_cache")
def test_a_logged_in_user_is_never_served_a_shared_page(client, session):
    user = get_user_model().objects.create_user("redaktor", "r@example.org", "x")
    client.force_login(user)
    response = client.get(session.url)
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("frontend_cache")
def test_a_preview_is_private(session):
    response = session.make_preview_request()
    # Wagtail's own preview answer says "private" after ours: no shared cache keeps it either way.
    assert response["Cache-Control"].startswith("private")
    assert "public" not in response["Cache-Control"]


@pytest.mark.usefixtures("frontend_cache")
def test_a_private_page_is_private(client, session):
    PageViewRestrictionFactory(page=session, restriction_type="password", password="hemligt")
    response = client.get(session.url)
    # Wagtail answers with its password form before the page serves: private, as ours would be.
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.usefixtures("frontend_cache")
def test_a_form_sent_back_with_errors_is_private(client, session):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(email="inte-en-adress"))
    assert response.status_code == 200
    assert "ww-error-summary" in response.content.decode() or "fel" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("frontend_cache")
def test_a_full_session_refusal_is_private(client, session):
    session.registration_capacity = 1
    session.registration_waitlist = False
    session.save_revision().publish()
    register(session, someone(1))
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 409
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("frontend_cache")
def test_a_page_with_the_feedback_widgets_comment_token_is_private(client, session):
    from wagtail_webinars.feedback.scrub import WIDGET_PARAMS

    assert set(shared_cache.PER_VISITOR_PARAMS) <= set(WIDGET_PARAMS)
    response = client.get(session.url, {"ww_feedback": "no", "ww_feedback_token": "abc"})
    assert response["Cache-Control"] == "private, no-store"


# --- the Origin check that replaces the CSRF token ------------------------------------------


@pytest.mark.usefixtures("frontend_cache")
def test_a_same_site_post_without_a_csrf_token_registers(session):
    client = Client(enforce_csrf_checks=True)
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    assert Registration.objects.filter(session=session, email="lena@kiruna.example").exists()


@pytest.mark.usefixtures("frontend_cache")
def test_a_cross_site_post_is_refused_with_a_clear_error(session):
    client = Client(enforce_csrf_checks=True)
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "kom från en annan webbplats" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert not Registration.objects.exists()


@pytest.mark.usefixtures("frontend_cache")
def test_a_cross_site_post_is_refused_by_its_referer_when_it_sends_no_origin(session):
    client = Client(enforce_csrf_checks=True)
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(), HTTP_REFERER="https://evil.example/page")
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_without_the_setting_a_post_without_csrf_token_is_refused(session):
    client = Client(enforce_csrf_checks=True)
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = client.post(url, form_data(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 403
    assert not Registration.objects.exists()


# --- the purge -------------------------------------------------------------------------------


def test_a_registration_purges_its_session_and_series_pages(
    frontend_cache, commits, session, series
):
    commits(lambda: register(session, someone(1)))
    assert frontend_cache.paths == sorted([path(session), path(series)])
    assert {host for host, _ in frontend_cache.purged} == {"localhost"}


def test_a_registration_through_the_form_purges_before_the_answer(
    frontend_cache, commits, client, session, series
):
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = commits(lambda: client.post(url, form_data(), HTTP_ORIGIN="http://testserver"))
    assert response.status_code == 302
    assert frontend_cache.paths == sorted([path(session), path(series)])


def test_a_cancellation_purges_the_same_pages(frontend_cache, commits, session, series):
    outcome = commits(lambda: register(session, someone(1)))
    frontend_cache.purged.clear()
    commits(lambda: cancel(Registration.objects.get(pk=outcome.registration.pk)))
    assert frontend_cache.paths == sorted([path(session), path(series)])


def test_a_deleted_registration_purges_the_same_pages(frontend_cache, commits, session, series):
    commits(lambda: register(session, someone(1)))
    frontend_cache.purged.clear()
    commits(lambda: Registration.objects.get().delete())
    assert frontend_cache.paths == sorted([path(session), path(series)])


def test_a_page_that_refers_to_the_session_is_purged_too(frontend_cache, commits, session, home):
    # Found through Wagtail's reference index, as a host's page holding a RegistrationFormBlock
    # for the session is: here a link to it in another page's text.
    linking = WebinarSessionPageFactory(parent=home, start=NOW + datetime.timedelta(days=5))
    linking.programme = [
        {
            "type": "paragraph",
            "value": f'<p>Se även <a linktype="page" id="{session.pk}">samtalet</a>.</p>',
        }
    ]
    commits(lambda: linking.save_revision().publish())
    frontend_cache.purged.clear()
    commits(lambda: register(session, someone(1)))
    assert path(linking) in frontend_cache.paths


def test_many_registrations_in_one_transaction_purge_each_url_once(
    frontend_cache, commits, session, series
):
    def register_five():
        with transaction.atomic():
            for n in range(5):
                register(session, someone(n))

    commits(register_five)
    assert Registration.objects.count() == 5
    assert frontend_cache.paths == sorted([path(session), path(series)])


def test_nothing_is_purged_before_the_transaction_commits(frontend_cache, session):
    register(session, someone(1))  # the test's transaction never commits
    assert frontend_cache.purged == []


def test_a_registration_moves_its_groups_counter_before_it_commits(frontend_cache, session, series):
    # A page rendering while the registration commits then sees the counter moved and is not
    # kept, however late its check comes (tests/test_frontend_cache.py, concurrently).
    before = shared_cache._group_counter(series.pk)
    register(session, someone(1))  # the test's transaction never commits
    assert frontend_cache.purged == []
    assert shared_cache._group_counter(series.pk) != before


def test_a_registration_moves_its_groups_counter_under_the_lock_not_while_it_waits(
    frontend_cache, session, series
):
    # register() writes its row before it waits for the session's lock: a bump at that write
    # would widen the window in which a render is kept stale by the whole wait.
    counters = []

    @contextlib.contextmanager
    def watched_lock(locked_session):
        counters.append(shared_cache._group_counter(series.pk))
        with session_row_lock(locked_session):
            yield
        counters.append(shared_cache._group_counter(series.pk))

    before = shared_cache._group_counter(series.pk)
    register(session, someone(1), lock=watched_lock)
    assert counters[0] == before
    assert counters[1] != before


def test_a_rolled_back_registration_purges_nothing_later(frontend_cache, commits, session, home):
    other = WebinarSessionPageFactory(
        parent=home, start=NOW + datetime.timedelta(days=4), registration_capacity=10
    )

    def rolled_back_then_another():
        try:
            with transaction.atomic():
                register(session, someone(1))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        register(other, someone(2))

    commits(rolled_back_then_another)
    assert frontend_cache.paths == [path(other)]


def test_a_session_without_a_capacity_purges_nothing(frontend_cache, commits, series):
    # Its pages show no count of places: a registration changes nothing on them.
    unlimited = WebinarSessionPageFactory(parent=series, start=NOW + datetime.timedelta(days=3))
    commits(lambda: register(unlimited, someone(1)))
    assert frontend_cache.purged == []


def test_a_save_that_changes_no_count_purges_nothing(frontend_cache, commits, session):
    outcome = commits(lambda: register(session, someone(1)))
    frontend_cache.purged.clear()
    registration = Registration.objects.get(pk=outcome.registration.pk)
    commits(lambda: registration.save(update_fields=["name"]))
    assert frontend_cache.purged == []


def test_a_published_session_purges_its_series_and_sibling_dates(
    frontend_cache, commits, session, series, home
):
    sibling = WebinarSessionPageFactory(parent=series, start=NOW + datetime.timedelta(days=2))
    elsewhere = WebinarSessionPageFactory(parent=home, start=NOW + datetime.timedelta(days=2))
    frontend_cache.purged.clear()
    session.start += datetime.timedelta(hours=1)
    session.end += datetime.timedelta(hours=1)
    commits(lambda: session.save_revision().publish())
    assert set(frontend_cache.paths) == {path(session), path(series), path(sibling)}
    assert path(elsewhere) not in frontend_cache.paths


def test_a_published_series_purges_its_dates(frontend_cache, commits, session, series):
    frontend_cache.purged.clear()
    commits(lambda: series.save_revision().publish())
    assert set(frontend_cache.paths) == {path(session), path(series)}


def test_without_wagtailfrontendcache_nothing_is_purged_and_nothing_fails(
    settings, commits, recorder, session
):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "FRONTEND_CACHE": True}
    commits(lambda: register(session, someone(1)))
    assert Registration.objects.count() == 1
    assert recorder.purged == []


def test_without_the_setting_nothing_is_purged(settings, recorder, commits, session):
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{recorder.server_address[1]}",
        }
    }
    commits(lambda: register(session, someone(1)))
    assert recorder.purged == []


def test_an_unreachable_cache_does_not_fail_the_registration(settings, commits, session, client):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "FRONTEND_CACHE": True}
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",  # discard: nothing listens
        }
    }
    url = reverse("wagtail_webinars:session_register", args=[session.pk])
    response = commits(lambda: client.post(url, form_data(), HTTP_ORIGIN="http://testserver"))
    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_a_page_rendered_while_its_group_was_purged_is_not_kept(
    frontend_cache, client, session, monkeypatch
):
    # As if a registration committed and purged while this page was rendering: the copy may
    # show the places from before, so the shared cache must not keep it.
    response = client.get(session.url)
    assert response["Cache-Control"] == SHARED.format(300)

    original = shared_cache.shared_max_age

    def purge_meanwhile(*args, **kwargs):
        shared_cache.page_cache.get_cache().set(
            shared_cache.GROUP_KEY.format(shared_cache.group_id(session)), "moved", None
        )
        return original(*args, **kwargs)

    # The counter moves between the page's first read of it and the render's end.
    monkeypatch.setattr(shared_cache, "shared_max_age", purge_meanwhile)
    response = client.get(session.url)
    assert response["Cache-Control"] == SHARED.format(0)


def test_the_deploy_check_warns_when_nothing_purges(settings):
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "FRONTEND_CACHE": True}
    from wagtail_webinars.checks import check_frontend_cache

    assert [m.id for m in check_frontend_cache()] == ["wagtail_webinars.W030"]


def test_the_deploy_check_warns_when_only_our_pages_are_purged(frontend_cache):
    from wagtail_webinars.checks import check_frontend_cache

    # The test settings do not install wagtail.contrib.frontend_cache.
    assert [m.id for m in check_frontend_cache()] == ["wagtail_webinars.W031"]


def test_the_deploy_check_is_silent_with_the_setting_off():
    from wagtail_webinars.checks import check_frontend_cache

    assert check_frontend_cache() == []
