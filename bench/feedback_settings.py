"""Settings of the feedback benchmark: the test suite's host-like settings on PostgreSQL and
Redis (loopback only), DEBUG off. The rate limit stays on, set so high that it never refuses, so
its cache round trip is part of what is measured (50 clients share one IP address)."""

import os

from tests.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.feedback_urls"
ALLOWED_HOSTS = ["127.0.0.1"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("WW_BENCH_DB", "ww_bench_feedback"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:6379/{os.environ.get('WW_BENCH_REDIS_DB', '6')}",
        "KEY_PREFIX": "ww-bench-feedback",
    }
}
WAGTAIL_WEBINARS = {"BASE_TEMPLATE": "base.html", "FEEDBACK_RATE_LIMIT": "1000000/m"}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
