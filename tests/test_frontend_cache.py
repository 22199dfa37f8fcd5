"""The webinar pages behind a real Varnish (Debian's ``varnishd``, started by these tests on a free
loopback port with example_project/deploy/varnish.vcl) in front of Django's live server, purged
through ``wagtail.contrib.frontend_cache``'s HTTP backend: a page is served from the cache, and what
changes without a publish (places left, "Fullbokat") or with one (the moved-time banner) is right
for the very next visitor; a logged-in editor is never served from it.

Without ``varnishd`` these tests are skipped, except in CI (``CI=true``), where they fail: CI
installs it (scripts/test.sh)."""

import datetime
import http.client
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ensure_wagtail_tree
from tests.factories import WebinarSeriesPageFactory, WebinarSessionPageFactory
from wagtail_webinars.models import Registration
from wagtail_webinars.pagemodel import session_page_model

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("local_cache")]

DEPLOY = Path(__file__).resolve().parent.parent / "example_project" / "deploy"
HOST = "localhost"  # the test site's hostname: what the purge sends as Host


def varnishd_path() -> str | None:
    return shutil.which("varnishd") or next(
        (p for p in ("/usr/sbin/varnishd",) if os.access(p, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_vcl_writer():
    spec = importlib.util.spec_from_file_location("varnish_vcl", DEPLOY / "varnish_vcl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Varnish:
    """``varnishd`` in the foreground with our VCL, in front of ``backend`` (host:port)."""

    def __init__(self, backend: str):
        binary = varnishd_path()
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="ww-varnish-")
        vcl = Path(self.workdir) / "site.vcl"
        vcl.write_text(load_vcl_writer().render([backend]))
        # Run as root, varnishd reads the VCL as its own unprivileged user.
        os.chmod(self.workdir, 0o755)
        os.chmod(vcl, 0o644)
        self.process = subprocess.Popen(
            [
                binary,
                "-F",
                "-n",
                self.workdir,
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                f"127.0.0.1:{free_port()}",
                "-f",
                str(vcl),
                "-s",
                "malloc,64m",
                "-p",
                "ban_lurker_sleep=0.01",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd stopped: {self.process.stdout.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("varnishd did not start listening") from None
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        content = response.read().decode()
        connection.close()
        return response, content

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


@pytest.fixture
def varnish(live_server, settings):
    if varnishd_path() is None:
        message = "varnishd is not installed (apt-get install varnish)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    backend = urlsplit(live_server.url).netloc.replace("localhost", "127.0.0.1")
    cache = Varnish(backend)
    settings.WAGTAIL_WEBINARS = {**settings.WAGTAIL_WEBINARS, "FRONTEND_CACHE": True}
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": cache.url,
        }
    }
    yield cache
    cache.stop()


@pytest.fixture
def session(fresh_rate_limits):
    home = ensure_wagtail_tree().root_page
    series = WebinarSeriesPageFactory(parent=home, title="Det demokratiska samtalet")
    start = timezone.now() + datetime.timedelta(days=3)
    session = WebinarSessionPageFactory(
        parent=series,
        title="Har fått en hårdare ton",
        start=start,
        end=start + datetime.timedelta(minutes=90),
        registration_capacity=2,
        registration_waitlist=False,
    )
    session.save_revision().publish()
    return session


def places(html: str) -> str | None:
    found = re.search(r"\d+ plats(?:er)? kvar\.|Alla platser är tagna\.", html)
    return found and found[0]


def register_through(varnish, session, n, origin=f"http://{HOST}"):
    body = urlencode(
        {
            "name": f"Deltagare {n}",
            "email": f"d{n}@kommun.example",
            "organisation": "Kiruna kommun",
            "municipality_code": "2584",
            "consent": "on",
        }
    )
    return varnish.request(
        "POST",
        reverse("wagtail_webinars:session_register", args=[session.pk]),
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin},
    )


def test_a_page_is_served_from_the_cache_the_second_time(varnish, session):
    first, html = varnish.get(session.url)
    assert first.status == 200
    assert first.getheader("X-Cache") == "MISS"
    assert first.getheader("Cache-Control").startswith("public, max-age=0, s-maxage=")
    assert first.getheader("Set-Cookie") is None
    assert "csrfmiddlewaretoken" not in html
    second, again = varnish.get(session.url)
    assert second.getheader("X-Cache") == "HIT"
    assert again == html


def test_tracking_cookies_and_parameters_do_not_split_the_cache(varnish, session):
    varnish.get(session.url)
    hit, _ = varnish.get(session.url, Cookie="_ga=GA1.2.3; _pk_id.1=abc")
    assert hit.getheader("X-Cache") == "HIT"
    hit, _ = varnish.get(session.url + "?utm_source=nyhetsbrev&utm_medium=e-post")
    assert hit.getheader("X-Cache") == "HIT"
    # A CSRF cookie from a host's own form elsewhere does not keep a visitor from the copy.
    hit, _ = varnish.get(session.url, Cookie="csrftoken=abc123; _ga=GA1.2.3")
    assert hit.getheader("X-Cache") == "HIT"


def test_the_language_cookie_gets_a_copy_of_its_own(varnish, session):
    # Django's language cookie can change the page (LocaleMiddleware): it is part of the key.
    varnish.get(session.url)
    response, _ = varnish.get(session.url, Cookie="django_language=en")
    assert response.getheader("X-Cache") == "MISS"
    assert varnish.get(session.url, Cookie="django_language=en")[0].getheader("X-Cache") == "HIT"
    assert varnish.get(session.url)[0].getheader("X-Cache") == "HIT"


def test_a_registration_shows_in_the_places_left_of_the_next_visitor(varnish, session):
    _, html = varnish.get(session.url)
    assert places(html) == "2 platser kvar."
    assert varnish.get(session.url)[0].getheader("X-Cache") == "HIT"

    answer, _ = register_through(varnish, session, 1)
    assert answer.status == 302

    response, html = varnish.get(session.url)
    assert places(html) == "1 plats kvar."
    assert response.getheader("X-Cache") == "MISS"


def test_a_full_session_says_so_to_the_next_visitor_on_its_series_page_too(varnish, session):
    series = session.get_parent().specific
    varnish.get(session.url)
    _, series_html = varnish.get(series.url)
    assert varnish.get(series.url)[0].getheader("X-Cache") == "HIT"
    for n in (1, 2):
        assert register_through(varnish, session, n)[0].status == 302

    _, html = varnish.get(session.url)
    assert places(html) == "Alla platser är tagna."
    response, new_series_html = varnish.get(series.url)
    assert response.getheader("X-Cache") == "MISS"
    assert new_series_html != series_html


def test_a_moved_session_shows_its_banner_to_the_next_visitor(varnish, session):
    _, html = varnish.get(session.url)
    assert "ww-banner--rescheduled" not in html
    assert varnish.get(session.url)[0].getheader("X-Cache") == "HIT"

    page = session_page_model().objects.get(pk=session.pk).get_latest_revision_as_object()
    page.start += datetime.timedelta(days=1)
    page.end += datetime.timedelta(days=1)
    page.save_revision().publish()

    _, html = varnish.get(session.url)
    assert "ww-banner--rescheduled" in html


def test_a_logged_in_editor_is_never_served_from_the_cache(varnish, session):
    varnish.get(session.url)
    assert varnish.get(session.url)[0].getheader("X-Cache") == "HIT"
    client = Client()
    client.force_login(get_user_model().objects.create_user("redaktor", "r@example.org", "x"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    for _ in range(2):
        response, _ = varnish.get(session.url, Cookie=cookie)
        assert response.getheader("X-Cache") == "MISS"
        assert response.getheader("Cache-Control") == "private, no-store"
    # And what the editor was answered was not kept for anyone else.
    response, html = varnish.get(session.url)
    assert response.getheader("X-Cache") == "HIT"
    assert response.getheader("Cache-Control").startswith("public")


def test_a_cross_site_post_through_the_cache_is_refused(varnish, session):
    answer, html = register_through(varnish, session, 1, origin="https://evil.example")
    assert answer.status == 403
    assert "kom från en annan webbplats" in html
    assert not Registration.objects.exists()


def test_purge_is_refused_from_an_address_outside_the_acl(varnish, session):
    varnish.get(session.url)
    # 127.0.0.2 is loopback too, but not in the ACL, which names 127.0.0.1, ::1 and localhost.
    connection = http.client.HTTPConnection(
        "127.0.0.1", varnish.port, timeout=10, source_address=("127.0.0.2", 0)
    )
    connection.request("PURGE", session.url, headers={"Host": HOST})
    assert connection.getresponse().status == 405
    connection.close()
    assert varnish.get(session.url)[0].getheader("X-Cache") == "HIT"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (WW_DB=postgres): SQLite has no concurrent writers",
)
def test_after_concurrent_registrations_and_views_the_next_visitor_sees_the_places_left(
    varnish, session
):
    # Pages rendered while registrations commit must not put an older count back in the cache
    # after the purge (shared_cache's group counter): once it is all over, the copy is right.
    import threading

    from wagtail_webinars.pagemodel import session_page_model

    session_page_model().objects.filter(pk=session.pk).update(registration_capacity=40)
    page = session_page_model().objects.get(pk=session.pk)
    page.save_revision().publish()
    numbers = iter(range(1000))
    lock = threading.Lock()
    statuses = []

    def registrant():
        for _ in range(5):
            with lock:
                n = next(numbers)
            statuses.append(register_through(varnish, session, n)[0].status)

    def visitor():
        for _ in range(15):
            varnish.get(session.url)

    threads = [threading.Thread(target=registrant) for _ in range(4)]
    threads += [threading.Thread(target=visitor) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(302) == 20, statuses
    _, html = varnish.get(session.url)
    assert places(html) == "20 platser kvar."


def test_the_vcl_for_several_app_processes_compiles_with_a_round_robin_director():
    if varnishd_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("varnishd is not installed (apt-get install varnish)")
        pytest.skip("varnishd is not installed (apt-get install varnish)")
    # Under /tmp itself: varnishd run as root reads the file as its own user.
    workdir = Path(tempfile.mkdtemp(prefix="ww-varnish-vcl-"))
    try:
        os.chmod(workdir, 0o755)
        vcl = workdir / "site.vcl"
        vcl.write_text(load_vcl_writer().render(["127.0.0.1:8001", "127.0.0.1:8002"]))
        os.chmod(vcl, 0o644)
        compiled = subprocess.run(
            [varnishd_path(), "-C", "-f", str(vcl), "-n", str(workdir / "work")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        text = vcl.read_text()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert compiled.returncode == 0, compiled.stderr[-2000:]
    assert "directors.round_robin()" in text
    assert text.count("backend app") == 2


def test_the_app_reads_x_forwarded_for_as_the_tls_proxy_sent_it():
    # Varnish appends its client (the TLS proxy) to X-Forwarded-For; the VCL takes that hop off,
    # so the app's last address (ratelimit.client_address) is the visitor's, not the proxy's.
    import http.server
    import threading

    if varnishd_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("varnishd is not installed (apt-get install varnish)")
        pytest.skip("varnishd is not installed (apt-get install varnish)")

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = (self.headers.get("X-Forwarded-For") or "").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    cache = Varnish(f"127.0.0.1:{backend.server_address[1]}")
    try:
        _, seen = cache.get("/a", **{"X-Forwarded-For": "198.51.100.7"})
        assert seen == "198.51.100.7"
        _, seen = cache.get("/b", **{"X-Forwarded-For": "203.0.113.9, 198.51.100.7"})
        assert seen == "203.0.113.9, 198.51.100.7"
        # Without a proxy in front, Varnish's own client is all there is.
        _, seen = cache.get("/c")
        assert seen == "127.0.0.1"
    finally:
        cache.stop()
        backend.shutdown()
        backend.server_close()
