"""The example site's production settings read their configuration from the environment, pass
`manage.py check --deploy` with no warning of ours, and send e-mail through Anymail (its real
test backend here); without a required variable they stop with a message naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "example_project"

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "example_project.settings_production",
    "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-for-the-test",
    "DJANGO_ALLOWED_HOSTS": "webbinarier.example.se",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ww_production_settings",
    "CACHE_URL": "redis://127.0.0.1:6379/14",
    "EMAIL_PROVIDER": "test",
    "DEFAULT_FROM_EMAIL": "Region Exempel <webbinarier@example.se>",
    "ALLOWED_FRONTEND_ORIGINS": "https://www.kommun.example,https://www.region.example",
    "BEHIND_PROXY": "1",
}


def run(*args, drop=(), code=None):
    # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for Playwright) is not a deployment's.
    drop = {*drop, "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE_TEST"}
    env = {k: v for k, v in {**os.environ, **ENVIRONMENT}.items() if k not in drop}
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_no_warning_of_ours():
    result = run("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "wagtail_webinars" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    "variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL"]
)
def test_a_missing_variable_is_named(variable):
    result = run("check", drop=[variable])
    assert result.returncode != 0
    assert f"Set the environment variable {variable}" in result.stderr


READ_BACK = """
import django
django.setup()
from django.conf import settings
from django.core import mail
from wagtail_webinars.conf import webinar_settings
from wagtail_webinars.origin import frontend_origins
mail.send_mail("Ämne", "Text", None, ["anna@kommun.example"])
print(settings.DATABASES["default"]["ENGINE"], settings.DATABASES["default"]["NAME"])
print(settings.CACHES["default"]["BACKEND"])
print(sorted(frontend_origins()))
print(len(mail.outbox), mail.outbox[0].from_email, mail.outbox[0].anymail_test_params.get("to"))
print(settings.RATELIMIT_IP_META_KEY, settings.SECURE_PROXY_SSL_HEADER)
"""


def test_the_environment_reaches_the_settings_and_mail_goes_through_anymail():
    result = run(code=READ_BACK)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "django.db.backends.postgresql ww_production_settings"
    assert lines[1] == "django.core.cache.backends.redis.RedisCache"
    assert lines[2] == "['https://www.kommun.example', 'https://www.region.example']"
    assert lines[3].startswith("1 Region Exempel <webbinarier@example.se>")
    assert lines[4] == "HTTP_X_FORWARDED_FOR ('HTTP_X_FORWARDED_PROTO', 'https')"


TASKS_READ_BACK = """
import django
django.setup()
from django.conf import settings
from django.apps import apps
print(settings.TASKS["default"]["BACKEND"])
print(any(a.name.startswith(("django_tasks_db", "django_tasks.backends.database"))
          for a in apps.get_app_configs()))
"""


def test_tasks_backend_database_queues_for_a_worker_and_passes_check_deploy():
    ENVIRONMENT["TASKS_BACKEND"] = "database"
    try:
        result = run(code=TASKS_READ_BACK)
        deploy = run("check", "--deploy", "--fail-level", "WARNING")
    finally:
        del ENVIRONMENT["TASKS_BACKEND"]
    assert result.returncode == 0, result.stderr
    backend, installed = result.stdout.split()
    assert backend in {
        "django_tasks_db.DatabaseBackend",
        "django_tasks.backends.database.DatabaseBackend",
    }
    assert installed == "True"
    assert deploy.returncode == 0, deploy.stderr + deploy.stdout


def test_an_unknown_tasks_backend_is_named():
    ENVIRONMENT["TASKS_BACKEND"] = "celery"
    try:
        result = run("check")
    finally:
        del ENVIRONMENT["TASKS_BACKEND"]
    assert result.returncode != 0
    assert "TASKS_BACKEND='celery'" in result.stderr


FRONTEND_CACHE_READ_BACK = """
import django
django.setup()
from django.apps import apps
from django.conf import settings
from wagtail_webinars.conf import webinar_settings
print(webinar_settings.FRONTEND_CACHE, webinar_settings.FRONTEND_CACHE_MAX_AGE)
print(getattr(settings, "WAGTAILFRONTENDCACHE", None))
print(apps.is_installed("wagtail.contrib.frontend_cache"))
"""


def test_frontend_cache_url_turns_on_the_cache_headers_and_purging_through_varnish():
    env = {"FRONTEND_CACHE_URL": "http://127.0.0.1:6081", "FRONTEND_CACHE_MAX_AGE": "120"}
    ENVIRONMENT.update(env)
    try:
        result = run(code=FRONTEND_CACHE_READ_BACK)
        check = run("check", "--deploy", "--fail-level", "WARNING")
    finally:
        for key in env:
            ENVIRONMENT.pop(key)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "True 120"
    assert lines[1] == (
        "{'varnish': {'BACKEND': 'wagtail.contrib.frontend_cache.backends.HTTPBackend', "
        "'LOCATION': 'http://127.0.0.1:6081'}}"
    )
    assert lines[2] == "True"
    assert check.returncode == 0, check.stderr + check.stdout


def test_without_frontend_cache_url_there_is_no_front_end_cache():
    result = run(code=FRONTEND_CACHE_READ_BACK, drop=["FRONTEND_CACHE_URL"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[0] == "False 300"
