"""Settings of our side of the peer benchmark (bench/peer_bench.py): bench/registration_settings.py
on PostgreSQL, with what production has in the request path: Redis as the cache (db 6, or
``WW_BENCH_REDIS_DB``), the rate limits on (set so high that they never refuse, so that every
counter's round trip is measured: 8 clients share one address) and e-mail through the same
file-based backend as the peer's (``WW_BENCH_MAIL_DIR``).

``WW_BENCH_SETUP`` picks the task backend: ``default`` is the package's default setup (Django's
ImmediateBackend: the e-mail is built and sent inside the request, after the commit);
``production`` queues it for a worker (django-tasks-db's DatabaseBackend: one row in the request).
"""

import importlib.util
import os

import django

from bench.registration_settings import *  # noqa: F403
from bench.registration_settings import INSTALLED_APPS

DATABASES["default"]["NAME"] = os.environ.get("WW_BENCH_DB", "ww_bench_peer_ours")  # noqa: F405
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:6379/{os.environ.get('WW_BENCH_REDIS_DB', '6')}",
        "KEY_PREFIX": "ww-bench-peer-ours",
    }
}
WAGTAIL_WEBINARS = {
    "BASE_TEMPLATE": "base.html",
    "REGISTRATION_RATE_LIMIT": "1000000/h",
    "REGISTRATION_FAILURE_RATE_LIMIT": "1000000/h",
    "REGISTRATION_NETWORK_RATE_LIMIT": "1000000/h",
    "REGISTRATION_ADDRESS_RATE_LIMIT": "1000000/h",
    "FEEDBACK_RATE_LIMIT": "1000000/h",
    "CANCEL_RATE_LIMIT": "1000000/h",
}
# django-tasks-db needs Django 6's tasks framework or django-tasks' compat extra.
TASKS_DB = django.VERSION >= (6, 0) and importlib.util.find_spec("django_tasks_db") is not None
if TASKS_DB:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
_immediate = ("django.tasks" if django.VERSION >= (6, 0) else "django_tasks") + (
    ".backends.immediate.ImmediateBackend"
)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("WW_BENCH_SETUP") == "production"
        else _immediate
    }
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("WW_BENCH_MAIL_DIR", "/tmp/ww-bench-mail")
