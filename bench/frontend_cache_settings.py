"""Settings of the front-end cache benchmark: the test suite's host-like settings on PostgreSQL
and Redis (db 8), DEBUG off, no rate limits (every client is 127.0.0.1), FRONTEND_CACHE on, and
purging into the Varnish at ``FRONTEND_CACHE_URL`` when that is set (empty: the same site
without a purge, the baseline of the registration measure)."""

import os

import django

from tests.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("WW_BENCH_DB", "ww_cache_bench"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }
}
# Shared by every process, as in production: fragments and the purge counters.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/8",
        "KEY_PREFIX": os.environ.get("WW_BENCH_CACHE_PREFIX", "ww-cache-bench"),
    }
}
WAGTAIL_WEBINARS = {
    "BASE_TEMPLATE": "base.html",
    "REGISTRATION_RATE_LIMIT": None,
    "REGISTRATION_NETWORK_RATE_LIMIT": None,
    "REGISTRATION_FAILURE_RATE_LIMIT": None,
    "REGISTRATION_ADDRESS_RATE_LIMIT": None,
    "CANCEL_RATE_LIMIT": None,
    "FRONTEND_CACHE": True,
}
if os.environ.get("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["FRONTEND_CACHE_URL"],
        }
    }
TASKS = {
    "default": {
        "BACKEND": ("django.tasks" if django.VERSION >= (6, 0) else "django_tasks")
        + ".backends.dummy.DummyBackend"
    }
}
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
