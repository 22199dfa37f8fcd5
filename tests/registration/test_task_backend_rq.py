"""The RQ task queue on Redis of docs/email.md "On Redis, with RQ", as a host sets it up: the
docs' lines for the installed django-tasks (tests/settings_tasks_rq.py runs them), `migrate`,
registrations, RQ workers in burst mode and the docs' cron lines, each in a subprocess of its
own against a throwaway SQLite file and Redis database 3. Each e-mail waits in Redis until a
worker sends it, once.
"""

import contextlib
import json
import os
import shlex
import socket
import subprocess
import sys
import textwrap
from email import message_from_string
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from tests.email_docs import cron_commands, docs_block, rq_configuration

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/3"


def _redis_answers() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), timeout=1):
        return True
    return False


def _rq_installed() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) for name in ("django_rq", "rq"))


pytestmark = [
    pytest.mark.skipif(not _redis_answers(), reason="needs Redis at 127.0.0.1:6379"),
    pytest.mark.skipif(not _rq_installed(), reason="needs the testing extra (django-rq, RQ)"),
]

REGISTER = textwrap.dedent(
    """
    import datetime, json, django
    django.setup()
    from django.utils import timezone
    from tests.conftest import ensure_wagtail_tree
    from tests.factories import WebinarSessionPageFactory
    from wagtail_webinars.models.registrations import Registration, RegistrationEmail
    from wagtail_webinars.registration.services import RegistrationRequest, register

    site = ensure_wagtail_tree()
    now = timezone.now()
    later = WebinarSessionPageFactory(parent=site.root_page, title="Köade bekräftelser")
    soon = WebinarSessionPageFactory(
        parent=site.root_page, title="Snart i sändning",
        start=now + datetime.timedelta(minutes=30), end=now + datetime.timedelta(minutes=90),
    )
    register(later, RegistrationRequest(name="Anna Andersson", email="anna@example.se"))
    bo = register(soon, RegistrationRequest(name="Bo Berg", email="bo@example.se")).registration
    # Registered before the hour's reminder moment, so that it is due now.
    Registration.objects.filter(pk=bo.pk).update(created_at=now - datetime.timedelta(hours=2))
    print(json.dumps([[e.kind, e.state] for e in RegistrationEmail.objects.all()]))
    """
)

QUEUE = textwrap.dedent(
    """
    import json, django
    django.setup()
    import django_rq
    from django.conf import settings
    from wagtail_webinars.models.registrations import RegistrationEmail

    queue = django_rq.get_queue("default")
    print(json.dumps({
        "backend": settings.TASKS["default"]["BACKEND"],
        "jobs": [job.func_name for job in queue.get_jobs()],
        "emails": [[e.kind, e.state] for e in RegistrationEmail.objects.order_by("pk")],
    }))
    """
)

OURS = "wagtail_webinars.registration.mail."


def run(args, env) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def worker_line() -> list[str]:
    """The docs' rqworker line for the installed django-tasks, in burst mode (one pass over
    the queue, then exit), as a test runs it."""
    configuration = rq_configuration()
    for line in docs_block("tasks-rq-test", "workers", "bash").splitlines():
        command, _, comment = line.partition("#")
        if comment.strip().replace(" ", "-") == configuration:
            return [*shlex.split(command)[2:], "--burst"]
    raise AssertionError(f"docs/email.md has no rqworker line for {configuration}")


def read_mail(mail_dir: Path) -> list:
    """Every message the file-based backend wrote (one file per connection, messages parted
    by a line of 79 dashes)."""
    messages = []
    for path in sorted(mail_dir.glob("*")) if mail_dir.exists() else []:
        for text in path.read_text().split("\n" + "-" * 79 + "\n"):
            if text.strip():
                messages.append(message_from_string(text.lstrip("\n")))
    return messages


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> dict:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    tmp = tmp_path_factory.mktemp("tasks-rq")
    mail_dir = tmp / "mail"
    env = {k: v for k, v in os.environ.items() if k not in {"WW_DB", "WW_CACHE"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.settings_tasks_rq",
        "PYTHONPATH": str(REPO),
        "WW_TASKS_DB": str(tmp / "site.sqlite3"),
        "WW_TASKS_MAIL_DIR": str(mail_dir),
        "REDIS_URL": REDIS_URL,
    }
    worker = ["-m", "django", *worker_line()]
    run(["-m", "django", "migrate", "--noinput"], env)
    steps = {"registered": json.loads(run(["-c", REGISTER], env).splitlines()[-1])}
    steps["queued"] = json.loads(run(["-c", QUEUE], env).splitlines()[-1])
    steps["mail_before"] = read_mail(mail_dir)
    run(worker, env)
    steps["worked"] = json.loads(run(["-c", QUEUE], env).splitlines()[-1])
    steps["mail_worked"] = read_mail(mail_dir)
    steps["cron"] = [run(["-m", "django", *command], env) for command in cron_commands()]
    steps["after_cron"] = json.loads(run(["-c", QUEUE], env).splitlines()[-1])
    run(worker, env)
    run(worker, env)  # a second pass finds nothing left
    steps["pending_mail"] = run(["-m", "django", "webinars_send_pending_mail"], env)
    steps["done"] = json.loads(run(["-c", QUEUE], env).splitlines()[-1])
    steps["mail"] = read_mail(mail_dir)
    redis.Redis.from_url(REDIS_URL).flushdb()
    return steps


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_settings_are_the_docs_lines_for_this_django_tasks(host):
    expected = {
        "django-tasks-rq": "django_tasks_rq.RQBackend",
        "django-tasks-0.7": "django_tasks.backends.rq.RQBackend",
    }[rq_configuration()]
    assert host["queued"]["backend"] == expected


def test_the_confirmations_wait_in_redis(host):
    assert host["registered"] == [["confirmation", "pending"]] * 2
    assert [j for j in host["queued"]["jobs"] if j.startswith(OURS)] == [
        OURS + "send_registration_email"
    ] * 2
    assert host["mail_before"] == []


def test_a_worker_in_burst_mode_sends_them_once(host):
    assert host["worked"]["emails"] == [["confirmation", "sent"]] * 2
    assert [j for j in host["worked"]["jobs"] if j.startswith(OURS)] == []
    assert sorted(m["To"] for m in host["mail_worked"]) == [
        "Anna Andersson <anna@example.se>",
        "Bo Berg <bo@example.se>",
    ]


def test_the_docs_cron_lines_run_and_queue_the_reminder_for_the_worker(host):
    assert len(host["cron"]) == 4
    assert "reminders queued: 1" in host["cron"][1]
    assert host["after_cron"]["emails"][-1] == ["reminder", "pending"]
    assert [j for j in host["after_cron"]["jobs"] if j.startswith(OURS)] == [
        OURS + "send_registration_emails"
    ]


def test_every_e_mail_is_sent_exactly_once(host):
    assert host["done"]["emails"] == [
        ["confirmation", "sent"],
        ["confirmation", "sent"],
        ["reminder", "sent"],
    ]
    assert "nothing due" in host["pending_mail"]
    assert sorted((m["To"], subject(m).split(":")[0]) for m in host["mail"]) == [
        ("Anna Andersson <anna@example.se>", "Bekräftelse på din anmälan"),
        ("Bo Berg <bo@example.se>", "Bekräftelse på din anmälan"),
        ("Bo Berg <bo@example.se>", "Påminnelse"),
    ]
    message_ids = [m["Message-ID"] for m in host["mail"]]
    assert len(set(message_ids)) == 3
    assert all(i.startswith("<wagtail-webinars.") for i in message_ids)
