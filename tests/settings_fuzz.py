"""The test site served live for the schemathesis run (``scripts/fuzz_api.py``): the suite's
settings on a throwaway SQLite file, mail dropped, and the rate limits raised so that the
generated requests reach the validation and the rules rather than a 429 after the twentieth."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import WAGTAIL_WEBINARS

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["WW_FUZZ_DB"]}
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
WAGTAIL_WEBINARS = {
    **WAGTAIL_WEBINARS,
    "REGISTRATION_RATE_LIMIT": "1000000/h",
    "CANCEL_RATE_LIMIT": "1000000/h",
    "FEEDBACK_RATE_LIMIT": "1000000/m",
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # 4xx are the point of the run; a 500's traceback is what the log must show.
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
