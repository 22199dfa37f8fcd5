"""The limits hold across processes: two server processes of one site, sharing Redis as a
production site's workers do, count one budget between them, also behind a proxy that sets
``X-Forwarded-For`` (with ``RATELIMIT_IP_META_KEY`` as docs/settings.md tells proxied sites).

Runs on PostgreSQL (WW_DB=postgres) with Redis at 127.0.0.1:6379: the servers are separate
processes, so they must reach the test's database, which SQLite keeps in the test's memory."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import WebinarSessionPageFactory
from wagtail_webinars.feedback.models import Feedback
from wagtail_webinars.models import Registration


def _redis_answers() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return True
    return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (WW_DB=postgres): the server processes share the test database",
    ),
    pytest.mark.skipif(not _redis_answers(), reason="needs Redis at 127.0.0.1:6379"),
]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def two_servers(webinars: dict, ip_meta_key: str = ""):
    """Two server processes of the test site, sharing one fresh Redis namespace; yields their
    base URLs and stops them afterwards."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_server_process",
        "PYTHONPATH": str(ROOT),
        "WW_DB": "postgres",
        "WW_PG_NAME": connection.settings_dict["NAME"],
        "WW_SERVER_CACHE_PREFIX": f"ww-two-processes-{uuid.uuid4().hex}",
        "WW_SERVER_WEBINARS": json.dumps(webinars),
        "WW_SERVER_IP_META_KEY": ip_meta_key,
    }
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen([sys.executable, "-m", "tests.serve", str(port)], cwd=ROOT, env=env)
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            _wait_until_serving(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _wait_until_serving(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server process stopped"
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/kalender/webbinarier/api/municipalities/", timeout=5)
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


def post(url: str, path: str, data: dict, **headers: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def registration(n: int) -> dict:
    return {
        "name": f"Kollega {n}",
        "email": f"kollega{n}@kiruna.example",
        "organisation": "Kiruna kommun",
        "municipality_code": "2584",
        "consent": True,
    }


@pytest.fixture
def session(home):
    return WebinarSessionPageFactory(parent=home, title="Det demokratiska samtalet")


def test_two_processes_count_one_budget_for_registrations_and_one_for_failures(session):
    path = f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/"
    limits = {"REGISTRATION_NETWORK_RATE_LIMIT": "4/h", "REGISTRATION_FAILURE_RATE_LIMIT": "3/h"}
    with two_servers(limits) as (a, b):
        failures = [
            post((a, b)[n % 2], path, {**registration(n), "consent": "ja"})[0] for n in range(5)
        ]
        answers = [post((a, b)[n % 2], path, registration(n))[0] for n in range(8)]
    # Each process alone would have let 3 failures and 4 registrations through, twice that
    # together; the shared counters stop at 3 and 4, and the failures took no registration.
    assert failures == [400, 400, 400, 429, 429]
    assert answers == [201, 201, 201, 201, 429, 429, 429, 429]
    assert Registration.objects.count() == 4


def test_behind_a_proxy_each_visitor_has_a_budget_shared_by_both_processes(session):
    path = f"/kalender/webbinarier/api/sessions/{session.pk}/registrations/"
    limits = {"REGISTRATION_NETWORK_RATE_LIMIT": "2/h"}
    # Every request comes from 127.0.0.1, the proxy; the proxy appends the visitor's address.
    with two_servers(limits, ip_meta_key="HTTP_X_FORWARDED_FOR") as (a, b):
        first = [
            # The visitor forges a first entry of their own each time; it is not what counts.
            post(
                server, path, registration(n), **{"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.1"}
            )
            for n, server in enumerate((a, b, a, b))
        ]
        other = post(b, path, registration(9), **{"X-Forwarded-For": "198.51.100.2"})
    assert [status for status, _, _ in first] == [201, 201, 429, 429]
    assert 0 < int(first[-1][1]["Retry-After"]) <= 3600
    assert other[0] == 201


def test_two_processes_record_an_answer_sent_twice_once(session):
    with two_servers({}) as (a, b):
        for server in (a, b):
            status, _, _ = post(
                server, "/kalender/webbinarier/api/feedback/", {"page": session.pk, "helpful": True}
            )
            assert status == 201
    assert Feedback.objects.count() == 1
