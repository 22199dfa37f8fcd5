"""Settings of the render benchmark: the test suite's host-like settings, production-like
(DEBUG off, cached template loader), on a throw-away SQLite file, plus the bench's plain page."""

import tempfile
from pathlib import Path

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "bench.plainpage"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(Path(tempfile.mkdtemp(prefix="ww-bench-")) / "bench.sqlite3"),
    }
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
