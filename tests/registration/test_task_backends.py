"""The database task queue of docs/email.md "The tasks backend", as a host sets it up: the
docs' lines for the installed django-tasks (tests/settings_tasks_db.py runs them), `migrate`, a
registration, and one batch of `db_worker`, each in a subprocess of its own against a throwaway
SQLite file. The confirmation waits in the queue until the worker sends it.
"""

import json
import os
import subprocess
import sys
import textwrap
from email import message_from_bytes
from email.header import decode_header, make_header
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.email_docs import cron_commands

REPO = Path(__file__).resolve().parents[2]

REGISTER = textwrap.dedent(
    """
    import json, django
    django.setup()
    from tests.conftest import ensure_wagtail_tree
    from tests.factories import WebinarSessionPageFactory
    from wagtail_webinars.models.registrations import RegistrationEmail
    from wagtail_webinars.registration.services import RegistrationRequest, register

    from django.db import transaction
    from django.conf import settings
    from django.utils.module_loading import import_string

    site = ensure_wagtail_tree()
    session = WebinarSessionPageFactory(parent=site.root_page, title="Köade bekräftelser")
    backend = settings.TASKS["default"]["BACKEND"]
    DBTaskResult = import_string(("django_tasks_db.models" if backend.startswith("django_tasks_db")
                                  else "django_tasks.backends.database.models") + ".DBTaskResult")

    class RolledBack(Exception):
        pass

    # A registration whose transaction rolls back leaves no e-mail and no task behind; with
    # django-tasks-db the task row is written inside the transaction, not at its commit.
    try:
        with transaction.atomic():
            register(session, RegistrationRequest(name="Bo Berg", email="bo@example.se"))
            tasks_inside = DBTaskResult.objects.filter(
                task_path="wagtail_webinars.registration.mail.send_registration_email"
            ).count()
            raise RolledBack
    except RolledBack:
        pass
    register(session, RegistrationRequest(name="Anna Andersson", email="anna@example.se"))
    print(json.dumps({
        "emails": [[e.kind, e.state] for e in RegistrationEmail.objects.all()],
        "tasks_inside_the_transaction": tasks_inside,
    }))
    """
)

QUEUE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    from django.utils.module_loading import import_string
    from wagtail_webinars.models.registrations import RegistrationEmail

    backend = settings.TASKS["default"]["BACKEND"]
    models = ("django_tasks_db.models" if backend.startswith("django_tasks_db")
              else "django_tasks.backends.database.models")
    DBTaskResult = import_string(models + ".DBTaskResult")
    print(json.dumps({
        "backend": backend,
        # Ours only: Wagtail 8 queues its search-index and reference-index tasks there too.
        "tasks": [[t.args_kwargs["args"], str(t.status)] for t in DBTaskResult.objects.filter(
            task_path="wagtail_webinars.registration.mail.send_registration_email")],
        "emails": [[e.pk, e.kind, e.state] for e in RegistrationEmail.objects.all()],
    }))
    """
)


def django_tasks_0_7() -> bool:
    return not _django_6() and version("django-tasks").startswith("0.7.")


def _django_6() -> bool:
    import django

    return django.VERSION >= (6, 0)


# django-tasks 0.7 names a task's states NEW and SUCCEEDED; django.tasks and 0.12 READY and
# SUCCESSFUL.
WAITING = "NEW" if django_tasks_0_7() else "READY"
SUCCEEDED = "SUCCEEDED" if django_tasks_0_7() else "SUCCESSFUL"


def run(args, env) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("tasks-db")
    mail_dir = tmp / "mail"
    env = {k: v for k, v in os.environ.items() if k not in {"WW_DB", "WW_CACHE"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.settings_tasks_db",
        "PYTHONPATH": str(REPO),
        "WW_TASKS_DB": str(tmp / "site.sqlite3"),
        "WW_TASKS_MAIL_DIR": str(mail_dir),
    }
    run(["-m", "django", "migrate", "--noinput"], env)
    registered = json.loads(run(["-c", REGISTER], env).splitlines()[-1])
    queued = json.loads(run(["-c", QUEUE], env).splitlines()[-1])
    mail_before = sorted(mail_dir.glob("*")) if mail_dir.exists() else []
    worker = run(["-m", "django", "db_worker", "--batch", "--no-startup-delay"], env)
    worked = json.loads(run(["-c", QUEUE], env).splitlines()[-1])
    cron = [run(["-m", "django", *command], env) for command in cron_commands()]
    return {
        "cron": cron,
        "registered": registered,
        "queued": queued,
        "mail_before": mail_before,
        "worker": worker,
        "worked": worked,
        "mail": [message_from_bytes(p.read_bytes()) for p in sorted(mail_dir.glob("*"))],
    }


def test_the_settings_are_the_docs_lines_for_this_django_tasks(host):
    expected = (
        "django_tasks.backends.database.DatabaseBackend"  # Wagtail 7.0 pins django-tasks 0.7
        if django_tasks_0_7()
        else "django_tasks_db.DatabaseBackend"
    )
    assert host["queued"]["backend"] == expected


def test_the_confirmation_waits_in_the_database_queue(host):
    assert host["registered"]["emails"] == [["confirmation", "pending"]]
    ((email_id, kind, state),) = host["queued"]["emails"]
    assert (kind, state) == ("confirmation", "pending")
    ((args, status),) = host["queued"]["tasks"]
    assert (args, status) == ([email_id], WAITING)
    assert host["mail_before"] == []


def test_one_batch_of_the_worker_sends_it(host):
    ((email_id, kind, state),) = host["worked"]["emails"]
    assert state == "sent"
    ((args, status),) = host["worked"]["tasks"]
    assert (args, status) == ([email_id], SUCCEEDED)
    (message,) = host["mail"]
    assert message["To"] == "Anna Andersson <anna@example.se>"
    assert "Köade bekräftelser" in str(make_header(decode_header(message["Subject"])))


def test_the_docs_cron_lines_run_beside_the_database_queue(host):
    pending, reminders, purge, digest = host["cron"]
    assert "nothing due" in pending
    assert "reminders queued: 0" in reminders
    assert "registrations erased: 0" in purge
    assert "Sent 0 digest(s)." in digest

@pytest.mark.skipif(django_tasks_0_7(), reason="django-tasks 0.7's backend is enqueued at commit")
def test_the_task_row_is_written_in_the_registrations_transaction(host):
    # One commit per registration: the task row commits with it (and the rolled-back one above
    # left none: test_the_confirmation_waits_in_the_database_queue finds one task).
    assert host["registered"]["tasks_inside_the_transaction"] == 1
