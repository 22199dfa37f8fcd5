"""Settings of a test server process that a test starts beside itself (tests/serve.py), for the
rules that must hold across processes: the suite's settings, plus what the test passes in the
environment.

- ``WW_SERVER_CACHE_PREFIX``: the Redis namespace (127.0.0.1:6379) the processes share.
- ``WW_SERVER_WEBINARS``: JSON merged over ``WAGTAIL_WEBINARS`` (the limits under test).
- ``WW_SERVER_IP_META_KEY``: django-ratelimit's ``RATELIMIT_IP_META_KEY``, as a proxied site
  sets it (docs/settings.md).

The database is the test's own (``WW_DB=postgres WW_PG_NAME=<the test database>``).
"""

import json
import os

from tests.settings import *  # noqa: F403
from tests.settings import WAGTAIL_WEBINARS

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": os.environ["WW_SERVER_CACHE_PREFIX"],
    }
}
WAGTAIL_WEBINARS = {**WAGTAIL_WEBINARS, **json.loads(os.environ.get("WW_SERVER_WEBINARS", "{}"))}
if os.environ.get("WW_SERVER_IP_META_KEY"):
    RATELIMIT_IP_META_KEY = os.environ["WW_SERVER_IP_META_KEY"]
# What the test process's own pytest-django would set: no mail leaves the machine.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
