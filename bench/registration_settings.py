"""Settings of the registration benchmark: the test suite's host-like settings on PostgreSQL
(loopback only), DEBUG off, no rate limits (50 clients share one IP address), and e-mail tasks
left in the queue as a worker backend would (the bench measures registering, not SMTP)."""

import os

import django

from tests.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.registration_urls"
ALLOWED_HOSTS = ["127.0.0.1"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("WW_BENCH_DB", "ww_bench_registration"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAIL_WEBINARS = {
    "BASE_TEMPLATE": "base.html",
    # The throughput of the endpoint itself, as its baseline (a view that inserts a row) has no
    # limits: every client is 127.0.0.1, one network, which the per-network budgets would stop.
    "REGISTRATION_RATE_LIMIT": None,
    "REGISTRATION_NETWORK_RATE_LIMIT": None,
    "REGISTRATION_FAILURE_RATE_LIMIT": None,
    "CANCEL_RATE_LIMIT": None,
}
TASKS = {
    "default": {
        "BACKEND": ("django.tasks" if django.VERSION >= (6, 0) else "django_tasks")
        + ".backends.dummy.DummyBackend"
    }
}
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
